package bench

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/warpdesk/warpdesk/socket"
)

var (
	herdClients = flag.Int("herd.clients", 2000, "clients in BenchmarkReconnectHerd")
	herdDown    = flag.Duration("herd.down", time.Second, "how long the server stays down in BenchmarkReconnectHerd")
	herdPlot    = flag.String("herd.plot", "../docs/reconnect-herd.png", "where BenchmarkReconnectHerd draws its histogram (empty: nowhere)")
)

const herdBucket = 50 * time.Millisecond

// herdServer is a gorilla server that notes when it accepts each upgrade and
// can be stopped (listener closed, every connection dropped) and restarted
// on the same address.
type herdServer struct {
	addr string

	mu      sync.Mutex
	ln      net.Listener
	conns   map[*websocket.Conn]bool
	accepts []time.Time
}

func (hs *herdServer) start(tb testing.TB) {
	var ln net.Listener
	var err error
	for i := 0; i < 100; i++ {
		if ln, err = net.Listen("tcp", hs.addr); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil {
		tb.Fatal(err)
	}
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	hs.mu.Lock()
	hs.ln, hs.addr = ln, ln.Addr().String()
	if hs.conns == nil {
		hs.conns = map[*websocket.Conn]bool{}
	}
	hs.mu.Unlock()
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		hs.mu.Lock()
		hs.accepts = append(hs.accepts, time.Now())
		hs.conns[ws] = true
		hs.mu.Unlock()
		defer func() {
			hs.mu.Lock()
			delete(hs.conns, ws)
			hs.mu.Unlock()
			ws.Close()
		}()
		for {
			_, msg, err := ws.ReadMessage()
			if err != nil {
				return
			}
			if string(msg) == "2" {
				ws.WriteMessage(websocket.TextMessage, []byte("3"))
			}
		}
	}))
}

// stop closes the listener and drops every connection, as a crashed
// server would.
func (hs *herdServer) stop() {
	hs.mu.Lock()
	hs.ln.Close()
	for ws := range hs.conns {
		ws.NetConn().Close()
	}
	hs.mu.Unlock()
}

func (hs *herdServer) open() int {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	return len(hs.conns)
}

func (hs *herdServer) acceptsSince(t time.Time) []time.Duration {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	var out []time.Duration
	for _, a := range hs.accepts {
		if a.After(t) {
			out = append(out, a.Sub(t))
		}
	}
	slices.Sort(out)
	return out
}

// herdResult is one policy's reconnections after the restart.
type herdResult struct {
	name      string
	buckets   []int // reconnections per herdBucket after the restart
	peakMean  float64
	to99      time.Duration
	connected int
}

// runHerd connects n clients with dial (which must keep each one connected
// until stop is closed), kills the server, restarts it after down and
// returns the reconnections after the restart.
func runHerd(b *testing.B, name string, n int, dial func(url string, stop <-chan struct{}, wg *sync.WaitGroup)) herdResult {
	hs := &herdServer{addr: "127.0.0.1:0"}
	hs.start(b)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		dial("ws://"+hs.addr+"/", stop, &wg)
	}
	waitFor(b, 30*time.Second, func() bool { return hs.open() == n }, "all clients connected")
	hs.stop()
	time.Sleep(*herdDown)
	restart := time.Now()
	hs.start(b)
	deadline := time.Now().Add(60 * time.Second)
	for hs.open() < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	acc := hs.acceptsSince(restart)
	close(stop)
	hs.stop()
	wg.Wait()

	r := herdResult{name: name, connected: len(acc)}
	if len(acc) == 0 {
		return r
	}
	r.to99 = acc[(len(acc)*99+99)/100-1]
	if len(acc) < n*99/100 {
		r.to99 = 0 // did not get there
	}
	r.buckets = make([]int, int(acc[len(acc)-1]/herdBucket)+1)
	for _, a := range acc {
		r.buckets[int(a/herdBucket)]++
	}
	return r
}

// setPeakMean sets each result's peak-to-mean ratio: its highest bucket
// over its mean bucket in a window common to all results, from the restart
// until the slowest one had 99 % back. (Each over its own window would
// flatter a policy that reconnects everyone in one burst.)
func setPeakMean(rs []herdResult) {
	var window time.Duration
	for _, r := range rs {
		window = max(window, r.to99)
	}
	last := int(window/herdBucket) + 1
	for i := range rs {
		r := &rs[i]
		if len(r.buckets) == 0 {
			continue
		}
		sum := 0
		for _, c := range r.buckets[:min(last, len(r.buckets))] {
			sum += c
		}
		r.peakMean = float64(slices.Max(r.buckets)) / (float64(sum) / float64(last))
	}
}

