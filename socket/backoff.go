package socket

import "time"

// Backoff returns the delay before redial number attempt (1, 2, 3, …) under
// full-jitter exponential backoff, as WarpKit documents it:
//
//	delay = r * min(max, base * 2^(attempt-1))
//
// where r is a random number in [0, 1). With base 500ms and max 20s, attempt
// 1 waits 0–500ms, attempt 2 0–1s, …, attempt 7 and later 0–20s. It is a pure
// function so the schedule can be tested with fixed r.
func Backoff(attempt int, base, max time.Duration, r float64) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	if r < 0 {
		r = 0
	}
	if r >= 1 {
		r = 0.9999999999
	}
	window := base
	for i := 1; i < attempt && window < max; i++ {
		window *= 2
	}
	if window > max {
		window = max
	}
	return time.Duration(r * float64(window))
}
