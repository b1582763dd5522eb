package osenv

import (
	"context"
	"time"
)

// keepWatching runs once until ctx ends, starting it again with a doubling
// delay (1s up to 30s) each time it fails: a broken OS subscription (an
// rtnetlink overrun, a closed routing socket) is reopened, not given up.
func (w *watcher) keepWatching(ctx context.Context, what string, once func(context.Context) error) {
	delay := time.Second
	for {
		err := once(ctx)
		if ctx.Err() != nil {
			return
		}
		w.log.Warn(what+" interrupted; starting it again", "err", err, "in", delay)
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		delay = min(2*delay, 30*time.Second)
	}
}
