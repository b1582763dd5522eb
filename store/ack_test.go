package store_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// find returns the incident uuid of server in st.
func find(t *testing.T, st store.State, server, uuid string) store.Incident {
	t.Helper()
	for _, in := range st.Incidents {
		if in.Server == server && in.UUID == uuid {
			return in
		}
	}
	t.Fatalf("no incident %s of server %q in %+v", uuid, server, st.Incidents)
	return store.Incident{}
}

// Acknowledge marks only that server's incident; AcknowledgeAllCritical
// that server's criticals, or with "" every server's.
func TestAcknowledgePerServer(t *testing.T) {
	s, _ := newMulti(t, newFakeClock())
	a, b := s.Feed("a", "A"), s.Feed("b", "B")
	for _, f := range []*store.Feed{a, b} {
		must(t, f.IncidentCreated(inc("x", 1, ops.Critical)))
		must(t, f.IncidentCreated(inc("w", 2, ops.Warning)))
	}
	s.Acknowledge("b", "x")
	s.Acknowledge("nope", "x")
	st := s.State()
	if find(t, st, "a", "x").Acked || !find(t, st, "b", "x").Acked {
		t.Errorf("only b's x must be acknowledged: %+v", st.Incidents)
	}
	if got := st.Unacknowledged(ops.Critical); len(got) != 1 || got[0].Server != "a" {
		t.Errorf("Unacknowledged %+v, want a's x", got)
	}
	b2 := inc("y", 3, ops.Critical)
	must(t, b.IncidentCreated(b2))
	s.AcknowledgeAllCritical("nope")
	s.AcknowledgeAllCritical("b")
	st = s.State()
	if !find(t, st, "b", "y").Acked || find(t, st, "a", "x").Acked || find(t, st, "b", "w").Acked {
		t.Errorf("after AcknowledgeAllCritical(b): %+v", st.Incidents)
	}
	s.AcknowledgeAllCritical("")
	st = s.State()
	if !find(t, st, "a", "x").Acked || find(t, st, "a", "w").Acked || find(t, st, "b", "w").Acked {
		t.Errorf("after AcknowledgeAllCritical: %+v", st.Incidents)
	}
	if got := st.Unacknowledged(ops.Critical); len(got) != 0 {
		t.Errorf("Unacknowledged %+v, want none", got)
	}
	if got := st.Unacknowledged(ops.Warning); len(got) != 2 {
		t.Errorf("Unacknowledged warnings %+v, want both", got)
	}
}

// AckSent → pending; AckFailed → a short reason, no longer pending; the
// server's acknowledgement ends both.
func TestAckPendingAndFailed(t *testing.T) {
	s, r := newMulti(t, newFakeClock())
	a := s.Feed("a", "A")
	must(t, a.IncidentCreated(inc("x", 1, ops.Critical)))
	eventOf[store.Opened](t, r)
	a.AckSent("x")
	a.AckSent("unknown")
	if in := find(t, s.State(), "a", "x"); !in.Acked || !in.AckPending || in.AckErr != "" {
		t.Errorf("after AckSent %+v", in)
	}
	if got := s.State().Unacknowledged(ops.Critical); len(got) != 0 {
		t.Errorf("a pending acknowledgement counts as one: %+v", got)
	}
	a.AckFailed("x", errors.New("not connected\ngoroutine 1 [running]: …"))
	st := s.State()
	if in := find(t, st, "a", "x"); !in.Acked || in.AckPending || in.AckErr != "not connected" {
		t.Errorf("after AckFailed %+v", in)
	}
	if got := st.Unacknowledged(ops.Critical); len(got) != 1 {
		t.Errorf("a failed acknowledgement is not one: %+v", got)
	}
	a.AckFailed("x", errors.New(strings.Repeat("é", 500)))
	if e := find(t, s.State(), "a", "x").AckErr; len([]rune(e)) > 120 {
		t.Errorf("AckErr of %d runes", len([]rune(e)))
	}
	a.AckSent("x") // tried again
	if in := find(t, s.State(), "a", "x"); !in.AckPending || in.AckErr != "" {
		t.Errorf("after a second AckSent %+v", in)
	}
	must(t, a.IncidentAcknowledged(ops.Acknowledgement{UUID: "x", By: "alice", At: 5}))
	if in := find(t, s.State(), "a", "x"); in.AckPending || in.AckErr != "" || in.AcknowledgedBy != "alice" || !in.Acked {
		t.Errorf("after the server's acknowledgement %+v", in)
	}
	if st := eventOf[store.Settled](t, r); st.Resolved || st.Incident.Server != "a" || st.Incident.AcknowledgedBy != "alice" {
		t.Errorf("%+v", st)
	}
	// Once the server has it acknowledged, this desktop's attempts are moot.
	a.AckSent("x")
	a.AckFailed("x", nil)
	if in := find(t, s.State(), "a", "x"); in.AckPending || in.AckErr != "" {
		t.Errorf("%+v", in)
	}
	must(t, a.IncidentCreated(inc("z", 9, ops.Critical)))
	a.AckFailed("z", nil)
	if in := find(t, s.State(), "a", "z"); in.AckErr != "unknown error" || in.Acked {
		t.Errorf("%+v", in)
	}
}

