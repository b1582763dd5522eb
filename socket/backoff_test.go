package socket_test

import (
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/socket"
)

func TestBackoffTable(t *testing.T) {
	const base, max = 500 * time.Millisecond, 20 * time.Second
	for _, tc := range []struct {
		attempt int
		r       float64
		want    time.Duration
	}{
		{1, 0, 0},
		{1, 0.5, 250 * time.Millisecond},
		{2, 0.5, 500 * time.Millisecond},
		{3, 0.5, time.Second},
		{6, 0.5, 8 * time.Second},
		{7, 0.5, 10 * time.Second},
		{50, 0.5, 10 * time.Second}, // capped, no overflow
		{0, 0.5, 250 * time.Millisecond},
		{1, -1, 0},
	} {
		if got := socket.Backoff(tc.attempt, base, max, tc.r); got != tc.want {
			t.Errorf("Backoff(%d, r=%v) = %v, want %v", tc.attempt, tc.r, got, tc.want)
		}
	}
	// r just under 1 stays inside the window.
	for attempt := 1; attempt < 10; attempt++ {
		if got := socket.Backoff(attempt, base, max, 0.999999); got >= max || got < 0 {
			t.Errorf("attempt %d: %v outside [0, %v)", attempt, got, max)
		}
	}
	if got := socket.Backoff(1, base, max, 1); got >= base {
		t.Errorf("r=1 gave %v, want < %v", got, base)
	}
}
