package sockettest_test

import (
	"context"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/warpdesk/warpdesk/socket/sockettest"
)

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

// TestCompression: with Options.Compression, a client that offers
// permessage-deflate gets it, large repetitive frames cross the wire
// compressed both ways and arrive intact; without it, nothing is compressed.
func TestCompression(t *testing.T) {
	payload := strings.Repeat("warpdesk incident ", 4096) // 72 KiB
	for _, on := range []bool{true, false} {
		t.Run(map[bool]string{true: "on", false: "off"}[on], func(t *testing.T) {
			srv := sockettest.Start(t, sockettest.Options{Compression: on})
			var read atomic.Int64
			d := websocket.Dialer{
				EnableCompression: true,
				HandshakeTimeout:  5 * time.Second,
				NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
					c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
					return countingConn{c, &read}, err
				},
			}
			ws, resp, err := d.Dial(srv.URL(), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer ws.Close()
			ext := resp.Header.Get("Sec-WebSocket-Extensions")
			if got := strings.Contains(ext, "permessage-deflate"); got != on {
				t.Fatalf("Sec-WebSocket-Extensions %q with Compression %v", ext, on)
			}
			onlyConn(t, srv)
			before := read.Load()
			if err := srv.Broadcast("", "big", payload); err != nil {
				t.Fatal(err)
			}
			if got := readText(t, ws); !strings.Contains(got, payload) {
				t.Fatalf("received %d bytes, not the payload", len(got))
			}
			wire := read.Load() - before
			if compressed := wire < int64(len(payload))/4; compressed != on {
				t.Fatalf("%d bytes on the wire for a %d-byte payload with Compression %v", wire, len(payload), on)
			}
			send(t, ws, `{"type":"blob","fill":"`+payload+`"}`)
			eventually(t, "the client's frame recorded", func() bool { return len(srv.Messages("blob")) == 1 })
			if got := srv.Messages("blob")[0].Text; !strings.Contains(got, payload) {
				t.Fatalf("recorded %d bytes, not the payload", len(got))
			}
		})
	}
}
