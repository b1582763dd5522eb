package conn_test

import (
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/warpdesk/warpdesk/conn"
	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/store"
)

// The link's reason is a few words a user can act on, whatever the error.
func TestLinkWords(t *testing.T) {
	dial := func(err error) error { return &socket.DialError{URL: "ws://h/ws", Err: err} }
	reconnecting := socket.Status{State: socket.StateReconnecting, Attempt: 1}
	for _, tc := range []struct {
		st        socket.Status
		err       error
		tokenSent bool
		link      store.Link
		reason    string
	}{
		{socket.Status{State: socket.StateConnected}, dial(syscall.ECONNREFUSED), true, store.LinkLive, ""},
		{socket.Status{State: socket.StateConnecting}, nil, false, store.LinkConnecting, ""},
		{reconnecting, dial(fmt.Errorf("dial tcp: %w", syscall.ECONNREFUSED)), false, store.LinkReconnecting, "connection refused"},
		{reconnecting, dial(fmt.Errorf("%w after 5s", socket.ErrConnectionTimeout)), false, store.LinkReconnecting, "timed out"},
		{reconnecting, dial(&net.DNSError{Err: "no such host", Name: "h"}), false, store.LinkReconnecting, "server not found"},
		{reconnecting, &socket.DialError{StatusCode: 502, Err: errors.New("bad handshake")}, false, store.LinkReconnecting, "server answered HTTP 502"},
		{reconnecting, dial(fmt.Errorf("handshake: %w", conn.TokenError(errors.New("keyring locked")))), false, store.LinkReconnecting, "token unavailable: keyring locked"},
		{reconnecting, socket.ErrHeartbeatTimeout, true, store.LinkReconnecting, "server stopped answering"},
		{reconnecting, &socket.CloseError{Code: 1001}, true, store.LinkReconnecting, "closed by the server (1001)"},
		{reconnecting, nil, true, store.LinkReconnecting, "connection lost"},
		{socket.Status{State: socket.StateReconnecting, Err: fmt.Errorf("%w: x509", socket.ErrCertificate)}, nil, true, store.LinkReconnecting, "certificate not trusted"},
		{socket.Status{State: socket.StateDisconnected, Err: fmt.Errorf("%w: 401", socket.ErrRejected)}, nil, true, store.LinkRejected, "server rejected the token"},
		{socket.Status{State: socket.StateDisconnected, Err: fmt.Errorf("%w: 401", socket.ErrRejected)}, nil, false, store.LinkRejected, "server requires a token"},
		{socket.Status{State: socket.StateDisconnected, Err: socket.ErrGaveUp}, nil, true, store.LinkOffline, "gave up reconnecting"},
		{socket.Status{State: socket.StateDisconnected, Offline: true}, nil, true, store.LinkOffline, "no network"},
		{socket.Status{State: socket.StateDisconnected, Offline: true, Asleep: true}, nil, true, store.LinkOffline, "asleep"},
	} {
		link, reason := conn.LinkOf(tc.st, tc.err, tc.tokenSent)
		if link != tc.link || reason != tc.reason {
			t.Errorf("%+v, %v: %v %q; want %v %q", tc.st, tc.err, link, reason, tc.link, tc.reason)
		}
	}
	if err := conn.TokenError(errors.New("x")); !errors.Is(err, conn.ErrToken) {
		t.Errorf("%v does not match ErrToken", err)
	}
}

// The next attempt follows the socket's schedule, at the latest.
func TestNextDial(t *testing.T) {
	now := time.Date(2026, 12, 1, 17, 35, 0, 0, time.UTC)
	opts := socket.Options{ReconnectDelay: time.Second, MaxReconnectDelay: 8 * time.Second}
	for _, tc := range []struct {
		attempt int
		err     error
		want    time.Duration
	}{
		{1, nil, time.Second},
		{3, nil, 4 * time.Second},
		{9, nil, 8 * time.Second},
		{1, &socket.DialError{StatusCode: 503, RetryAfter: 30 * time.Second}, 30 * time.Second},
		{1, fmt.Errorf("%w: x509", socket.ErrCertificate), 8 * time.Second},
	} {
		got := conn.NextDial(now, tc.attempt, tc.err, opts).Sub(now)
		if got > tc.want || got < tc.want-time.Millisecond {
			t.Errorf("attempt %d after %v: %v, want %v", tc.attempt, tc.err, got, tc.want)
		}
	}
}

func TestDescribe(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&conn.StatusError{Code: 401, Err: conn.ErrCatchUpRefused}, "the server refused the token (server answered 401 Unauthorized)"},
		{&conn.StatusError{Code: 500}, "server answered 500 Internal Server Error"},
		{fmt.Errorf("%w: not JSON", conn.ErrBadSnapshot), "the response is not a list of incidents"},
		{fmt.Errorf("dial: %w", websocket.ErrBadHandshake), "not a WebSocket server"},
		{&net.OpError{Op: "read", Err: timeoutErr{}}, "timed out"},
		{errors.New("something else"), ""},
	} {
		if got := conn.Describe(tc.err); got != tc.want {
			t.Errorf("Describe(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }
