package socket

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/websocket"
)

// dial makes one connection attempt, bounded by ConnectionTimeout and cut
// short by Disconnect or a pause. Its errors are *DialError.
func (c *Client) dial(s *session, attempt int) (*websocket.Conn, []byte, error) {
	ctx, cancel, ok := c.dialContext(s)
	if !ok {
		return nil, nil, context.Canceled
	}
	defer cancel()
	header, hello, err := c.upgradeRequest(ctx)
	if err != nil {
		return nil, nil, c.dialError(ctx, s, attempt, nil, err)
	}
	ws, resp, err := c.upgrade(ctx, header)
	if err != nil {
		return nil, nil, c.dialError(ctx, s, attempt, resp, err)
	}
	return ws, hello, nil
}

// dialContext returns the context of one dial: the session's, cut short by
// a pause (s.dialCancel) and bounded by ConnectionTimeout. It reports false
// when the session ended or is paused.
func (c *Client) dialContext(s *session) (context.Context, context.CancelFunc, bool) {
	ctx, cancel := context.WithCancel(s.ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sess != s || c.status.Paused() {
		cancel()
		return nil, nil, false
	}
	s.dialCancel = cancel
	if c.status.State == StateDisconnected {
		if c.everConnected {
			c.setStateLocked(StateReconnecting)
		} else {
			c.setStateLocked(StateConnecting)
		}
	}
	done := func() {
		cancel()
		c.mu.Lock()
		s.dialCancel = nil
		c.mu.Unlock()
	}
	if c.opts.ConnectionTimeout <= 0 {
		return ctx, done, true
	}
	tctx, tcancel := context.WithTimeout(ctx, c.opts.ConnectionTimeout)
	return tctx, func() { tcancel(); done() }, true
}

// upgrade dials the TCP connection and upgrades it. gorilla honours the
// context's deadline during the upgrade but not its cancellation: the TCP
// connection is closed here when ctx ends early.
func (c *Client) upgrade(ctx context.Context, header http.Header) (*websocket.Conn, *http.Response, error) {
	d := *c.opts.Dialer
	d.EnableCompression = d.EnableCompression || c.opts.Compression
	netDial := d.NetDialContext
	if netDial == nil {
		var nd net.Dialer
		netDial = nd.DialContext
	}
	var stopWatch func() bool
	d.NetDialContext = func(dctx context.Context, network, addr string) (net.Conn, error) {
		nc, err := netDial(dctx, network, addr)
		if err == nil {
			// Watch our ctx, not dctx: gorilla cancels dctx when it returns.
			stopWatch = context.AfterFunc(ctx, func() { nc.Close() })
		}
		return nc, err
	}
	ws, resp, err := d.DialContext(ctx, c.url, header)
	if stopWatch != nil && !stopWatch() && err == nil {
		// ctx ended just as the upgrade finished: the socket is closed.
		ws.Close()
		return nil, nil, ctx.Err()
	}
	return ws, resp, err
}

// dialError classifies a failed dial: a timeout (whatever the cut-short
// read made of the response), a rejection (HTTP 401/403), an overloaded
// server's Retry-After (HTTP 429/503), a certificate failure.
func (c *Client) dialError(ctx context.Context, s *session, attempt int, resp *http.Response, err error) error {
	de := &DialError{URL: c.shown, Attempt: attempt}
	if resp != nil {
		de.StatusCode = resp.StatusCode
		switch resp.StatusCode {
		case http.StatusUnauthorized, http.StatusForbidden:
			err = fmt.Errorf("%w: %w", ErrRejected, err)
		case http.StatusTooManyRequests, http.StatusServiceUnavailable:
			de.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), c.clock.Now())
		}
	}
	var (
		ne   net.Error
		cve  *tls.CertificateVerificationError
		uae  x509.UnknownAuthorityError
		hne  x509.HostnameError
		cie  x509.CertificateInvalidError
		dead bool
	)
	if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
		dead = true // the connection was cut at the deadline, whatever err says
	}
	switch {
	case errors.As(err, &cve) || errors.As(err, &uae) || errors.As(err, &hne) || errors.As(err, &cie):
		err = fmt.Errorf("%w: %w", ErrCertificate, err)
	case s.ctx.Err() == nil && c.opts.ConnectionTimeout > 0 &&
		(dead || ctx.Err() == context.DeadlineExceeded || (errors.As(err, &ne) && ne.Timeout())):
		err = fmt.Errorf("%w after %v: %w", ErrConnectionTimeout, c.opts.ConnectionTimeout, err)
	}
	de.Err = err
	return de
}

// retryAfter parses a Retry-After header, seconds or an HTTP date, into a
// wait; 0 when absent or invalid.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			return 0
		}
		return min(time.Duration(n)*time.Second, maxRetryAfter)
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return min(t.Sub(now), maxRetryAfter)
	}
	return 0
}
