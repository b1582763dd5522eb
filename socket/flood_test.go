package socket_test

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/warpdesk/warpdesk/socket"
)

// floodFrames is the number of junk frames each flood sends: the issue's
// 2,000,000, a tenth of that under the race detector.
var floodFrames = map[bool]int{false: 2_000_000, true: 200_000}[raceEnabled]

// startJunkServer writes floodFrames copies of the raw frame wire (one
// unmasked WebSocket frame) to every connection, in large writes, then
// keeps the connection open until the client closes it.
func startJunkServer(t *testing.T, wire []byte) (url string, sent <-chan struct{}) {
	done := make(chan struct{})
	var once sync.Once
	const batch = 10_000
	block := bytes.Repeat(wire, batch)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		for n := 0; n < floodFrames; n += batch {
			if _, err := ws.NetConn().Write(block); err != nil {
				return
			}
		}
		once.Do(func() { close(done) })
		for {
			if _, _, err := ws.ReadMessage(); err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http"), done
}

// heapPeak samples the live heap until stop is closed and returns the
// highest value seen.
func heapPeak(stop <-chan struct{}) <-chan uint64 {
	out := make(chan uint64, 1)
	go func() {
		var peak uint64
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			select {
			case <-stop:
				out <- peak
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	return out
}

// A flood of junk frames is reported, counted exactly, in a bounded number
// of reports; memory stays bounded and Disconnect stays quick.
// junkReply is a reply envelope whose data is not a reply object.
const junkReply = `{"name":"reply","data":1,"timestamp":1}`

func TestJunkFloodBoundedAndCountedExactly(t *testing.T) {
	for _, tc := range []struct {
		name string
		wire []byte
	}{
		{"text x", []byte{0x81, 0x01, 'x'}},
		{"empty binary", []byte{0x82, 0x00}},
		// A reply nobody waits for, and unreadable: reported like any bad frame.
		{"junk reply", append([]byte{0x81, byte(len(junkReply))}, junkReply...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url, sent := startJunkServer(t, tc.wire)
			c := newClient(t, url, fast())
			var counted, reports atomic.Int64
			var other recorder[error]
			logger := slog.New(slog.NewTextHandler(io.Discard, nil))
			c.OnError(func(e error) {
				logger.Warn("socket", "err", e) // as an app would
				reports.Add(1)
				var me *socket.MalformedFramesError
				switch {
				case errors.As(e, &me):
					counted.Add(int64(me.Count))
				case errors.Is(e, socket.ErrMalformedFrame), errors.As(e, new(*socket.DecodeError)):
					counted.Add(1)
				default:
					other.add(e)
				}
			})
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			base := ms.HeapAlloc
			stop := make(chan struct{})
			peak := heapPeak(stop)
			c.Connect()
			select {
			case <-sent:
			case <-time.After(60 * time.Second):
				t.Fatal("the server could not send its flood in 60s")
			}
			eventually(t, 60*time.Second, "every junk frame reported", func() bool { return counted.Load() >= int64(floodFrames) })
			close(stop)
			growth := int64(<-peak) - int64(base)
			c.Disconnect()
			total := counted.Load()
			// Once more, and Disconnect in the middle of the flood.
			c.Connect()
			time.Sleep(50 * time.Millisecond)
			start := time.Now()
			c.Disconnect()
			took := time.Since(start)
			t.Logf("%d frames in %d reports; heap growth %.1f MiB; Disconnect %v",
				total, reports.Load(), float64(growth)/(1<<20), took)
			if total != int64(floodFrames) {
				t.Errorf("counted %d bad frames, want %d", total, floodFrames)
			}
			if e := other.get(); len(e) > 0 {
				t.Errorf("unexpected errors: %v", e)
			}
			if growth > 32<<20 {
				t.Errorf("heap grew by %.1f MiB under the flood", float64(growth)/(1<<20))
			}
			if took > 2*time.Second {
				t.Errorf("Disconnect took %v", took)
			}
		})
	}
}
