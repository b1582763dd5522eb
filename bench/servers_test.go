package bench

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/conn"
	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// extraServers is how many idle servers BenchmarkServers adds to the first.
const extraServers = 10

// BenchmarkServers measures what each extra server costs the agent while
// idle (issue 12: at most 64 KiB of heap and 3 goroutines): a child
// process connects one store to one demo server on loopback (the
// baseline, so that one-time costs do not count), then to 10 more, each
// through its own conn.Conn and store.Feed as the agent does, waits until
// every server is live and caught up (3 open incidents each), and reports
// the heap (after GC) and goroutines the 10 added, per server, and the
// heap as a fraction of the 64 KiB budget. -benchtime has no effect.
func BenchmarkServers(b *testing.B) {
	urls := make([]string, extraServers+1)
	for i := range urls {
		srv, err := demo.Start(context.Background(), "127.0.0.1:0", demo.Options{
			Interval: -1, BurstEvery: -1, DropEvery: -1, Initial: 3, Seed: uint64(i + 1),
		})
		if err != nil {
			b.Fatal(err)
		}
		defer srv.Close()
		urls[i] = srv.URL()
	}
	res := childTest(b, "TestServersHelper", "BENCH_SERVERS="+strings.Join(urls, ","))
	b.ReportMetric(res["heap-bytes-per-server"]/1024, "heap-KiB/server")
	b.ReportMetric(res["goroutines-per-server"], "goroutines/server")
	b.ReportMetric(res["heap-bytes-per-server"]/(64*1024), "heap/budget")
	b.ReportMetric(0, "ns/op")
}

// TestServersHelper is BenchmarkServers' child process; it does nothing
// unless BENCH_SERVERS is set.
func TestServersHelper(t *testing.T) {
	list := os.Getenv("BENCH_SERVERS")
	if list == "" {
		t.Skip("only a helper for BenchmarkServers")
	}
	urls := strings.Split(list, ",")
	if os.Getenv("BENCH_DUMP") != "" {
		runtime.MemProfileRate = 1
	}
	st := store.New(store.Options{})
	defer st.Close()
	var conns []*conn.Conn
	add := func(i int) {
		c, err := conn.New(st.Feed(fmt.Sprint("s", i), fmt.Sprint("Server ", i)), conn.Options{
			Server: urls[i], Rooms: demo.DefaultRooms, Token: func(context.Context) (string, error) { return ops.DemoToken, nil },
		})
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		c.Start()
	}
	add(0)
	settled(t, st, 1)
	g0, h0 := runtime.NumGoroutine(), heapAfterGC()
	for i := 1; i < len(urls); i++ {
		add(i)
	}
	settled(t, st, len(urls))
	g1, h1 := runtime.NumGoroutine(), heapAfterGC()
	if p := os.Getenv("BENCH_DUMP"); p != "" {
		f, _ := os.Create(p)
		_ = pprof.WriteHeapProfile(f)
		f.Close()
	}
	n := float64(len(urls) - 1)
	fmt.Printf("result.heap-bytes-per-server: %f\n", float64(h1-h0)/n)
	fmt.Printf("result.goroutines-per-server: %f\n", float64(g1-g0)/n)
	for _, c := range conns {
		c.Close()
	}
}

// settled waits until n servers are live and caught up, and then a little
// longer, until what a connect starts has ended.
func settled(t *testing.T, st *store.Store, n int) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		s := st.State()
		ok := len(s.Servers) == n
		for _, sv := range s.Servers {
			ok = ok && sv.Link == store.LinkLive && sv.Knowledge == store.Current
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("servers not all live and current: %+v", s.Servers)
		}
	}
	time.Sleep(300 * time.Millisecond)
}
