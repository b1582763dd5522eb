package socket_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/socket/sockettest"
)

// A server frame whose name equals a lifecycle event's registry key never
// fires the lifecycle handlers.
func TestServerCannotSpoofLifecycleEvents(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{})
	c := newClient(t, srv.URL(), fast())
	var n atomic.Int32
	socket.On(c, socket.Connected, func(socket.ConnectedEvent, socket.Envelope) { n.Add(1) })
	c.Connect()
	eventually(t, time.Second, "connected", func() bool { return n.Load() == 1 && srv.Conns() == 1 })
	_ = srv.BroadcastRaw("", []byte(`{"name":"\u0000connected","data":{"Reconnected":true}}`))
	_ = srv.BroadcastRaw("", []byte(`{"name":"probe","data":{}}`))
	var probed atomic.Bool
	socket.On(c, socket.Define[struct{}]("probe2"), func(struct{}, socket.Envelope) { probed.Store(true) })
	_ = srv.BroadcastRaw("", []byte(`{"name":"probe2","data":{}}`))
	eventually(t, time.Second, "frames after the spoof dispatched", probed.Load)
	if got := n.Load(); got != 1 {
		t.Fatalf("Connected fired %d times", got)
	}
}

// Disconnect returns even when a Connect from another goroutine lands while
// it waits for the callbacks to drain.
func TestDisconnectWithConcurrentConnect(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{})
	c := newClient(t, srv.URL(), fast())
	var armed atomic.Bool
	c.OnStateChange(func(s socket.State) {
		if s == socket.StateDisconnected && armed.CompareAndSwap(true, false) {
			time.Sleep(20 * time.Millisecond) // a slow callback
			go c.Connect()
			time.Sleep(20 * time.Millisecond)
		}
	})
	c.Connect()
	waitConnected(t, c)
	armed.Store(true)
	done := make(chan struct{})
	go func() { c.Disconnect(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("Disconnect did not return")
	}
	eventually(t, 2*time.Second, "the second Connect connected", c.IsConnected)
}

// A peer that stopped reading cannot hold Disconnect for WriteTimeout.
func TestDisconnectBoundedUnderStuckWrite(t *testing.T) {
	hold := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		<-hold // never reads
		ws.Close()
	}))
	defer srv.Close()
	defer close(hold)
	opts := fast()
	opts.BufferLimit = 10000
	c := newClient(t, "ws"+strings.TrimPrefix(srv.URL, "http"), opts)
	c.Connect()
	waitConnected(t, c)
	big := strings.Repeat("x", 64<<10)
	for i := 0; i < 400; i++ { // 25 MiB: far more than the socket buffers hold
		if err := c.Send("fill", map[string]string{"p": big}); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, 2*time.Second, "the writer to block", func() bool { return c.Buffered() < 400 })
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	c.Disconnect()
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Disconnect took %v", d)
	}
}

// A token in the URL's query is not repeated in dial errors.
func TestDialErrorHidesURLSecrets(t *testing.T) {
	opts := fast()
	opts.MaxReconnectAttempts = 1
	c := newClient(t, "ws://127.0.0.1:1/ws?token=s3cret", opts)
	errs := make(chan error, 4)
	c.OnError(func(e error) { errs <- e })
	c.Connect()
	e := <-errs
	if strings.Contains(e.Error(), "s3cret") {
		t.Fatalf("secret in %q", e)
	}
}
