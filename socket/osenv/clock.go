package osenv

import (
	"context"
	"time"
)

// Clock is the time source of the clock-jump detector. Now and the ticks
// must carry the wall clock; the detector strips any monotonic reading
// itself, so a *time.Ticker's ticks will do.
type Clock interface {
	Now() time.Time
	NewTicker(d time.Duration) Ticker
}

// Ticker is the part of *time.Ticker the detector uses.
type Ticker interface {
	C() <-chan time.Time
	Stop()
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) NewTicker(d time.Duration) Ticker { return realTicker{time.NewTicker(d)} }

type realTicker struct{ t *time.Ticker }

func (r realTicker) C() <-chan time.Time { return r.t.C }
func (r realTicker) Stop()               { r.t.Stop() }

// runJumpDetectorFrom is runJumpDetector measuring the first gap from last,
// a wall time the caller read before starting it (so a jump between the
// start and the first tick is not missed).
func runJumpDetectorFrom(ctx context.Context, clk Clock, last time.Time, tick, threshold time.Duration, enabled func() bool, onJump func(gap time.Duration)) {
	t := clk.NewTicker(tick)
	defer t.Stop()
	last = last.Round(0)
	for {
		var now time.Time
		select {
		case <-ctx.Done():
			return
		case now = <-t.C():
		}
		now = now.Round(0)
		gap := now.Sub(last)
		last = now
		if gap > tick+threshold && enabled() {
			onJump(gap)
		}
	}
}
