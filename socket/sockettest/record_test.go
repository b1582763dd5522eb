package sockettest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/socket/sockettest"
)

// TestRecordBytesBoundsTheRecord: with RecordBytes, the record keeps the
// newest frames within the bound, so a long-running server's memory does
// not grow with what clients send.
func TestRecordBytesBoundsTheRecord(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{RecordBytes: 100})
	ws := dial(t, srv.URL(), nil)
	for i := 0; i < 50; i++ {
		send(t, ws, fmt.Sprintf(`{"type":"n","i":%02d}`, i)) // 19 bytes
	}
	send(t, ws, "2")
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, _, err := ws.ReadMessage(); err != nil { // the pong: all 51 frames handled
		t.Fatal(err)
	}
	frames := srv.Frames()
	total := 0
	for _, f := range frames {
		total += len(f.Text)
	}
	if total > 100 || len(frames) != 6 || frames[len(frames)-1].Text != "2" || frames[0].Text != `{"type":"n","i":45}` {
		t.Fatalf("record of %d bytes: %v", total, frames)
	}
}
