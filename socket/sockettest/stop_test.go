package sockettest_test

import (
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/warpdesk/warpdesk/socket/sockettest"
)

// TestStopRightAfterUpgradeDropsTheConnection stops the server the moment a
// client's upgrade has succeeded: the connection must not outlive Stop,
// even when the server had not yet recorded it.
func TestStopRightAfterUpgradeDropsTheConnection(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{})
	for i := 0; i < 300; i++ {
		ws, _, err := websocket.DefaultDialer.Dial(srv.URL(), nil)
		if err != nil {
			t.Fatal(err)
		}
		srv.Stop()
		ws.SetReadDeadline(time.Now().Add(2 * time.Second))
		if _, _, err := ws.ReadMessage(); err == nil {
			t.Fatal("read a frame from a stopped server")
		} else if ne, ok := err.(interface{ Timeout() bool }); ok && ne.Timeout() {
			t.Fatalf("round %d: the connection outlived Stop", i)
		}
		ws.Close()
		if err := srv.Restart(); err != nil {
			t.Fatal(err)
		}
	}
}
