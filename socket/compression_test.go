package socket_test

import (
	"bytes"
	"compress/flate"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/warpdesk/warpdesk/socket"
)

// startDeflateServer is a gorilla server with permessage-deflate enabled. It
// records the extensions each upgrade offered, sends frame (compressed when
// negotiated) and echoes every message it receives back, as a text frame.
func startDeflateServer(t *testing.T, frame []byte) (url string, offered chan string) {
	offered = make(chan string, 4)
	up := websocket.Upgrader{EnableCompression: true}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		offered <- r.Header.Get("Sec-WebSocket-Extensions")
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		if err := ws.WriteMessage(websocket.TextMessage, frame); err != nil {
			return
		}
		for {
			_, msg, err := ws.ReadMessage()
			if err != nil {
				return
			}
			echo := []byte(`{"name":"echo","data":` + string(msg) + `}`)
			if err := ws.WriteMessage(websocket.TextMessage, echo); err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http"), offered
}

// Options.Compression negotiates permessage-deflate with a gorilla server;
// messages go both ways intact. Without it, nothing is offered.
func TestCompressionAgainstGorilla(t *testing.T) {
	for _, on := range []bool{true, false} {
		url, offered := startDeflateServer(t, []byte(`{"name":"incident.created","data":{"uuid":"u1","title":"`+strings.Repeat("db down ", 200)+`"}}`))
		opts := fast()
		opts.Compression = on
		c := newClient(t, url, opts)
		var got recorder[Incident]
		socket.On(c, IncidentCreated, func(i Incident, _ socket.Envelope) { got.add(i) })
		var echoed recorder[map[string]any]
		socket.On(c, socket.Define[map[string]any]("echo"), func(m map[string]any, _ socket.Envelope) { echoed.add(m) })
		c.Connect()
		if ext := <-offered; strings.Contains(ext, "permessage-deflate") != on {
			t.Fatalf("Compression %v: the upgrade offered %q", on, ext)
		}
		eventually(t, 2*time.Second, "the incident", func() bool { return got.len() == 1 })
		if i := got.get()[0]; i.UUID != "u1" || len(i.Title) != 1600 {
			t.Fatalf("incident %+v", i)
		}
		if err := c.Send("ack", map[string]string{"uuid": "u1"}); err != nil {
			t.Fatal(err)
		}
		eventually(t, 2*time.Second, "the echo", func() bool { return echoed.len() == 1 })
		if m := echoed.get()[0]; m["type"] != "ack" || m["uuid"] != "u1" {
			t.Fatalf("echo %v", m)
		}
		c.Disconnect()
	}
}

// A compressed frame counts against ReadLimit once inflated: a small frame
// on the wire that inflates past the limit is refused, not buffered.
func TestCompressionBombRefused(t *testing.T) {
	bomb := []byte(`{"name":"x","data":{"b":"` + strings.Repeat("a", 8<<20) + `"}}`)
	var zipped bytes.Buffer
	zw, _ := flate.NewWriter(&zipped, flate.BestCompression)
	_, _ = zw.Write(bomb)
	_ = zw.Close()
	url, _ := startDeflateServer(t, bomb)
	opts := fast()
	opts.Compression = true
	c := newClient(t, url, opts) // ReadLimit: 1 MiB
	var errs recorder[error]
	c.OnError(errs.add)
	c.Connect()
	eventually(t, 5*time.Second, "the refusal", func() bool {
		for _, e := range errs.get() {
			if errors.Is(e, socket.ErrFrameTooLarge) {
				return true
			}
		}
		return false
	})
	t.Logf("an %d MiB frame, %d KiB on the wire, refused", len(bomb)>>20, zipped.Len()>>10)
}
