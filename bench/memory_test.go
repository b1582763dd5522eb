package bench

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/socket/sockettest"
)

// The memory figures are taken in a child process (this test binary run
// again with BENCH_HELPER set) that holds only the clients, so neither the
// server nor the benchmark harness counts.

// child runs this test binary's TestHelper as a helper process and
// returns the "result.key: value" lines it printed.
func child(b *testing.B, env ...string) map[string]float64 {
	b.Helper()
	return childTest(b, "TestHelper", env...)
}

// childTest runs this test binary's test named test as a helper process
// with env added, and returns the "result.key: value" lines it printed.
func childTest(b *testing.B, test string, env ...string) map[string]float64 {
	b.Helper()
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^"+test+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("helper: %v\n%s", err, out)
	}
	res := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ": ")
		if !ok || !strings.HasPrefix(k, "result.") {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err == nil {
			res[strings.TrimPrefix(k, "result.")] = f
		}
	}
	return res
}

// BenchmarkFloodRSS floods a million envelopes (-benchtime has no effect)
// into a child process through the bare gorilla loop and through
// socket.Client, and reports each one's peak RSS (VmHWM) and their ratio.
func BenchmarkFloodRSS(b *testing.B) {
	fs := startFloodServer(b)
	const n = 1_000_000
	bare := child(b, "BENCH_HELPER=flood", "BENCH_MODE=bare", "BENCH_URL="+fs.url(), "BENCH_N="+strconv.Itoa(n))
	client := child(b, "BENCH_HELPER=flood", "BENCH_MODE=client", "BENCH_URL="+fs.url(), "BENCH_N="+strconv.Itoa(n))
	b.ReportMetric(bare["peak-rss-kib"]/1024, "bare-peak-MiB")
	b.ReportMetric(client["peak-rss-kib"]/1024, "client-peak-MiB")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkIdleClient connects 200 clients in a child process and reports
// the heap (after GC) and goroutines each one adds while idle and connected.
func BenchmarkIdleClient(b *testing.B) {
	srv, err := sockettest.NewServer(sockettest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	const k = 200
	res := child(b, "BENCH_HELPER=idle", "BENCH_URL="+srv.URL(), "BENCH_N="+strconv.Itoa(k))
	b.ReportMetric(res["heap-bytes-per-client"]/1024, "heap-KiB/client")
	b.ReportMetric(res["goroutines-per-client"], "goroutines/client")
	b.ReportMetric(0, "ns/op")
}

// TestHelper is the child process of the memory benchmarks; it does nothing
// unless BENCH_HELPER is set.
func TestHelper(t *testing.T) {
	url := os.Getenv("BENCH_URL")
	n, _ := strconv.Atoi(os.Getenv("BENCH_N"))
	switch os.Getenv("BENCH_HELPER") {
	case "flood":
		helperFlood(t, url, n, os.Getenv("BENCH_MODE"))
	case "idle":
		helperIdle(t, url, n)
	default:
		t.Skip("only a helper for the memory benchmarks")
	}
}

func helperFlood(t *testing.T, url string, n int, mode string) {
	if mode == "bare" {
		ws, _, err := websocket.DefaultDialer.Dial(url, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		ws.WriteMessage(websocket.TextMessage, floodRequest(n))
		for i := 0; i < n; i++ {
			if _, _, err := ws.ReadMessage(); err != nil {
				t.Fatal(err)
			}
		}
	} else {
		c, err := socket.New(url, socket.Options{})
		if err != nil {
			t.Fatal(err)
		}
		got := 0
		done := make(chan struct{})
		connected := make(chan struct{}, 1)
		socket.On(c, socket.Connected, func(socket.ConnectedEvent, socket.Envelope) { connected <- struct{}{} })
		socket.On(c, IncidentCreated, func(v incident, _ socket.Envelope) {
			sink += v.Seq
			if got++; got == n {
				close(done)
			}
		})
		c.Connect()
		<-connected
		c.Send("flood", map[string]int{"n": n})
		<-done
		c.Disconnect()
	}
	fmt.Printf("result.peak-rss-kib: %d\n", vmHWM(t))
}

func vmHWM(t *testing.T) int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kib, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return kib
		}
	}
	t.Fatal("no VmHWM")
	return 0
}

func heapAfterGC() uint64 {
	var ms runtime.MemStats
	for i := 0; i < 3; i++ {
		runtime.GC()
	}
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func helperIdle(t *testing.T, url string, k int) {
	// One client first, so that one-time costs (type caches, the dialer's
	// pools) do not count against the others.
	warm, err := socket.New(url, socket.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	connect := func(c *socket.Client) {
		wg.Add(1)
		var once sync.Once
		socket.On(c, socket.Connected, func(socket.ConnectedEvent, socket.Envelope) { once.Do(wg.Done) })
		c.Connect()
	}
	connect(warm)
	wg.Wait()
	time.Sleep(100 * time.Millisecond) // let the connect's callbacks finish
	g0, h0 := runtime.NumGoroutine(), heapAfterGC()
	clients := make([]*socket.Client, k)
	for i := range clients {
		c, err := socket.New(url, socket.Options{})
		if err != nil {
			t.Fatal(err)
		}
		clients[i] = c
		connect(c)
	}
	wg.Wait()
	time.Sleep(200 * time.Millisecond) // idle: the dispatchers have ended
	g1, h1 := runtime.NumGoroutine(), heapAfterGC()
	fmt.Printf("result.heap-bytes-per-client: %f\n", float64(h1-h0)/float64(k))
	fmt.Printf("result.goroutines-per-client: %f\n", float64(g1-g0)/float64(k))
	for _, c := range append(clients, warm) {
		c.Disconnect()
	}
	runtime.KeepAlive(clients)
}