// Settled: once when an incident is resolved, once on its first server
// acknowledgement; not for Retain, RemoveFeed or a repeated
// acknowledgement.
func TestSettled(t *testing.T) {
	clk := newFakeClock()
	s, r := newMulti(t, clk)
	a, b := s.Feed("a", "A"), s.Feed("b", "B")
	must(t, a.IncidentCreated(inc("x", 1, ops.Critical)))
	must(t, b.IncidentCreated(inc("x", 1, ops.Critical)))
	must(t, b.IncidentCreated(inc("y", 2, ops.Info)))
	for range 3 {
		eventOf[store.Opened](t, r)
	}
	s.Acknowledge("a", "x")
	must(t, a.IncidentAcknowledged(ops.Acknowledgement{UUID: "x", By: "bob", At: 7}))
	st := eventOf[store.Settled](t, r)
	if st.Resolved || st.Incident.Server != "a" || st.Incident.UUID != "x" || st.Incident.AcknowledgedBy != "bob" || !st.Incident.Acked || !st.At.Equal(clk.Now()) {
		t.Errorf("acknowledged: %+v", st)
	}
	must(t, a.IncidentAcknowledged(ops.Acknowledgement{UUID: "x", By: "carol", At: 9}))
	r.noEvent(t, s)
	must(t, a.IncidentResolved("x"))
	if st := eventOf[store.Settled](t, r); !st.Resolved || st.Incident.Server != "a" || st.Incident.AcknowledgedBy != "bob" {
		t.Errorf("resolved: %+v", st)
	}
	must(t, a.IncidentResolved("x")) // already gone
	b.Retain(func(in ops.Incident) bool { return in.UUID != "y" })
	s.RemoveFeed("b")
	r.noEvent(t, s)
}

// A catch-up keeps this desktop's acknowledgement state and an
// acknowledgement that arrived live during the fetch.
func TestCatchUpKeepsAcknowledgements(t *testing.T) {
	s, _ := newMulti(t, newFakeClock())
	a := s.Feed("a", "A")
	must(t, a.IncidentCreated(inc("x", 1, ops.Critical)))
	must(t, a.IncidentCreated(inc("y", 2, ops.Critical)))
	a.AckSent("x")
	cu := a.BeginCatchUp()
	must(t, a.IncidentAcknowledged(ops.Acknowledgement{UUID: "y", By: "bob", At: 3}))
	a.AckSent("y")
	if _, err := a.CaughtUp(cu, snap(inc("x", 1, ops.Critical), inc("y", 2, ops.Critical))); err != nil {
		t.Fatal(err)
	}
	st := s.State()
	if x := find(t, st, "a", "x"); !x.Acked || !x.AckPending {
		t.Errorf("x after the catch-up %+v", x)
	}
	if y := find(t, st, "a", "y"); y.AcknowledgedBy != "bob" || y.AckPending {
		t.Errorf("y after the catch-up %+v: the server's acknowledgement wins", y)
	}
	acked := inc("x", 1, ops.Critical)
	acked.AcknowledgedBy, acked.AcknowledgedAt = "alice", 4
	if _, err := a.CaughtUp(a.BeginCatchUp(), snap(acked)); err != nil {
		t.Fatal(err)
	}
	if x := find(t, s.State(), "a", "x"); x.AcknowledgedBy != "alice" || x.AckPending {
		t.Errorf("x acknowledged in a snapshot %+v", x)
	}
}
