package bench

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// incident is the payload the benchmarks flood, as the app receives it.
type incident struct {
	UUID      string `json:"uuid"`
	Title     string `json:"title"`
	Severity  string `json:"severity"`
	CreatedAt string `json:"createdAt"`
	Seq       int64  `json:"seq"`
}

// ringSize distinct envelopes are pre-encoded and sent round-robin.
const ringSize = 1024

// envelopeFrame returns envelope number i as JSON (about 200 bytes).
func envelopeFrame(i int) []byte {
	inc := incident{
		UUID:      fmt.Sprintf("%08x-1f2e-4d3c-8b9a-%012x", i*2654435761&0xffffffff, i),
		Title:     "Database replica lag above threshold on db-" + strconv.Itoa(i%97),
		Severity:  "critical",
		CreatedAt: time.Date(2026, 11, 26, 1, 2, 3, i*1000, time.UTC).Format(time.RFC3339Nano),
		Seq:       int64(i),
	}
	b, err := json.Marshal(struct {
		Name      string   `json:"name"`
		Data      incident `json:"data"`
		Timestamp int64    `json:"timestamp"`
	}{"incident.created", inc, 1764118923000 + int64(i)})
	if err != nil {
		panic(err)
	}
	return b
}

// wsFrame wraps payload in an unmasked server text frame.
func wsFrame(payload []byte) []byte {
	var h []byte
	switch n := len(payload); {
	case n < 126:
		h = []byte{0x81, byte(n)}
	case n < 1<<16:
		h = []byte{0x81, 126, 0, 0}
		binary.BigEndian.PutUint16(h[2:], uint16(n))
	default:
		h = make([]byte, 10)
		h[0], h[1] = 0x81, 127
		binary.BigEndian.PutUint64(h[2:], uint64(n))
	}
	return append(h, payload...)
}

// floodServer is a gorilla server that, for every text frame it receives of
// the form {"type":"flood","n":N}, writes N envelopes as fast as the
// connection takes them. The frames are pre-encoded and written to the raw
// connection in large batches, so the server costs little CPU next to the
// client being measured.
type floodServer struct {
	ln      net.Listener
	srv     *http.Server
	block   []byte // ringSize frames back to back
	offsets []int  // offsets[i]: start of frame i in block; offsets[ringSize] = len(block)
	wg      sync.WaitGroup
}

var envelopeSize int // bytes of one JSON envelope (frame 0)

func startFloodServer(tb testing.TB) *floodServer {
	tb.Helper()
	fs := &floodServer{offsets: make([]int, 0, ringSize+1)}
	for i := 0; i < ringSize; i++ {
		fs.offsets = append(fs.offsets, len(fs.block))
		env := envelopeFrame(i)
		if i == 0 {
			envelopeSize = len(env)
		}
		fs.block = append(fs.block, wsFrame(env)...)
	}
	fs.offsets = append(fs.offsets, len(fs.block))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	fs.ln = ln
	fs.srv = &http.Server{Handler: commandHandler(websocket.Upgrader{}, "flood", func(ws *websocket.Conn, n int) error {
		return fs.flood(ws.NetConn(), n)
	})}
	fs.wg.Add(1)
	go func() { defer fs.wg.Done(); _ = fs.srv.Serve(ln) }()
	tb.Cleanup(fs.close)
	return fs
}

func (fs *floodServer) flood(nc net.Conn, n int) error {
	for n >= ringSize {
		if _, err := nc.Write(fs.block); err != nil {
			return err
		}
		n -= ringSize
	}
	if n > 0 {
		_, err := nc.Write(fs.block[:fs.offsets[n]])
		return err
	}
	return nil
}

func (fs *floodServer) url() string { return "ws://" + fs.ln.Addr().String() + "/" }

func (fs *floodServer) close() {
	fs.srv.Close()
	fs.wg.Wait()
}

// floodRequest is the frame a bare client sends to start a flood.
func floodRequest(n int) []byte {
	return []byte(`{"type":"flood","n":` + strconv.Itoa(n) + `}`)
}

// commandHandler upgrades every request with up (any origin) and, for each
// client message {"type": typ, "n": N}, calls run with N; other messages
// are ignored. An error from run ends the connection.
func commandHandler(up websocket.Upgrader, typ string, run func(ws *websocket.Conn, n int) error) http.Handler {
	up.CheckOrigin = func(*http.Request) bool { return true }
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		for {
			_, msg, err := ws.ReadMessage()
			if err != nil {
				return
			}
			var req struct {
				Type string `json:"type"`
				N    int    `json:"n"`
			}
			if json.Unmarshal(msg, &req) != nil || req.Type != typ {
				continue
			}
			if run(ws, req.N) != nil {
				return
			}
		}
	})
}
