package demo

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/socket"
)

// The demo must accept the clients WarpKit's manual describes, not only ours
// with its Handshake: these tests connect the ways a WarpKit app or a
// browser does.

func rawDial(t *testing.T, d *websocket.Dialer, url string, h http.Header) (*websocket.Conn, *http.Response) {
	t.Helper()
	ws, resp, err := d.Dial(url, h)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws, resp
}

func rawSend(t *testing.T, ws *websocket.Conn, frames ...string) {
	t.Helper()
	for _, f := range frames {
		if err := ws.WriteMessage(websocket.TextMessage, []byte(f)); err != nil {
			t.Fatalf("write %.60s: %v", f, err)
		}
	}
}

// rawReceive reads frames until one contains want, failing on a close or
// after a generous bound.
func rawReceive(t *testing.T, ws *websocket.Conn, want string) {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, msg, err := ws.ReadMessage()
		if err != nil {
			t.Fatalf("waiting for %s: %v", want, err)
		}
		if strings.Contains(string(msg), want) {
			return
		}
	}
}

// rawCloseCode reads until the server closes and returns its close code, or
// 1006 when there was no close frame.
func rawCloseCode(t *testing.T, ws *websocket.Conn) int {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, _, err := ws.ReadMessage()
		var ce *websocket.CloseError
		switch {
		case errors.As(err, &ce):
			return ce.Code
		case err != nil:
			return websocket.CloseAbnormalClosure
		}
	}
}

const authDemo = `{"type":"auth","token":"` + ops.DemoToken + `"}`

// TestWarpKitOrderIsAccepted writes what WarpKit's SocketClient writes on
// every (re)connect: the room joins and the buffered messages, then, from
// the Connected handler once it has a token, auth. The demo used to refuse
// the connection with 4001 at the first join.
func TestWarpKitOrderIsAccepted(t *testing.T) {
	s := start(t, Options{Interval: -1, Initial: -1})
	for round := 1; round <= 3; round++ {
		ws, _ := rawDial(t, websocket.DefaultDialer, s.URL(), nil)
		rawSend(t, ws, `{"type":"room.join","room":"ops"}`, `{"type":"incident.ack","uuid":"x"}`)
		time.Sleep(20 * time.Millisecond) // the handler awaits its token
		rawSend(t, ws, authDemo)
		joined(t, s, 1)
		in, err := s.Create(ops.Incident{Title: "round", Severity: ops.Warning, Room: "ops"})
		if err != nil {
			t.Fatal(err)
		}
		rawReceive(t, ws, in.UUID)
		s.DropAll() // the next round is a reconnect
		eventually(t, "dropped", func() bool { return s.Socket().Conns() == 0 })
	}
}

