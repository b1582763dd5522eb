package app

import (
	"fmt"
	"testing"

	"github.com/warpdesk/warpdesk/ops"
)

func inc(uuid string, at int64, sev ops.Severity) ops.Incident {
	return ops.Incident{UUID: uuid, Title: "incident " + uuid, Severity: sev, Room: "ops", CreatedAt: at}
}

func uuids(l []ops.Incident) string {
	s := ""
	for i, in := range l {
		if i > 0 {
			s += ","
		}
		s += in.UUID
	}
	return s
}

func TestIncidentsNewestFirstAndDedupe(t *testing.T) {
	m := NewIncidents()
	changes := 0
	m.OnChange = func() { changes++ }
	if !m.Created(inc("a", 100, ops.Info)) || !m.Created(inc("b", 300, ops.Warning)) || !m.Created(inc("c", 200, ops.Critical)) {
		t.Fatal("new incidents must report new")
	}
	if m.Created(inc("b", 300, ops.Warning)) {
		t.Error("a repeated uuid is not new")
	}
	if got := uuids(m.List()); got != "b,c,a" {
		t.Errorf("order %s, want b,c,a (newest first)", got)
	}
	if changes != 4 {
		t.Errorf("OnChange called %d times, want 4", changes)
	}
	// Same time: critical first, then by uuid — a stable order.
	m.Created(inc("z", 300, ops.Critical))
	if got := uuids(m.List()); got != "z,b,c,a" {
		t.Errorf("order %s, want z,b,c,a", got)
	}
}

func TestIncidentsResolvedLeave(t *testing.T) {
	m := NewIncidents()
	m.Created(inc("a", 1, ops.Critical))
	m.Created(inc("b", 2, ops.Info))
	if !m.Resolved("a") {
		t.Error("resolving a shown incident reports true")
	}
	if m.Resolved("nope") {
		t.Error("resolving an unknown incident reports false")
	}
	if got := uuids(m.List()); got != "b" {
		t.Errorf("left %s, want b", got)
	}
}

func TestIncidentsRejectInvalid(t *testing.T) {
	m := NewIncidents()
	for _, bad := range []ops.Incident{
		{UUID: "", Title: "t", Severity: ops.Info},
		{UUID: "x", Title: "", Severity: ops.Info},
		{UUID: "x", Title: "t", Severity: "urgent"},
	} {
		if m.Created(bad) {
			t.Errorf("accepted %+v", bad)
		}
	}
	m.ApplySnapshot(m.BeginSnapshot(), []ops.Incident{{UUID: "y", Title: "t", Severity: "nope"}})
	if n := len(m.List()); n != 0 {
		t.Errorf("%d invalid incidents shown", n)
	}
}

func TestCountsAndAcknowledge(t *testing.T) {
	m := NewIncidents()
	m.Created(inc("a", 1, ops.Critical))
	m.Created(inc("b", 2, ops.Critical))
	m.Created(inc("c", 3, ops.Warning))
	if c := m.Counts(); c != (Counts{Active: 3, Critical: 2, Unacknowledged: 2}) {
		t.Errorf("counts %+v", c)
	}
	m.Acknowledge("a")
	m.Acknowledge("unknown")
	if c := m.Counts(); c.Unacknowledged != 1 || !m.Acknowledged("a") {
		t.Errorf("after one ack: %+v", c)
	}
	m.AcknowledgeAll()
	if c := m.Counts(); c.Unacknowledged != 0 {
		t.Errorf("after ack all: %+v", c)
	}
	m.Created(inc("d", 4, ops.Critical))
	if c := m.Counts(); c.Unacknowledged != 1 {
		t.Errorf("a new critical is unacknowledged: %+v", c)
	}
	m.Resolved("a")
	m.Created(inc("a", 5, ops.Critical)) // reopened under the same uuid
	if m.Acknowledged("a") {
		t.Error("an acknowledgement must not outlive the incident")
	}
}

