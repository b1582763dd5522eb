package socket

import (
	"errors"
	"fmt"
	"time"
)

// run is the connection loop of one session: dial, serve the connection,
// wait out the backoff, dial again. It owns the dial and, while connected,
// is the connection's writer.
func (c *Client) run(s *session) {
	defer close(s.done)
	redials := 0 // ReconnectAttempt events since the last successful connect
	for {
		if !c.waitUnpaused(s) {
			return
		}
		c.takeNow(s) // this dial is the "now" that was asked for
		connected, err := c.attempt(s, redials)
		if connected {
			redials = 0
		}
		if s.ctx.Err() != nil {
			return
		}
		if c.paused() {
			continue // closed or cut short by SetOnline/SetAwake: no backoff
		}
		if !c.mayRetry(s, err) {
			return
		}
		now := c.takeNow(s)
		if !now { // unless told to dial now, wait out the backoff
			if !c.backoff(s, redials, err) {
				return
			}
			if c.paused() {
				continue
			}
			now = c.takeNow(s)
		}
		if now {
			redials = 0
		}
		redials++
		emitEvent(c, ReconnectAttempt, ReconnectAttemptEvent{Attempt: redials})
	}
}

// attempt dials once and, if that works, serves the connection until it
// ends. It reports whether it connected, and why the dial failed or the
// connection ended (nil: closed on request).
func (c *Client) attempt(s *session, redials int) (connected bool, err error) {
	ws, hello, err := c.dial(s, redials)
	if err != nil {
		if s.ctx.Err() == nil && !c.paused() {
			c.report(err)
		}
		return false, err
	}
	return true, c.serve(s, ws, hello)
}

// mayRetry stops the session, and reports false, when err forbids another
// dial: a rejection, or any end with DisableReconnect.
func (c *Client) mayRetry(s *session, err error) bool {
	switch {
	case errors.Is(err, ErrRejected):
		c.stop(s, err)
		return false
	case c.opts.DisableReconnect:
		c.stop(s, nil)
		return false
	}
	return true
}

// backoff waits before redial number redials+1, or gives up when
// MaxReconnectAttempts redials have failed. It reports false when the
// session ended.
func (c *Client) backoff(s *session, redials int, err error) bool {
	if max := c.opts.MaxReconnectAttempts; max > 0 && redials >= max {
		emitEvent(c, ReconnectFailed, ReconnectFailedEvent{Attempts: redials})
		c.stop(s, fmt.Errorf("%w after %d attempts", ErrGaveUp, redials))
		return false
	}
	c.mu.Lock()
	if c.sess == s && !c.status.Paused() {
		st := c.status
		st.State, st.Attempt = StateReconnecting, redials+1
		st.Err = nil
		if errors.Is(err, ErrCertificate) {
			st.Err = err // retried slowly: say why
		}
		c.setStatusLocked(st)
	}
	c.mu.Unlock()
	return c.sleep(s, c.retryDelay(redials+1, err))
}

// maxRetryAfter caps how long a server's Retry-After may hold the client.
const maxRetryAfter = 5 * time.Minute

// retryDelay is the wait before redial number attempt after err: the
// jittered backoff, at least the server's Retry-After (capped at five
// minutes), and MaxReconnectDelay after a certificate failure, which
// retrying sooner will not fix.
func (c *Client) retryDelay(attempt int, err error) time.Duration {
	if errors.Is(err, ErrCertificate) {
		return c.opts.MaxReconnectDelay
	}
	d := Backoff(attempt, c.opts.ReconnectDelay, c.opts.MaxReconnectDelay, c.rand())
	var de *DialError
	if errors.As(err, &de) && de.RetryAfter > d {
		d = min(de.RetryAfter, maxRetryAfter)
	}
	return d
}

// paused reports whether the OS state holds reconnecting back.
func (c *Client) paused() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.status.Paused()
}

// takeNow consumes a pending "dial now" request.
func (c *Client) takeNow(s *session) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := s.now
	s.now = false
	return now
}

// waitUnpaused blocks while the client is paused. It reports false when the
// session ended.
func (c *Client) waitUnpaused(s *session) bool {
	for {
		c.mu.Lock()
		paused := c.status.Paused()
		if paused && c.sess == s {
			c.setStateLocked(StateDisconnected)
		}
		c.mu.Unlock()
		if !paused {
			return s.ctx.Err() == nil
		}
		select {
		case <-s.ctx.Done():
			return false
		case <-s.kick:
		}
	}
}

// sleep waits d, or less if kicked (a pause change or Reconnect). It reports
// false when the session ended.
func (c *Client) sleep(s *session, d time.Duration) bool {
	t := c.clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-s.ctx.Done():
		return false
	case <-t.C():
	case <-s.kick:
	}
	return s.ctx.Err() == nil
}

// stop ends the session by the client's own decision (rejection, giving up,
// reconnect disabled), leaving it disconnected until Connect or Reconnect.
func (c *Client) stop(s *session, why error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sess != s {
		return
	}
	c.sess = nil
	s.cancel()
	c.disp.setKeep(false)
	st := c.status
	st.State, st.Err = StateDisconnected, why
	c.setStatusLocked(st)
}
