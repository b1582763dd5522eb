package store_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

func TestIncidentsNewestFirstAndDedupe(t *testing.T) {
	s, r := newStore(t, newFakeClock())
	for _, in := range []ops.Incident{inc("a", 100, ops.Info), inc("b", 300, ops.Warning), inc("c", 200, ops.Critical)} {
		must(t, s.IncidentCreated(in))
		if o := eventOf[store.Opened](t, r); o.Incident.UUID != in.UUID {
			t.Errorf("opened %s, want %s", o.Incident.UUID, in.UUID)
		}
	}
	must(t, s.IncidentCreated(inc("b", 300, ops.Warning))) // a repeat: no Opened
	r.noEvent(t, s)
	if got := uuids(s.State().Incidents); got != "b,c,a" {
		t.Errorf("order %s, want b,c,a (newest first)", got)
	}
	// Same time: critical first, then by uuid — a stable order.
	must(t, s.IncidentCreated(inc("z", 300, ops.Critical)))
	must(t, s.IncidentCreated(inc("y", 300, ops.Critical)))
	if got := uuids(s.State().Incidents); got != "y,z,b,c,a" {
		t.Errorf("order %s, want y,z,b,c,a", got)
	}
	// A repeated uuid with another time moves.
	must(t, s.IncidentCreated(inc("a", 400, ops.Info)))
	if got := uuids(s.State().Incidents); got != "a,y,z,b,c" {
		t.Errorf("order %s, want a,y,z,b,c", got)
	}
}

func TestIncidentsResolvedLeave(t *testing.T) {
	s, _ := newStore(t, newFakeClock())
	must(t, s.IncidentCreated(inc("a", 1, ops.Critical)))
	must(t, s.IncidentCreated(inc("b", 2, ops.Info)))
	v := s.State().Version
	must(t, s.IncidentResolved("nope"))
	if s.State().Version != v {
		t.Error("resolving an unknown incident published a change")
	}
	must(t, s.IncidentResolved("a"))
	if got := uuids(s.State().Incidents); got != "b" {
		t.Errorf("left %s, want b", got)
	}
}

func TestInvalidInputIsRefusedAtTheEdge(t *testing.T) {
	s, r := newStore(t, newFakeClock())
	v := s.State().Version
	for _, bad := range []ops.Incident{
		{UUID: "", Title: "t", Severity: ops.Info},
		{UUID: "x", Title: "", Severity: ops.Info},
		{UUID: "x", Title: "t", Severity: "urgent"},
		{UUID: "x", Title: "\xff", Severity: ops.Info},
	} {
		if err := s.IncidentCreated(bad); !errors.Is(err, ops.ErrInvalid) {
			t.Errorf("IncidentCreated(%+v) = %v, want ops.ErrInvalid", bad, err)
		}
	}
	if err := s.IncidentResolved(""); !errors.Is(err, ops.ErrInvalid) {
		t.Errorf("IncidentResolved(\"\") = %v", err)
	}
	if err := s.MonitorChanged(ops.MonitorChange{MonitorUUID: "m", Status: "sideways"}); !errors.Is(err, ops.ErrInvalid) {
		t.Errorf("MonitorChanged = %v", err)
	}
	if s.State().Version != v {
		t.Error("invalid input published a change")
	}
	// A snapshot's bad and duplicate entries are dropped and counted.
	dropped, err := s.CaughtUp(s.BeginCatchUp(), snap(inc("a", 1, ops.Info), inc("a", 1, ops.Info), ops.Incident{UUID: "y", Title: "t", Severity: "nope"}))
	if err != nil || dropped != 2 {
		t.Errorf("CaughtUp dropped %d, %v; want 2, nil", dropped, err)
	}
	if got := uuids(r.last(t, s).Incidents); got != "a" {
		t.Errorf("list %s, want a", got)
	}
}

func TestCatchUpFindsWhatWasMissed(t *testing.T) {
	s, r := newStore(t, newFakeClock())
	live(t, s, snap(inc("kept", 1, ops.Info), inc("resolved-offline", 2, ops.Warning)))
	eventOf[store.Revealed](t, r)
	// Offline: "resolved-offline" was resolved, "new-offline" created.
	must(t, s.SetLink(store.LinkStatus{Link: store.LinkReconnecting}))
	live(t, s, snap(inc("kept", 1, ops.Info), inc("new-offline", 3, ops.Critical)))
	if got := uuids(s.State().Incidents); got != "new-offline,kept" {
		t.Errorf("after catch-up %s, want new-offline,kept", got)
	}
	eventOf[store.LinkLost](t, r)
	if st := eventOf[store.Settled](t, r); st.Incident.UUID != "resolved-offline" || !st.Resolved || !st.Away {
		t.Errorf("settled %+v", st)
	}
	if rev := eventOf[store.Revealed](t, r); uuids(rev.Incidents) != "new-offline" {
		t.Errorf("revealed %s", uuids(rev.Incidents))
	}
	eventOf[store.LinkRestored](t, r)
	// The same snapshot again reveals nothing and duplicates nothing.
	live(t, s, snap(inc("kept", 1, ops.Info), inc("new-offline", 3, ops.Critical)))
	r.noEvent(t, s)
	if n := len(s.State().Incidents); n != 2 {
		t.Errorf("%d shown, want 2", n)
	}
}

func TestCatchUpRacingLiveEvents(t *testing.T) {
	s, _ := newStore(t, newFakeClock())
	must(t, s.IncidentCreated(inc("old", 1, ops.Info)))
	must(t, s.IncidentCreated(inc("going", 2, ops.Info)))
	cu := s.BeginCatchUp()
	// While the fetch is in flight, live events arrive...
	must(t, s.IncidentCreated(inc("live-new", 10, ops.Warning)))
	must(t, s.IncidentResolved("going"))
	// ...and the (older) snapshot still lists "going" and lacks "live-new".
	_, err := s.CaughtUp(cu, snap(inc("old", 1, ops.Info), inc("going", 2, ops.Info)))
	must(t, err)
	if got := uuids(s.State().Incidents); got != "live-new,old" {
		t.Errorf("after a racing snapshot %s, want live-new,old", got)
	}
	// A fresh snapshot without "live-new" removes it (resolved while away).
	_, err = s.CaughtUp(s.BeginCatchUp(), snap(inc("old", 1, ops.Info)))
	must(t, err)
	if got := uuids(s.State().Incidents); got != "old" {
		t.Errorf("after it was resolved %s, want old", got)
	}
}

func TestAcknowledge(t *testing.T) {
	s, _ := newStore(t, newFakeClock())
	must(t, s.IncidentCreated(inc("a", 1, ops.Critical)))
	must(t, s.IncidentCreated(inc("b", 2, ops.Critical)))
	must(t, s.IncidentCreated(inc("c", 3, ops.Warning)))
	s.Acknowledge("", "a")
	s.Acknowledge("", "unknown")
	acked := func() string {
		var out string
		for _, in := range s.State().Incidents {
			if in.Acked {
				out += in.UUID
			}
		}
		return out
	}
	if got := acked(); got != "a" {
		t.Errorf("acked %q, want a", got)
	}
	s.AcknowledgeAllCritical("")
	if got := acked(); got != "ba" {
		t.Errorf("acked %q, want ba (the warning stays)", got)
	}
	// A catch-up keeps acknowledgements; resolving forgets them.
	_, err := s.CaughtUp(s.BeginCatchUp(), snap(inc("a", 1, ops.Critical), inc("b", 2, ops.Critical), inc("c", 3, ops.Warning)))
	must(t, err)
	if got := acked(); got != "ba" {
		t.Errorf("acked %q after catch-up", got)
	}
	must(t, s.IncidentResolved("a"))
	must(t, s.IncidentCreated(inc("a", 5, ops.Critical))) // reopened under the same uuid
	if got := acked(); got != "b" {
		t.Errorf("acked %q: an acknowledgement must not outlive its incident", got)
	}
}

func TestRetain(t *testing.T) {
	s, _ := newStore(t, newFakeClock())
	a, b := inc("a", 1, ops.Critical), inc("b", 2, ops.Info)
	b.Room = "payments"
	must(t, s.IncidentCreated(a))
	must(t, s.IncidentCreated(b))
	if n := s.Retain(func(in ops.Incident) bool { return in.Room == "ops" }); n != 1 {
		t.Errorf("dropped %d, want 1", n)
	}
	if got := uuids(s.State().Incidents); got != "a" {
		t.Errorf("left %s", got)
	}
}

func TestMonitors(t *testing.T) {
	s, _ := newStore(t, newFakeClock())
	must(t, s.MonitorChanged(ops.MonitorChange{MonitorUUID: "m1", Name: "API", Status: ops.Up, ChangedAt: 10}))
	must(t, s.MonitorChanged(ops.MonitorChange{MonitorUUID: "m2", Name: "DB", Status: ops.Down, ChangedAt: 10}))
	v := s.State().Version
	must(t, s.MonitorChanged(ops.MonitorChange{MonitorUUID: "m1", Name: "API", Status: ops.Down, ChangedAt: 5}))
	if s.State().Version != v {
		t.Error("an older change must not win")
	}
	// A snapshot cannot roll a monitor back either.
	_, err := s.CaughtUp(s.BeginCatchUp(), ops.Snapshot{Monitors: []ops.MonitorChange{{MonitorUUID: "m2", Name: "DB", Status: ops.Up, ChangedAt: 1}}})
	must(t, err)
	must(t, s.MonitorChanged(ops.MonitorChange{MonitorUUID: "m1", Status: ops.Degraded, ChangedAt: 20}))
	l := s.State().Monitors
	if len(l) != 2 || l[0].MonitorUUID != "m2" || l[0].Status != ops.Down || l[1].Status != ops.Degraded || l[1].Name != "API" {
		t.Errorf("monitors %+v", l)
	}
}

// Memory stays bounded whatever a server sends.
func TestBounds(t *testing.T) {
	s := store.New(store.Options{Clock: newFakeClock(), MaxIncidents: 3, MaxMonitors: 2})
	defer s.Close()
	must(t, s.IncidentCreated(inc("crit", 1, ops.Critical)))
	for i := range 10 {
		must(t, s.IncidentCreated(inc(fmt.Sprint("info", i), int64(10+i), ops.Info)))
	}
	if got := uuids(s.State().Incidents); got != "info9,info8,crit" {
		t.Errorf("kept %s, want the critical and the newest infos", got)
	}
	var big []ops.Incident
	for i := range 10 {
		big = append(big, inc(fmt.Sprint("s", i), int64(i), ops.Warning))
	}
	big = append(big, inc("crit", 1, ops.Critical))
	_, err := s.CaughtUp(s.BeginCatchUp(), snap(big...))
	must(t, err)
	if got := uuids(s.State().Incidents); got != "s9,s8,crit" {
		t.Errorf("kept %s after a big snapshot", got)
	}
	for i := range 5 {
		must(t, s.MonitorChanged(ops.MonitorChange{MonitorUUID: fmt.Sprint("m", i), Status: ops.Up, ChangedAt: 1}))
	}
	if n := len(s.State().Monitors); n != 2 {
		t.Errorf("%d monitors kept, want 2", n)
	}
}

// incident.acknowledged says who acknowledged on the server; the first one
// wins, and this desktop's own Acked is left alone.
func TestServerAcknowledgement(t *testing.T) {
	s, _ := newStore(t, newFakeClock())
	must(t, s.IncidentCreated(inc("a", 1, ops.Critical)))
	v := s.State().Version
	must(t, s.IncidentAcknowledged(ops.Acknowledgement{UUID: "nope", By: "bob", At: 5}))
	if s.State().Version != v {
		t.Error("an acknowledgement of an unknown incident published a change")
	}
	must(t, s.IncidentAcknowledged(ops.Acknowledgement{UUID: "a", By: "alice", At: 10}))
	must(t, s.IncidentAcknowledged(ops.Acknowledgement{UUID: "a", By: "bob", At: 20}))
	got := s.State().Incidents[0]
	if got.AcknowledgedBy != "alice" || got.AcknowledgedAt != 10 || got.Acked {
		t.Errorf("%+v", got)
	}
	if err := s.IncidentAcknowledged(ops.Acknowledgement{UUID: "a", By: "", At: 1}); !errors.Is(err, ops.ErrInvalid) {
		t.Errorf("no by: %v", err)
	}
}
