package store_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// maxIdleServerHeap is issue 12's bound on what an extra idle server may
// cost.
const maxIdleServerHeap = 64 << 10

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// An idle server (live, caught up, nothing open) costs little heap.
func TestIdleServerCost(t *testing.T) {
	const n = 100
	s := store.New(store.Options{})
	defer s.Close()
	flush(t, s)
	before := heapInUse()
	for i := range n {
		f := s.Feed(fmt.Sprint("srv-", i), fmt.Sprint("Server ", i))
		f.Reset(fmt.Sprintf("wss://ops-%d.example.com/ws", i))
		feedLive(t, f, ops.Snapshot{})
	}
	flush(t, s)
	after := heapInUse()
	runtime.KeepAlive(s)
	per := int64(after-before) / n
	t.Logf("%d B of heap per idle server", per)
	if per > maxIdleServerHeap {
		t.Errorf("an idle server costs %d B of heap, bound %d", per, maxIdleServerHeap)
	}
}

// BenchmarkStoreServers times a live incident to the Opened event (as
// BenchmarkStoreEvent's store path does) on one server while the others
// are idle, with servers=1 and servers=10 side by side, and `open`
// incidents on the busy server; each=… gives every idle server that many
// open incidents too (then the merged list is made again on every
// change). Each incident is resolved again off the clock. It asserts no
// speed.
func BenchmarkStoreServers(b *testing.B) {
	for _, open := range []int{0, 1000} {
		for _, n := range []int{1, 10} {
			b.Run(fmt.Sprintf("servers=%d/open=%d", n, open), func(b *testing.B) { benchServers(b, n, open, 0) })
		}
	}
	b.Run("servers=10/open=100/each=100", func(b *testing.B) { benchServers(b, 10, 100, 100) })
}

func benchServers(b *testing.B, servers, open, each int) {
	s := store.New(store.Options{})
	defer s.Close()
	var busy *store.Feed
	for i := range servers {
		f := s.Feed(fmt.Sprint("srv-", i), "")
		var sn ops.Snapshot
		n := each
		if i == 0 {
			busy, n = f, open
		}
		for j := range n {
			sn.Incidents = append(sn.Incidents, inc(fmt.Sprint("bg-", j), int64(j), ops.Info))
		}
		must(b, f.SetLink(store.LinkStatus{Link: store.LinkLive}))
		if _, err := f.CaughtUp(f.BeginCatchUp(), sn); err != nil {
			b.Fatal(err)
		}
	}
	arrived := make(chan struct{}, 1)
	s.SubscribeEvents(func(ev store.Event, _ store.State) {
		if _, ok := ev.(store.Opened); ok {
			arrived <- struct{}{}
		}
	})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		must(b, busy.IncidentCreated(inc(fmt.Sprint("probe-", i), int64(1_000_000+i), ops.Critical)))
		select {
		case <-arrived:
		case <-time.After(wait):
			b.Fatal("no Opened")
		}
		b.StopTimer()
		must(b, busy.IncidentResolved(fmt.Sprint("probe-", i)))
		b.StartTimer()
	}
}
