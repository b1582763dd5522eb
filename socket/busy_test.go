package socket_test

import (
	"errors"
	"fmt"
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

// streamServer writes {"name":"t","data":{"i":N}} as fast as each
// connection takes them and answers every ping "2" with "3", behind the
// data already queued, as a real server does.
type streamServer struct {
	*httptest.Server
	accepts atomic.Int32
	stop    chan struct{}
	wg      sync.WaitGroup
}

func startStreamServer(t *testing.T) *streamServer {
	ss := &streamServer{stop: make(chan struct{})}
	up := websocket.Upgrader{}
	ss.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		ss.accepts.Add(1)
		ss.wg.Add(1)
		defer ss.wg.Done()
		var mu sync.Mutex // one writer at a time: the stream and the pongs
		go func() {
			for {
				_, msg, err := ws.ReadMessage()
				if err != nil {
					return
				}
				if string(msg) == "2" {
					mu.Lock()
					_ = ws.WriteMessage(websocket.TextMessage, []byte("3"))
					mu.Unlock()
				}
			}
		}()
		for i := 0; ; i++ {
			select {
			case <-ss.stop:
				ws.Close()
				return
			default:
			}
			mu.Lock()
			err := ws.WriteMessage(websocket.TextMessage, fmt.Appendf(nil, `{"name":"t","data":{"i":%d}}`, i))
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}))
	t.Cleanup(func() {
		close(ss.stop)
		ss.Server.CloseClientConnections()
		ss.Server.Close()
		ss.wg.Wait()
	})
	return ss
}

func (ss *streamServer) url() string { return "ws" + strings.TrimPrefix(ss.Server.URL, "http") }

// A link that is busy and back-pressured by a slow handler is alive: the
// heartbeat never drops it, and every message arrives, in order.
func TestHeartbeatKeepsBusyBackPressuredLink(t *testing.T) {
	ss := startStreamServer(t)
	opts := fast()
	opts.HeartbeatInterval = 20 * time.Millisecond
	opts.HeartbeatTimeout = 40 * time.Millisecond
	c := newClient(t, ss.url(), opts)
	var errs recorder[error]
	c.OnError(errs.add)
	type tick struct {
		I int `json:"i"`
	}
	var next, gaps atomic.Int64
	socket.On(c, socket.Define[tick]("t"), func(v tick, _ socket.Envelope) {
		if int64(v.I) != next.Load() {
			gaps.Add(1)
		}
		next.Store(int64(v.I) + 1)
		time.Sleep(100 * time.Microsecond) // slower than the server writes
	})
	c.Connect()
	waitConnected(t, c)
	time.Sleep(1500 * time.Millisecond)
	c.Disconnect()
	for _, e := range errs.get() {
		if errors.Is(e, socket.ErrHeartbeatTimeout) {
			t.Fatalf("a busy link was dropped: %v", e)
		}
		t.Errorf("error: %v", e)
	}
	if n := ss.accepts.Load(); n != 1 {
		t.Errorf("%d connections, want 1", n)
	}
	if g := gaps.Load(); g != 0 {
		t.Errorf("%d gaps in the stream", g)
	}
	t.Logf("%d messages in 1.5s through a back-pressured reader", next.Load())
}