func TestSnapshotCatchesUpWhatWasMissed(t *testing.T) {
	m := NewIncidents()
	m.Created(inc("kept", 1, ops.Info))
	m.Created(inc("resolved-offline", 2, ops.Warning))
	// Offline: "resolved-offline" was resolved, "new-offline" created.
	tok := m.BeginSnapshot()
	added := m.ApplySnapshot(tok, []ops.Incident{inc("kept", 1, ops.Info), inc("new-offline", 3, ops.Critical)})
	if got := uuids(m.List()); got != "new-offline,kept" {
		t.Errorf("after catch-up %s, want new-offline,kept", got)
	}
	if uuids(added) != "new-offline" {
		t.Errorf("added %s, want new-offline", uuids(added))
	}
	// Applying the same snapshot again changes nothing and adds nothing.
	if added := m.ApplySnapshot(m.BeginSnapshot(), []ops.Incident{inc("kept", 1, ops.Info), inc("new-offline", 3, ops.Critical)}); len(added) != 0 {
		t.Errorf("second catch-up added %s", uuids(added))
	}
	if n := len(m.List()); n != 2 {
		t.Errorf("%d shown, want 2 (no duplicates)", n)
	}
}

func TestSnapshotRacingLiveEvents(t *testing.T) {
	m := NewIncidents()
	m.Created(inc("old", 1, ops.Info))
	m.Created(inc("going", 2, ops.Info))
	tok := m.BeginSnapshot()
	// While the fetch is in flight, live events arrive...
	m.Created(inc("live-new", 10, ops.Warning)) // created after the server built the snapshot
	m.Resolved("going")                         // resolved after the server built the snapshot
	// ...and the (older) snapshot still lists "going" and lacks "live-new".
	m.ApplySnapshot(tok, []ops.Incident{inc("old", 1, ops.Info), inc("going", 2, ops.Info)})
	if got := uuids(m.List()); got != "live-new,old" {
		t.Errorf("after a racing snapshot %s, want live-new,old", got)
	}
	// A later snapshot that has caught up agrees.
	m.ApplySnapshot(m.BeginSnapshot(), []ops.Incident{inc("live-new", 10, ops.Warning), inc("old", 1, ops.Info)})
	if got := uuids(m.List()); got != "live-new,old" {
		t.Errorf("after a fresh snapshot %s", got)
	}
	// And a fresh snapshot without "live-new" removes it (resolved while we were away).
	m.ApplySnapshot(m.BeginSnapshot(), []ops.Incident{inc("old", 1, ops.Info)})
	if got := uuids(m.List()); got != "old" {
		t.Errorf("after it was resolved %s, want old", got)
	}
}

func TestSnapshotDuplicatesInList(t *testing.T) {
	m := NewIncidents()
	m.ApplySnapshot(m.BeginSnapshot(), []ops.Incident{inc("a", 1, ops.Info), inc("a", 1, ops.Info)})
	if n := len(m.List()); n != 1 {
		t.Errorf("%d shown, want 1", n)
	}
}

func TestTombstonesBounded(t *testing.T) {
	m := NewIncidents()
	for i := 0; i < 3*maxTombstones; i++ {
		u := fmt.Sprint(i)
		m.Created(inc(u, int64(i), ops.Info))
		m.Resolved(u)
	}
	m.mu.Lock()
	n := len(m.gone)
	m.mu.Unlock()
	if n > maxTombstones {
		t.Errorf("%d tombstones kept, want at most %d", n, maxTombstones)
	}
}

func TestMonitors(t *testing.T) {
	s := NewMonitors()
	s.Update(ops.MonitorChange{MonitorUUID: "m1", Name: "API", Status: ops.Up, ChangedAt: 10})
	s.Update(ops.MonitorChange{MonitorUUID: "m2", Name: "DB", Status: ops.Down, ChangedAt: 10})
	if s.Update(ops.MonitorChange{MonitorUUID: "m1", Name: "API", Status: ops.Down, ChangedAt: 5}) {
		t.Error("an older change must not win")
	}
	if s.Update(ops.MonitorChange{MonitorUUID: "m3", Status: "sideways", ChangedAt: 5}) {
		t.Error("an invalid status must be refused")
	}
	s.Update(ops.MonitorChange{MonitorUUID: "m1", Status: ops.Degraded, ChangedAt: 20})
	l := s.List()
	if len(l) != 2 || l[0].MonitorUUID != "m2" || l[1].Status != ops.Degraded || l[1].Name != "API" {
		t.Errorf("monitors %+v", l)
	}
}

func TestRetain(t *testing.T) {
	m := NewIncidents()
	a, b := inc("a", 1, ops.Critical), inc("b", 2, ops.Info)
	b.Room = "payments"
	m.Created(a)
	m.Created(b)
	if n := m.Retain(func(in ops.Incident) bool { return in.Room == "ops" }); n != 1 {
		t.Errorf("dropped %d, want 1", n)
	}
	if got := uuids(m.List()); got != "a" {
		t.Errorf("left %s", got)
	}
}
