package bench

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/warpdesk/warpdesk/socket"
)

type ackRequest struct {
	UUID string `json:"uuid"`
}

type ackReply struct {
	State string `json:"state"`
}

// AckIncident is the request the call benchmarks make.
var AckIncident = socket.DefineRequest[ackRequest, ackReply]("incident.acknowledge")

// bareCallRate holds, per concurrency, the bare loop's round trips/s from
// the latest BenchmarkCall/Bare in this process.
var bareCallRate = map[int]float64{}

// BenchmarkCall measures one request/reply round trip (op) against the same
// reply server in the same run, at 1 and 64 requests in flight:
//
//   - Bare: a gorilla client that writes {"type","ref","uuid"} frames and
//     reads the replies, finding each reply's ref by a byte search; k
//     requests are kept in flight by one writer and one reader goroutine.
//   - Client: k goroutines calling socket.Call on one socket.Client: ref
//     bookkeeping, payload validation, encoding, reply routing, typed
//     decode of the reply.
//
// Client reports x-bare, its rate divided by Bare's at the same
// concurrency. Run with -benchtime=20000x -count=3.
func BenchmarkCall(b *testing.B) {
	rs := startReplyServer(b)
	for _, k := range []int{1, 64} {
		name := "c" + strconv.Itoa(k)
		b.Run("Bare/"+name, func(b *testing.B) {
			benchBareCalls(b, rs.url(), k)
			bareCallRate[k] = reportCalls(b, 0)
		})
		b.Run("Client/"+name, func(b *testing.B) {
			benchClientCalls(b, rs.url(), k)
			reportCalls(b, bareCallRate[k])
		})
	}
}

// reportCalls adds calls/s and, given the bare rate, x-bare.
func reportCalls(b *testing.B, bare float64) float64 {
	rate := float64(b.N) / b.Elapsed().Seconds()
	b.ReportMetric(rate, "calls/s")
	if bare > 0 {
		b.ReportMetric(rate/bare, "x-bare")
	}
	return rate
}

// refOf finds the value of the first "ref":"…" in frame, without decoding.
func refOf(frame []byte) []byte {
	const key = `"ref":"`
	i := bytes.Index(frame, []byte(key))
	if i < 0 {
		return nil
	}
	rest := frame[i+len(key):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return nil
	}
	return rest[:j]
}

// replyServer answers every request frame at once, from its read loop, with
// {"name":"reply","data":{"ref":…,"ok":true,"data":{"state":"acknowledged"}}}.
type replyServer struct {
	ln  net.Listener
	srv *http.Server
	wg  sync.WaitGroup
}

func startReplyServer(b *testing.B) *replyServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	rs := &replyServer{ln: ln}
	up := websocket.Upgrader{}
	rs.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		var out []byte
		for {
			_, msg, err := ws.ReadMessage()
			if err != nil {
				return
			}
			ref := refOf(msg)
			if ref == nil {
				continue // a ping or another message
			}
			out = append(out[:0], `{"name":"reply","data":{"ref":"`...)
			out = append(out, ref...)
			out = append(out, `","ok":true,"data":{"state":"acknowledged"}},"timestamp":1764118923000}`...)
			if ws.WriteMessage(websocket.TextMessage, out) != nil {
				return
			}
		}
	})}
	rs.wg.Add(1)
	go func() {
		defer rs.wg.Done()
		_ = rs.srv.Serve(ln)
	}()
	b.Cleanup(func() {
		rs.srv.Close()
		rs.wg.Wait()
	})
	return rs
}

func (rs *replyServer) url() string { return "ws://" + rs.ln.Addr().String() + "/" }

// benchBareCalls makes b.N round trips with k in flight on a bare gorilla
// connection.
func benchBareCalls(b *testing.B, url string, k int) {
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer ws.Close()
	slots := make(chan struct{}, k)
	for range k {
		slots <- struct{}{}
	}
	readErr := make(chan error, 1)
	b.ReportAllocs()
	b.ResetTimer()
	go func() {
		for i := 0; i < b.N; i++ {
			_, msg, err := ws.ReadMessage()
			if err != nil {
				readErr <- err
				return
			}
			if refOf(msg) == nil {
				readErr <- errors.New("reply without a ref")
				return
			}
			slots <- struct{}{}
		}
		readErr <- nil
	}()
	var frame []byte
	for i := 0; i < b.N; i++ {
		<-slots
		frame = append(frame[:0], `{"type":"incident.acknowledge","ref":"`...)
		frame = strconv.AppendInt(frame, int64(i+1), 10)
		frame = append(frame, `","uuid":"5b0c2d1e-1f2e-4d3c-8b9a-000000000001"}`...)
		if err := ws.WriteMessage(websocket.TextMessage, frame); err != nil {
			b.Fatal(err)
		}
	}
	if err := <-readErr; err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
}

// benchClientCalls makes b.N calls from k goroutines on one socket.Client.
func benchClientCalls(b *testing.B, url string, k int) {
	c, err := socket.New(url, socket.Options{HeartbeatInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	connected := make(chan struct{}, 1)
	socket.On(c, socket.Connected, func(socket.ConnectedEvent, socket.Envelope) { connected <- struct{}{} })
	c.Connect()
	defer c.Disconnect()
	<-connected
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // never hang
	defer cancel()
	var left atomic.Int64
	left.Store(int64(b.N))
	var failed atomic.Pointer[error]
	var wg sync.WaitGroup
	b.ReportAllocs()
	b.ResetTimer()
	for range k {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := ackRequest{UUID: "5b0c2d1e-1f2e-4d3c-8b9a-000000000001"}
			for left.Add(-1) >= 0 {
				if _, err := socket.Call(ctx, c, AckIncident, req); err != nil {
					failed.Store(&err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	if err := failed.Load(); err != nil {
		b.Fatal(*err)
	}
}