func waitFor(b *testing.B, d time.Duration, cond func() bool, what string) {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			b.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// fixedDelayDial is the foil: a reconnect loop that waits a fixed 500ms
// (the client's ReconnectDelay) after every failure, with no jitter.
func fixedDelayDial(url string, stop <-chan struct{}, wg *sync.WaitGroup) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			ws, _, err := websocket.DefaultDialer.Dial(url, nil)
			if err == nil {
				go func() { <-stop; ws.Close() }()
				for {
					if _, _, err := ws.ReadMessage(); err != nil {
						break
					}
				}
				ws.Close()
			}
			select {
			case <-stop:
				return
			case <-time.After(socket.DefaultReconnectDelay):
			}
		}
	}()
}

// jitterDial runs a socket.Client with its defaults (full jitter from 0,
// 500ms base, 20s cap).
func jitterDial(url string, stop <-chan struct{}, wg *sync.WaitGroup) {
	c, err := socket.New(url, socket.Options{})
	if err != nil {
		panic(err)
	}
	c.Connect()
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-stop
		c.Disconnect()
	}()
}

// BenchmarkReconnectHerd connects -herd.clients (2000) clients in this
// process to a local server, kills the server, restarts it -herd.down (1s)
// later, and counts reconnections per 50ms after the restart: for
// socket.Client's full-jitter backoff and for a fixed-delay foil. It reports
// each one's highest count per 50ms, its peak-to-mean ratio (highest bucket
// over the mean bucket, both policies over the same window: until the slower
// one had 99 % back) and its time to 99 %, and draws both histograms to -herd.plot. It
// runs once whatever -benchtime says.
func BenchmarkReconnectHerd(b *testing.B) {
	n := *herdClients
	jitter := runHerd(b, "socket.Client (full jitter)", n, jitterDial)
	fixed := runHerd(b, "fixed 500ms delay (foil)", n, fixedDelayDial)
	for _, r := range []herdResult{jitter, fixed} {
		if r.connected < n*99/100 {
			b.Fatalf("%s: only %d of %d reconnected", r.name, r.connected, n)
		}
	}
	rs := []herdResult{jitter, fixed}
	setPeakMean(rs)
	jitter, fixed = rs[0], rs[1]
	b.ReportMetric(jitter.peakMean, "jitter-peak/mean")
	b.ReportMetric(float64(jitter.to99)/1e6, "jitter-to99%-ms")
	b.ReportMetric(float64(slices.Max(jitter.buckets)), "jitter-peak/50ms")
	b.ReportMetric(fixed.peakMean, "fixed-peak/mean")
	b.ReportMetric(float64(fixed.to99)/1e6, "fixed-to99%-ms")
	b.ReportMetric(float64(slices.Max(fixed.buckets)), "fixed-peak/50ms")
	b.ReportMetric(0, "ns/op")
	if *herdPlot != "" {
		title := fmt.Sprintf("%d clients, server down %v, reconnections per 50 ms after restart", n, *herdDown)
		if err := plotHerd(*herdPlot, title, []herdResult{jitter, fixed}); err != nil {
			b.Fatal(err)
		}
		csv := strings.TrimSuffix(*herdPlot, ".png") + ".csv"
		if err := writeHerdCSV(csv, []herdResult{jitter, fixed}); err != nil {
			b.Fatal(err)
		}
	}
}

func writeHerdCSV(path string, rs []herdResult) error {
	var sb strings.Builder
	sb.WriteString("ms_after_restart")
	for _, r := range rs {
		sb.WriteString("," + strings.ReplaceAll(r.name, ",", ";"))
	}
	sb.WriteString("\n")
	longest := 0
	for _, r := range rs {
		longest = max(longest, len(r.buckets))
	}
	for i := 0; i < longest; i++ {
		fmt.Fprintf(&sb, "%d", i*int(herdBucket/time.Millisecond))
		for _, r := range rs {
			c := 0
			if i < len(r.buckets) {
				c = r.buckets[i]
			}
			fmt.Fprintf(&sb, ",%d", c)
		}
		sb.WriteString("\n")
	}
	return os.WriteFile(path, []byte(sb.String()), 0o644)
}
