package socket_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/warpdesk/warpdesk/socket"
)

// startAbruptCloser starts a server that, on every connection, waits after,
// writes a close frame with code and reason and drops the TCP connection at
// once, without reading anything: what the client wrote meanwhile is left
// unread, so the kernel answers it with a reset. This is how many real
// servers refuse a token, and the client's next write then fails (broken
// pipe, connection reset) while the close frame is still waiting, unread,
// in its socket. It returns the URL and the number of connections so far.
func startAbruptCloser(t *testing.T, code int, reason string, after time.Duration) (string, *atomic.Int32) {
	t.Helper()
	var conns atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		conns.Add(1)
		time.Sleep(after)
		msg := websocket.FormatCloseMessage(code, reason)
		_ = ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
		ws.Close()
	}))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http"), &conns
}

// chatter sends to c as fast as it takes messages (keeping at most 1000
// buffered) until the test ends.
func chatter(t *testing.T, c *socket.Client) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if c.Buffered() < 1000 {
				_ = c.Send("chatter", map[string]string{"pad": "0123456789abcdef"})
			} else {
				time.Sleep(50 * time.Microsecond)
			}
		}
	}()
	t.Cleanup(func() { close(stop); wg.Wait() })
}

// TestServerCloseWhileWriting closes the connection from the server, with
// a close frame and an immediate TCP drop, while the client is writing.
// The client must report the server's close code, never the write error it
// ran into: a refused token is said plainly at once (issue 9), not as
// "connection lost" followed by a redial.
func TestServerCloseWhileWriting(t *testing.T) {
	cases := []struct {
		name    string
		code    int
		reason  string
		backlog int  // messages buffered before the connection opens
		chatter bool // send continuously while connected
	}{
		{"rejected while sending", 4401, "token rejected", 0, true},
		{"rejected during backlog flush", 4401, "token rejected", 5000, false},
		{"going away while sending", websocket.CloseGoingAway, "restarting", 0, true},
		{"going away during backlog flush", websocket.CloseGoingAway, "restarting", 5000, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			url, conns := startAbruptCloser(t, tc.code, tc.reason, time.Millisecond)
			opts := fast()
			opts.BufferLimit = 1 << 20
			opts.Handshake = func(context.Context) (socket.Handshake, error) {
				return socket.Handshake{Name: "auth", Data: map[string]string{"token": "stale"}}, nil
			}
			c := newClient(t, url, opts)
			var errs recorder[error]
			c.OnError(errs.add)
			var disc recorder[socket.DisconnectedEvent]
			socket.On(c, socket.Disconnected, func(e socket.DisconnectedEvent, _ socket.Envelope) { disc.add(e) })
			c.JoinRoom("ops")
			for i := 0; i < tc.backlog; i++ {
				if err := c.Send("backlog", map[string]string{"pad": strings.Repeat("b", 200)}); err != nil {
					t.Fatal(err)
				}
			}
			if tc.chatter {
				chatter(t, c)
			}
			c.Connect()
			eventually(t, 5*time.Second, "the first Disconnected event", func() bool { return disc.len() > 0 })
			checkServerClose(t, disc.get()[0], errs.get(), tc.code, tc.reason)
			if rejected := tc.code == 4401; rejected {
				eventually(t, 2*time.Second, "the client stops", func() bool { return c.Status().Err != nil })
				if err := c.Status().Err; !errors.Is(err, socket.ErrRejected) {
					t.Errorf("Status().Err = %v, want ErrRejected", err)
				}
				if n := conns.Load(); n != 1 {
					t.Errorf("the server was dialled %d times; a rejected client must stop after one", n)
				}
			}
		})
	}
}

// checkServerClose checks that a connection the server closed with code and
// reason was reported as such: in the Disconnected event d and, for every
// error reported through OnError up to then, as the server's close.
func checkServerClose(t *testing.T, d socket.DisconnectedEvent, errs []error, code int, reason string) {
	t.Helper()
	if d.Code != code || d.Reason != reason {
		t.Errorf("Disconnected: close %d %q, want %d %q (Err: %v)", d.Code, d.Reason, code, reason, d.Err)
	}
	var ce *socket.CloseError
	if !errors.As(d.Err, &ce) || ce.Code != code {
		t.Errorf("Disconnected.Err = %v, want the server's close %d", d.Err, code)
	}
	for _, err := range errs {
		if !errors.As(err, &ce) {
			t.Errorf("reported %v; want only the server's close %d", err, code)
		}
	}
}
