package conn

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"

	"github.com/gorilla/websocket"

	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/store"
)

// linkOf turns the socket's status (and the last dial error, which the
// status does not carry) into the link as the user reads it.
func linkOf(st socket.Status, lastErr error, tokenSent bool) (store.Link, string) {
	switch {
	case st.State == socket.StateConnected:
		return store.LinkLive, ""
	case errors.Is(st.Err, socket.ErrRejected):
		if tokenSent {
			return store.LinkRejected, "server rejected the token"
		}
		return store.LinkRejected, "server requires a token"
	case errors.Is(st.Err, socket.ErrGaveUp):
		return store.LinkOffline, "gave up reconnecting"
	case st.Asleep:
		return store.LinkOffline, "asleep"
	case st.Offline:
		return store.LinkOffline, "no network"
	case st.Err != nil: // a reason the socket keeps retrying slowly for
		lastErr = st.Err
	}
	if st.State == socket.StateConnecting {
		return store.LinkConnecting, describe(lastErr, "")
	}
	return store.LinkReconnecting, describe(lastErr, "connection lost")
}

// describe says in a few words why a dial, a connection or a catch-up
// failed ("connection refused", "timed out", "server not found",
// "certificate not trusted", "server answered HTTP 502", "token
// unavailable: …"); none for an error it has no words for. The words never
// include a URL, its query or credentials.
func describe(err error, none string) string {
	var (
		tok    *tokenError
		status *StatusError
		ne     net.Error
		dial   *socket.DialError
		dns    *net.DNSError
		cl     *socket.CloseError
		x509u  x509.UnknownAuthorityError
		x509h  x509.HostnameError
		x509c  x509.CertificateInvalidError
	)
	switch {
	case err == nil:
		return none
	case errors.As(err, &tok):
		return tok.Error()
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, socket.ErrConnectionTimeout), errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return "network unreachable"
	case errors.As(err, &dns):
		return "server not found"
	case errors.Is(err, socket.ErrCertificate), errors.As(err, &x509u), errors.As(err, &x509h), errors.As(err, &x509c):
		return "certificate not trusted"
	case errors.Is(err, socket.ErrHeartbeatTimeout):
		return "server stopped answering"
	case errors.As(err, &cl):
		return fmt.Sprintf("closed by the server (%d)", cl.Code)
	case errors.As(err, &dial) && dial.StatusCode != 0:
		return fmt.Sprintf("server answered HTTP %d", dial.StatusCode)
	case errors.As(err, &status):
		return status.Error()
	case errors.Is(err, ErrBadSnapshot):
		return ErrBadSnapshot.Error()
	case errors.Is(err, websocket.ErrBadHandshake):
		return "not a WebSocket server"
	case errors.As(err, &ne) && ne.Timeout():
		return "timed out"
	}
	return none
}

// tokenError is a failure of Options.Token; it matches ErrToken.
type tokenError struct{ err error }

func (e *tokenError) Error() string { return ErrToken.Error() + ": " + e.err.Error() }
func (e *tokenError) Unwrap() error { return e.err }
func (e *tokenError) Is(t error) bool {
	return t == ErrToken
}

// nextDial is the latest the socket's next redial can come after lastErr,
// following its schedule: a random wait within the window Backoff gives
// for r → 1, at least the server's Retry-After (which the socket caps at
// five minutes, DialError.RetryAfter), and the maximum
// delay after a certificate failure.
func nextDial(now time.Time, attempt int, lastErr error, opts socket.Options) time.Time {
	base, max := opts.ReconnectDelay, opts.MaxReconnectDelay
	if base <= 0 {
		base = socket.DefaultReconnectDelay
	}
	if max <= 0 {
		max = socket.DefaultMaxReconnectDelay
	}
	if max < base {
		max = base
	}
	if errors.Is(lastErr, socket.ErrCertificate) {
		return now.Add(max)
	}
	d := socket.Backoff(attempt, base, max, 1)
	var de *socket.DialError
	if errors.As(lastErr, &de) && de.RetryAfter > d {
		d = de.RetryAfter
	}
	return now.Add(d)
}
