package sockettest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/warpdesk/warpdesk/socket/sockettest"
)

// keepWriting writes frames for d, as a busy client does, and returns the
// first write error: a client whose write fails treats the connection as
// lost (1006), as Node's ws does, before it gets to read the close frame.
func keepWriting(ws *websocket.Conn, d time.Duration) error {
	frame := []byte(`{"type":"chatter","fill":"` + strings.Repeat("x", 512) + `"}`)
	for end := time.Now().Add(d); time.Now().Before(end); {
		ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
		if err := ws.WriteMessage(websocket.TextMessage, frame); err != nil {
			return err
		}
	}
	return nil
}

// TestRefusalReachesAClientThatKeepsWriting: the server refuses a wrong
// token while the client is still writing. It must wait for the client's
// close frame before closing TCP; closing at once resets the connection
// under the writer, which then sees 1006 instead of 4001.
func TestRefusalReachesAClientThatKeepsWriting(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{Token: "secret"})
	ws := dial(t, srv.URL(), nil)
	send(t, ws, authWrong)
	if err := keepWriting(ws, 300*time.Millisecond); err != nil {
		t.Fatalf("the server cut TCP under a writing client: %v", err)
	}
	if code := closeCode(t, ws); code != 4001 {
		t.Fatalf("close code %d, want 4001", code)
	}
	eventually(t, "the connection gone", func() bool { return srv.Conns() == 0 })
}

// TestCloseAllReachesAClientThatKeepsWriting is the same for CloseAll.
func TestCloseAllReachesAClientThatKeepsWriting(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{})
	ws := dial(t, srv.URL(), nil)
	onlyConn(t, srv)
	done := make(chan struct{})
	go func() { srv.CloseAll(4000, "bye"); close(done) }()
	if err := keepWriting(ws, 300*time.Millisecond); err != nil {
		t.Fatalf("the server cut TCP under a writing client: %v", err)
	}
	if code := closeCode(t, ws); code != 4000 {
		t.Fatalf("close code %d, want 4000", code)
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("CloseAll did not return")
	}
	if n := srv.Conns(); n != 0 {
		t.Fatalf("%d connections open after CloseAll", n)
	}
}

// TestCloseWaitIsBounded: a client that never answers the close frame is
// cut after CloseWait, by CloseAll and by a refusal alike.
func TestCloseWaitIsBounded(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{Token: "secret", CloseWait: 50 * time.Millisecond})
	h := map[string][]string{"Authorization": {"Bearer secret"}}
	dial(t, srv.URL(), h) // never reads, so never answers
	onlyConn(t, srv)
	srv.CloseAll(4000, "bye")
	if n := srv.Conns(); n != 0 {
		t.Fatalf("%d connections open after CloseAll", n)
	}
	ws := dial(t, srv.URL(), nil)
	send(t, ws, authWrong)
	eventually(t, "the refused connection cut", func() bool { return srv.Conns() == 0 && srv.Accepts() == 2 })
}

// TestFrameOverReadLimit: a frame over ReadLimit closes the connection
// with 1009, with the close handshake, and is not recorded.
func TestFrameOverReadLimit(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{ReadLimit: 1024})
	ws := dial(t, srv.URL(), nil)
	send(t, ws, `{"type":"small"}`, `{"type":"big","fill":"`+strings.Repeat("x", 2048)+`"}`)
	if err := keepWriting(ws, 100*time.Millisecond); err != nil {
		t.Fatalf("the server cut TCP under a writing client: %v", err)
	}
	if code := closeCode(t, ws); code != websocket.CloseMessageTooBig {
		t.Fatalf("close code %d, want 1009", code)
	}
	if n, big := len(srv.Messages("small")), len(srv.Messages("big")); n != 1 || big != 0 {
		t.Fatalf("recorded %d small and %d big frames, want 1 and 0", n, big)
	}
}
