//go:build !linux && !darwin && !windows

package osenv

import "context"

// watchNetwork: no network watcher for this system; the client stays
// "online" and relies on its own backoff.
func (w *watcher) watchNetwork(ctx context.Context) {
	w.log.Info("no network watcher on this system: assuming online")
	<-ctx.Done()
}

// watchSleep: the clock-jump detector is all there is.
func (w *watcher) watchSleep(ctx context.Context) {
	runJumpDetector(ctx, w.opts.Clock, w.opts.TickInterval, w.opts.JumpThreshold,
		func() bool { return true }, w.jumped)
}
