package socket

// NewWithRand is New with the backoff's random source replaced, so tests can
// pin the jitter.
func NewWithRand(url string, opts Options, rnd func() float64) (*Client, error) {
	return newClient(url, opts, realClock{}, rnd)
}

// NewWithClock is New with a fake clock driving backoff and heartbeat timers.
func NewWithClock(url string, opts Options, clk *FakeClock, rnd func() float64) (*Client, error) {
	return newClient(url, opts, clk, rnd)
}
