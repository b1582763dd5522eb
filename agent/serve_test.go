package agent

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/ops"
)

// `warpdesk serve -compress` starts a demo server that negotiates
// permessage-deflate with a client that offers it (as the app does with
// Settings' compression switch on); without -compress it does not.
func TestServeCompress(t *testing.T) {
	for _, on := range []bool{false, true} {
		args := []string{"-addr", "127.0.0.1:0", "-interval", "-1s", "-initial", "-1"}
		if on {
			args = append(args, "-compress")
		}
		c, err := parseServe(args, &strings.Builder{})
		if err != nil {
			t.Fatal(err)
		}
		if c.opts.Compression != on {
			t.Fatalf("-compress %v: Options.Compression %v", on, c.opts.Compression)
		}
		srv, err := demo.Start(context.Background(), c.addr, c.opts)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		d := websocket.Dialer{EnableCompression: true}
		ws, resp, err := d.DialContext(ctx, srv.URL(), http.Header{"Authorization": {"Bearer " + ops.DemoToken}})
		cancel()
		if err != nil {
			srv.Close()
			t.Fatal(err)
		}
		got := strings.Contains(resp.Header.Get("Sec-WebSocket-Extensions"), "permessage-deflate")
		_ = ws.Close()
		srv.Close()
		if got != on {
			t.Fatalf("-compress %v: negotiated permessage-deflate %v", on, got)
		}
	}
	if _, err := parseServe([]string{"-compress=maybe"}, &strings.Builder{}); err == nil {
		t.Fatal("-compress=maybe accepted")
	}
}
