//go:build darwin && !cgo

package osenv

import "context"

// watchSleep: without cgo there is no IOKit, so the clock-jump detector is
// all there is.
func (w *watcher) watchSleep(ctx context.Context) {
	w.log.Info("built without cgo: sleep/wake detected from wall-clock jumps only")
	runJumpDetector(ctx, w.opts.Clock, w.opts.TickInterval, w.opts.JumpThreshold,
		func() bool { return true }, w.jumped)
}
