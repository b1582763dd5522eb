package bench

import (
	"bytes"
	"flag"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/warpdesk/warpdesk/socket"
)

var latencyDuration = flag.Duration("latency", 10*time.Second, "how long each path of BenchmarkLatency receives one message per millisecond")

// tickServer sends, on {"type":"tick","n":N}, N envelopes one per
// millisecond and notes when it wrote each (ns since base).
type tickServer struct {
	ln     net.Listener
	base   time.Time
	sentNs []atomic.Int64
}

func startTickServer(b *testing.B, n int) *tickServer {
	ts := &tickServer{base: time.Now(), sentNs: make([]atomic.Int64, n)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ts.ln = ln
	srv := &http.Server{Handler: commandHandler(websocket.Upgrader{}, "tick", func(ws *websocket.Conn, n int) error {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for i := 0; i < n && i < len(ts.sentNs); i++ {
			<-tick.C
			frame := envelopeFrame(i)
			ts.sentNs[i].Store(int64(time.Since(ts.base)))
			if err := ws.WriteMessage(websocket.TextMessage, frame); err != nil {
				return nil // as before: stop this run, keep reading commands
			}
		}
		return nil
	})}
	go srv.Serve(ln)
	b.Cleanup(func() { srv.Close() })
	return ts
}

func (ts *tickServer) url() string { return "ws://" + ts.ln.Addr().String() + "/" }

// since returns how long ago (ns) envelope seq was written.
func (ts *tickServer) since(seq int64) int64 {
	return int64(time.Since(ts.base)) - ts.sentNs[seq].Load()
}

func (ts *tickServer) reset() {
	for i := range ts.sentNs {
		ts.sentNs[i].Store(0)
	}
}

// BenchmarkLatency receives one envelope per millisecond for -latency (10s)
// through a bare gorilla loop and then through socket.Client with a typed
// handler, and reports the latency from the server's write to the handler
// (p50, p99, p99.9) of both and the client's overhead above the bare loop.
// It runs once whatever -benchtime says.
func BenchmarkLatency(b *testing.B) {
	n := int(*latencyDuration / time.Millisecond)
	ts := startTickServer(b, n)

	// Bare: ReadMessage and find the sequence number with a byte search.
	ws, _, err := websocket.DefaultDialer.Dial(ts.url(), nil)
	if err != nil {
		b.Fatal(err)
	}
	bare := make([]int64, 0, n)
	ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"tick","n":`+strconv.Itoa(n)+`}`))
	for len(bare) < n {
		_, frame, err := ws.ReadMessage()
		if err != nil {
			b.Fatal(err)
		}
		i := bytes.Index(frame, []byte(`"seq":`)) + 6
		j := i + bytes.IndexAny(frame[i:], ",}")
		seq, _ := strconv.ParseInt(string(frame[i:j]), 10, 64)
		bare = append(bare, ts.since(seq))
	}
	ws.Close()
	ts.reset()

	// Client: the full path.
	c, err := socket.New(ts.url(), socket.Options{})
	if err != nil {
		b.Fatal(err)
	}
	client := make([]int64, 0, n)
	done := make(chan struct{})
	connected := make(chan struct{}, 1)
	socket.On(c, socket.Connected, func(socket.ConnectedEvent, socket.Envelope) { connected <- struct{}{} })
	socket.On(c, IncidentCreated, func(v incident, _ socket.Envelope) {
		client = append(client, ts.since(v.Seq))
		if len(client) == n {
			close(done)
		}
	})
	c.Connect()
	<-connected
	c.Send("tick", map[string]int{"n": n})
	<-done
	c.Disconnect()

	slices.Sort(bare)
	slices.Sort(client)
	for _, p := range []struct {
		name string
		q    float64
	}{{"p50", 0.50}, {"p99", 0.99}, {"p99.9", 0.999}} {
		bq, cq := quantile(bare, p.q), quantile(client, p.q)
		b.ReportMetric(float64(bq)/1e3, "bare-"+p.name+"-µs")
		b.ReportMetric(float64(cq)/1e3, "client-"+p.name+"-µs")
		b.ReportMetric(float64(cq-bq)/1e3, "overhead-"+p.name+"-µs")
	}
	b.ReportMetric(0, "ns/op")
	if testing.Verbose() {
		fmt.Printf("latency: %d messages per path\n", n)
	}
}

func quantile(sorted []int64, q float64) int64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q * float64(len(sorted)-1))
	return sorted[i]
}
