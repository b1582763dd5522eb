package store

import "time"

// Clock is the store's source of time: Now stamps changes (Since, AsOf) and
// AfterFunc ends a notification pause. Tests pass a fake whose Advance fires
// the timers without sleeping.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f on its own goroutine once d has passed.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending AfterFunc.
type Timer interface {
	// Stop cancels the call; it reports false if f already ran or was stopped.
	Stop() bool
}

// SystemClock is the real clock (package time).
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// AfterFunc is time.AfterFunc.
func (SystemClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }
