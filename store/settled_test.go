package store_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// A catch-up after an outage that finds an incident resolved (no longer
// listed) or acknowledged by someone while nobody listened publishes
// Settled for it, once, with Away, before the Revealed and the
// LinkRestored; the same uuid on another server stays open, and an
// incident created live during the fetch is not taken for resolved.
func TestCatchUpSettlesWhatHappenedAway(t *testing.T) {
	clk := newFakeClock()
	s, r := newMulti(t, clk)
	a, b := s.Feed("a", "A"), s.Feed("b", "B")
	feedLive(t, a, snap(inc("x", 1, ops.Critical), inc("y", 2, ops.Critical), inc("z", 3, ops.Info)))
	feedLive(t, b, snap(inc("x", 1, ops.Critical)))
	eventOf[store.Revealed](t, r)
	eventOf[store.Revealed](t, r)

	must(t, a.SetLink(store.LinkStatus{Link: store.LinkReconnecting}))
	eventOf[store.LinkLost](t, r)
	must(t, a.SetLink(store.LinkStatus{Link: store.LinkLive}))
	cu := a.BeginCatchUp()
	must(t, a.IncidentCreated(inc("live", 9, ops.Warning))) // during the fetch
	eventOf[store.Opened](t, r)
	acked := inc("y", 2, ops.Critical)
	acked.AcknowledgedBy, acked.AcknowledgedAt = "alice", 5
	if _, err := a.CaughtUp(cu, snap(acked, inc("z", 3, ops.Info), inc("w", 4, ops.Warning))); err != nil {
		t.Fatal(err)
	}
	x := eventOf[store.Settled](t, r)
	if !x.Resolved || !x.Away || x.Incident.Server != "a" || x.Incident.UUID != "x" || !x.At.Equal(clk.Now()) {
		t.Errorf("x resolved while away: %+v", x)
	}
	y := eventOf[store.Settled](t, r)
	if y.Resolved || !y.Away || y.Incident.UUID != "y" || y.Incident.AcknowledgedBy != "alice" {
		t.Errorf("y acknowledged while away: %+v", y)
	}
	if rev := eventOf[store.Revealed](t, r); uuids(rev.Incidents) != "w" {
		t.Errorf("revealed %s, want w", uuids(rev.Incidents))
	}
	eventOf[store.LinkRestored](t, r)
	if got := uuids(s.State().Incidents); got != "live,w,z,y,x" {
		t.Errorf("list %s, want live,w,z,y,x (b's x stays)", got)
	}

	// Once only: the same snapshot again, the live resolution of the gone
	// one and the live acknowledgement of the acknowledged one add nothing.
	if _, err := a.CaughtUp(a.BeginCatchUp(), snap(acked, inc("z", 3, ops.Info), inc("w", 4, ops.Warning), inc("live", 9, ops.Warning))); err != nil {
		t.Fatal(err)
	}
	must(t, a.IncidentResolved("x"))
	must(t, a.IncidentAcknowledged(ops.Acknowledgement{UUID: "y", By: "alice", At: 5}))
	r.noEvent(t, s)
	// A live settle is not Away.
	must(t, a.IncidentResolved("z"))
	if z := eventOf[store.Settled](t, r); z.Away || !z.Resolved {
		t.Errorf("z resolved live: %+v", z)
	}
}

// An incident the snapshot still lists, but in a form that fails
// validation, leaves the list (nothing invalid is shown) without being
// taken for resolved: it is not, and the history must not say so.
func TestInvalidSnapshotEntryIsNotResolved(t *testing.T) {
	s, r := newMulti(t, newFakeClock())
	a := s.Feed("a", "A")
	feedLive(t, a, snap(inc("x", 1, ops.Critical), inc("y", 2, ops.Info)))
	eventOf[store.Revealed](t, r)
	bad := inc("x", 1, ops.Critical)
	bad.Severity = "apocalyptic"
	dropped, err := a.CaughtUp(a.BeginCatchUp(), snap(bad))
	if err != nil || dropped != 1 {
		t.Fatalf("dropped %d, %v", dropped, err)
	}
	if st := eventOf[store.Settled](t, r); st.Incident.UUID != "y" {
		t.Errorf("settled %+v, want y only", st)
	}
	r.noEvent(t, s)
}

// A repeated incident.created that carries the first acknowledgement
// settles the incident like incident.acknowledged would: Settled once,
// this desktop's pending acknowledgement over.
func TestRepeatCarryingTheAcknowledgementSettles(t *testing.T) {
	s, r := newMulti(t, newFakeClock())
	a := s.Feed("a", "A")
	must(t, a.IncidentCreated(inc("x", 1, ops.Critical)))
	eventOf[store.Opened](t, r)
	a.AckSent("x")
	acked := inc("x", 1, ops.Critical)
	acked.AcknowledgedBy, acked.AcknowledgedAt = "alice", 5
	must(t, a.IncidentCreated(acked))
	if st := eventOf[store.Settled](t, r); st.Resolved || st.Away || st.Incident.AcknowledgedBy != "alice" {
		t.Errorf("settled %+v", st)
	}
	if x := find(t, s.State(), "a", "x"); x.AckPending || !x.Acked {
		t.Errorf("after the repeat %+v: the server has it, nothing pending", x)
	}
	must(t, a.IncidentCreated(acked))
	must(t, a.IncidentAcknowledged(ops.Acknowledgement{UUID: "x", By: "alice", At: 5}))
	r.noEvent(t, s)
}

// A catch-up that finds the whole list replaced (everything resolved
// while away, as many new) still publishes its Revealed and its
// LinkRestored: the Settled it publishes are bounded, so they cannot
// crowd the others out of the dispatcher's bounded queue.
func TestCatchUpSettledBounded(t *testing.T) {
	s := store.New(store.Options{Server: "ws://test"})
	t.Cleanup(s.Close)
	var mu sync.Mutex
	counts := map[string]int{}
	revealed := 0
	s.SubscribeEvents(func(e store.Event, _ store.State) {
		mu.Lock()
		defer mu.Unlock()
		counts[fmt.Sprintf("%T", e)]++
		if r, ok := e.(store.Revealed); ok {
			revealed = len(r.Incidents)
		}
	})
	many := func(prefix string) ops.Snapshot {
		var sn ops.Snapshot
		for i := range store.DefaultMaxIncidents {
			sn.Incidents = append(sn.Incidents, inc(fmt.Sprint(prefix, i), int64(i+1), ops.Warning))
		}
		return sn
	}
	live(t, s, many("old-"))
	must(t, s.SetLink(store.LinkStatus{Link: store.LinkReconnecting}))
	live(t, s, many("new-"))
	flush(t, s)
	mu.Lock()
	defer mu.Unlock()
	if revealed != store.DefaultMaxIncidents || counts["store.LinkRestored"] != 1 {
		t.Errorf("events %v, the last Revealed of %d: want every new incident revealed and the outage's end", counts, revealed)
	}
	if n := counts["store.Settled"]; n == 0 || n > store.MaxSettledPerCatchUp {
		t.Errorf("%d Settled, want some, at most %d", n, store.MaxSettledPerCatchUp)
	}
}