// TestClientAuthenticatingOnConnected is WarpKit's documented pattern with
// our client: rooms joined before Connect, no Handshake, auth sent from the
// Connected handler. It must connect, and connect again after every drop.
func TestClientAuthenticatingOnConnected(t *testing.T) {
	s := start(t, Options{Interval: -1, Initial: -1})
	c, err := socket.New(s.URL(), socket.Options{ReconnectDelay: 10 * time.Millisecond, MaxReconnectDelay: 40 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	var got atomic.Int32
	socket.On(c, socket.Connected, func(socket.ConnectedEvent, socket.Envelope) {
		if err := c.Send(ops.AuthName, ops.Auth{Token: ops.DemoToken}); err != nil {
			t.Errorf("auth: %v", err)
		}
	})
	socket.On(c, ops.IncidentCreated, func(ops.Incident, socket.Envelope) { got.Add(1) })
	c.JoinRoom("ops")
	c.Connect()
	t.Cleanup(c.Disconnect)
	for round := int32(1); round <= 3; round++ {
		joined(t, s, 1)
		if _, err := s.Create(ops.Incident{Title: "round", Severity: ops.Warning, Room: "ops"}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the incident received", func() bool { return got.Load() == round })
		if err := c.Status().Err; err != nil {
			t.Fatalf("round %d: status error %v", round, err)
		}
		n := s.Socket().Accepts()
		s.DropAll()
		eventually(t, "a new connection", func() bool { return s.Socket().Accepts() > n })
	}
}

// TestTokenInTheURL: a browser cannot set headers on a WebSocket, so it
// puts the token in the URL, as WarpKit's README does.
func TestTokenInTheURL(t *testing.T) {
	s := start(t, Options{Interval: -1, Initial: -1})
	ws, _ := rawDial(t, websocket.DefaultDialer, s.URL()+"?token="+ops.DemoToken, nil)
	rawSend(t, ws, `{"type":"room.join","room":"infra"}`)
	joined(t, s, 1)
	in, err := s.Create(ops.Incident{Title: "disk", Severity: ops.Critical, Room: "infra"})
	if err != nil {
		t.Fatal(err)
	}
	rawReceive(t, ws, in.UUID)

	bad, _ := rawDial(t, websocket.DefaultDialer, s.URL()+"?token=guess", nil)
	if code := rawCloseCode(t, bad); code != 4001 {
		t.Fatalf("wrong token in the URL: close code %d, want 4001", code)
	}
}

// TestCompression: Options.Compression negotiates permessage-deflate with a
// client that offers it, and messages still arrive.
func TestCompression(t *testing.T) {
	for _, on := range []bool{true, false} {
		s := start(t, Options{Interval: -1, Initial: -1, Compression: on})
		var read atomic.Int64
		d := &websocket.Dialer{
			EnableCompression: true,
			NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
				return countingConn{c, &read}, err
			},
		}
		ws, resp := rawDial(t, d, s.URL(), http.Header{"Authorization": {"Bearer " + ops.DemoToken}})
		if got := strings.Contains(resp.Header.Get("Sec-WebSocket-Extensions"), "permessage-deflate"); got != on {
			t.Fatalf("Compression %v, negotiated %v", on, got)
		}
		eventually(t, "connected", func() bool { return s.Socket().Conns() == 1 })
		before := read.Load()
		title := strings.Repeat("checkout-api error rate above 5% ", 29) // under the 1000-byte limit
		in, err := s.Create(ops.Incident{Title: title, Severity: ops.Info})
		if err != nil {
			t.Fatal(err)
		}
		rawReceive(t, ws, in.UUID)
		if small := read.Load()-before < int64(len(title))/2; small != on {
			t.Fatalf("Compression %v: %d bytes on the wire for a %d-byte title", on, read.Load()-before, len(title))
		}
	}
}

// countingConn counts the bytes a client reads off the wire.
type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// TestWhatClientsSendIsBounded: however much a client sends, the demo holds
// at most a bounded record of it, and refuses a frame over 1 MiB.
func TestWhatClientsSendIsBounded(t *testing.T) {
	s := start(t, Options{Interval: -1, Initial: -1})
	ws, _ := rawDial(t, websocket.DefaultDialer, s.URL(), http.Header{"Authorization": {"Bearer " + ops.DemoToken}})
	chunk := `{"type":"chatter","fill":"` + strings.Repeat("x", 64<<10) + `"}`
	for i := 0; i < 72; i++ { // 4.6 MiB
		rawSend(t, ws, chunk)
	}
	rawSend(t, ws, "2")
	rawReceive(t, ws, "3") // the pong: every frame before it has been handled
	total := 0
	for _, f := range s.Socket().Frames() {
		total += len(f.Text)
	}
	if total > 4<<20 {
		t.Fatalf("the demo holds %d bytes of what one client sent", total)
	}
	rawSend(t, ws, `{"type":"blob","fill":"`+strings.Repeat("x", 1<<20)+`"}`)
	if code := rawCloseCode(t, ws); code != websocket.CloseMessageTooBig {
		t.Fatalf("a frame over 1 MiB: close code %d, want 1009", code)
	}
}
