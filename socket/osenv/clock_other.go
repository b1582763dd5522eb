//go:build !linux

package osenv

import (
	"context"
	"time"
)

// runJumpDetector ticks until ctx ends. When the wall clock (as each tick
// reports it) moved more than tick+threshold between two ticks and enabled() holds, it calls onJump with
// the gap. The monotonic clock does not advance while Linux and macOS are
// suspended, so the ticker fires on time by its own measure and only the
// wall clock shows the sleep.
func runJumpDetector(ctx context.Context, clk Clock, tick, threshold time.Duration, enabled func() bool, onJump func(gap time.Duration)) {
	runJumpDetectorFrom(ctx, clk, clk.Now(), tick, threshold, enabled, onJump)
}
