package bench

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/warpdesk/warpdesk/conn"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/socket/sockettest"
	"github.com/warpdesk/warpdesk/store"
)

// BenchmarkStoreEvent times the path of a live incident to the notifier's
// subscriber (store.Opened), b.N incidents per sub-benchmark, one at a
// time, with an open list of `open` incidents (the list is copied on every
// change, so its size matters):
//
//   - store: Store.IncidentCreated → the Opened event delivered on the
//     store's dispatcher goroutine: the store's share.
//   - frame: a pre-encoded incident.created frame written by a sockettest
//     server on loopback → socket.Client → conn's handler → the store →
//     Opened: the whole path (conn's package doc counts its calls).
//
// ns/op and allocs/op are per incident (allocs are process-wide, so the
// frame path includes the server's write); p50/p99/max-µs are the
// per-incident latencies. Each incident is resolved again, off the clock,
// so the list stays at `open`. It asserts no speed.
func BenchmarkStoreEvent(b *testing.B) {
	for _, open := range []int{0, 100, 1000} {
		b.Run(fmt.Sprintf("store/open=%d", open), func(b *testing.B) { benchStore(b, open) })
		b.Run(fmt.Sprintf("frame/open=%d", open), func(b *testing.B) { benchFrame(b, open) })
	}
}

// opened subscribes to st's Opened events and returns the channel their
// arrival times go to.
func opened(st *store.Store) <-chan time.Time {
	ch := make(chan time.Time, 1)
	st.SubscribeEvents(func(ev store.Event, _ store.State) {
		if _, ok := ev.(store.Opened); ok {
			ch <- time.Now()
		}
	})
	return ch
}

func probe(i int) ops.Incident {
	return ops.Incident{UUID: fmt.Sprint("probe-", i), Title: "Latency probe", Severity: ops.Critical, Room: "ops", CreatedAt: int64(1_000_000 + i)}
}

// background is a snapshot of n open incidents.
func background(n int) ops.Snapshot {
	var snap ops.Snapshot
	for i := range n {
		snap.Incidents = append(snap.Incidents, ops.Incident{UUID: fmt.Sprint("bg-", i), Title: "background", Severity: ops.Info, CreatedAt: int64(i)})
	}
	return snap
}

// fill opens n background incidents (by a catch-up: no Opened events).
func fill(b *testing.B, st *store.Store, n int) {
	b.Helper()
	if _, err := st.CaughtUp(st.BeginCatchUp(), background(n)); err != nil {
		b.Fatal(err)
	}
}

func benchStore(b *testing.B, open int) {
	st := store.New(store.Options{})
	defer st.Close()
	fill(b, st, open)
	arrived := opened(st)
	lat := make([]int64, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if err := st.IncidentCreated(probe(i)); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, (<-arrived).Sub(t0).Nanoseconds())
		b.StopTimer()
		if err := st.IncidentResolved(probe(i).UUID); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.StopTimer()
	reportLatency(b, lat)
}

func benchFrame(b *testing.B, open int) {
	leaks := goleak.IgnoreCurrent()
	b.Cleanup(func() { goleak.VerifyNone(b, leaks) }) // runs last
	body, err := json.Marshal(background(open))
	if err != nil {
		b.Fatal(err)
	}
	api := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(body) })
	srv := sockettest.Start(b, sockettest.Options{HTTP: api})
	st := store.New(store.Options{})
	defer st.Close()
	c, err := conn.New(st, conn.Options{Server: srv.URL(), Rooms: []string{"ops"}})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	c.Start()
	for deadline := time.Now().Add(10 * time.Second); len(srv.Rooms(1)) == 0 || st.State().Knowledge != store.Current; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatal("the client never joined its room and caught up")
		}
	}
	if n := len(st.State().Incidents); n != open {
		b.Fatalf("%d open after the catch-up, want %d", n, open)
	}
	arrived := opened(st)
	created := make([][]byte, b.N)
	resolved := make([][]byte, b.N)
	for i := range b.N {
		created[i] = mustEnvelope(b, ops.IncidentCreated.Name(), probe(i))
		resolved[i] = mustEnvelope(b, ops.IncidentResolved.Name(), ops.IncidentRef{UUID: probe(i).UUID})
	}
	lat := make([]int64, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if err := srv.BroadcastRaw("ops", created[i]); err != nil {
			b.Fatal(err)
		}
		select {
		case at := <-arrived:
			lat = append(lat, at.Sub(t0).Nanoseconds())
		case <-time.After(10 * time.Second):
			b.Fatalf("incident %d never reached the store's subscriber", i)
		}
		b.StopTimer()
		v := st.State().Version
		if err := srv.BroadcastRaw("ops", resolved[i]); err != nil {
			b.Fatal(err)
		}
		for deadline := time.Now().Add(10 * time.Second); st.State().Version == v; time.Sleep(10 * time.Microsecond) {
			if time.Now().After(deadline) {
				b.Fatal("the resolution never reached the store")
			}
		}
		b.StartTimer()
	}
	b.StopTimer()
	reportLatency(b, lat)
}

func mustEnvelope(b *testing.B, name string, data any) []byte {
	b.Helper()
	f, err := sockettest.Envelope(name, data)
	if err != nil {
		b.Fatal(err)
	}
	return f
}

func reportLatency(b *testing.B, lat []int64) {
	slices.Sort(lat)
	b.ReportMetric(float64(quantile(lat, 0.5))/1e3, "p50-µs")
	b.ReportMetric(float64(quantile(lat, 0.99))/1e3, "p99-µs")
	b.ReportMetric(float64(quantile(lat, 1))/1e3, "max-µs")
}
