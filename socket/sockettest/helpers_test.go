package sockettest_test

import (
	"errors"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/goleak"

	"github.com/warpdesk/warpdesk/socket/sockettest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// dial opens a raw gorilla connection, closed when the test ends.
func dial(t *testing.T, url string, header http.Header) *websocket.Conn {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(url, header)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

// send writes text frames, failing the test on error.
func send(t *testing.T, ws *websocket.Conn, frames ...string) {
	t.Helper()
	for _, f := range frames {
		if err := ws.WriteMessage(websocket.TextMessage, []byte(f)); err != nil {
			t.Fatalf("write %.60s: %v", f, err)
		}
	}
}

// closeCode reads until the connection ends and returns the close code the
// client saw: the server's code, or 1006 when the connection ended without
// a close frame.
func closeCode(t *testing.T, ws *websocket.Conn) int {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, _, err := ws.ReadMessage()
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return ce.Code
		}
		t.Logf("connection ended without a close frame: %v", err)
		return websocket.CloseAbnormalClosure
	}
}

// readText reads the next text frame, skipping pongs.
func readText(t *testing.T, ws *websocket.Conn) string {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, msg, err := ws.ReadMessage()
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		if string(msg) != "3" {
			return string(msg)
		}
	}
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// hookLog records what OnMessage hooks see.
type hookLog struct {
	mu   sync.Mutex
	seen []string
}

func (h *hookLog) attach(s *sockettest.Server) {
	s.OnMessage(func(_ int, typ string, frame []byte) {
		h.mu.Lock()
		h.seen = append(h.seen, typ)
		h.mu.Unlock()
	})
}

func (h *hookLog) get() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.seen)
}

// onlyConn returns the number of the server's one open connection.
func onlyConn(t *testing.T, s *sockettest.Server) int {
	t.Helper()
	var id int
	eventually(t, "one open connection", func() bool {
		ids := s.ConnIDs()
		if len(ids) == 1 {
			id = ids[0]
		}
		return len(ids) == 1
	})
	return id
}
