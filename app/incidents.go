package app

import (
	"sort"
	"sync"

	"github.com/warpdesk/warpdesk/ops"
)

// Incidents is the set of open incidents the dashboard shows, keyed by uuid.
// It merges two sources that race each other — the live stream
// (incident.created / incident.resolved) and the HTTP catch-up snapshot — so
// that nothing is shown twice, a resolved incident leaves, and an incident
// missed while offline appears.
//
// A snapshot is the server's truth at some instant between BeginSnapshot and
// ApplySnapshot. Live events seen in that window are newer than (or as new
// as) the snapshot, so ApplySnapshot keeps them: an incident created live
// during the fetch stays even if the snapshot lacks it, and one resolved live
// during the fetch stays gone even if the snapshot still lists it. Everything
// else follows the snapshot, which also drops incidents that were resolved
// while we were not listening.
//
// Incidents is safe for concurrent use. OnChange, when set, runs after every
// change, outside the lock, on the goroutine that made the change.
type Incidents struct {
	mu    sync.Mutex
	open  map[string]*entry
	seq   uint64            // bumped on every live event
	gone  map[string]uint64 // uuid → seq of its live resolution (tombstones)
	acked map[string]bool   // critical incidents the user acknowledged

	// OnChange is called after every change. Set it before use.
	OnChange func()
}

type entry struct {
	inc ops.Incident
	seq uint64 // seq of the live event that added it; 0 when from a snapshot
}

// maxTombstones bounds the memory of resolutions kept for in-flight snapshots.
const maxTombstones = 4096

// NewIncidents returns an empty set.
func NewIncidents() *Incidents {
	return &Incidents{open: map[string]*entry{}, gone: map[string]uint64{}, acked: map[string]bool{}}
}

func (m *Incidents) changed() {
	if m.OnChange != nil {
		m.OnChange()
	}
}

// Created records a live incident.created. It reports whether the incident
// is new (not already shown); a repeated uuid replaces the shown one.
func (m *Incidents) Created(in ops.Incident) (isNew bool) {
	if in.Validate() != nil {
		return false
	}
	m.mu.Lock()
	m.seq++
	_, had := m.open[in.UUID]
	m.open[in.UUID] = &entry{inc: in, seq: m.seq}
	delete(m.gone, in.UUID)
	m.mu.Unlock()
	m.changed()
	return !had
}

// Resolved records a live incident.resolved. It reports whether the incident
// was shown.
func (m *Incidents) Resolved(uuid string) (was bool) {
	m.mu.Lock()
	m.seq++
	_, was = m.open[uuid]
	delete(m.open, uuid)
	delete(m.acked, uuid)
	m.gone[uuid] = m.seq
	if len(m.gone) > maxTombstones {
		m.pruneLocked()
	}
	m.mu.Unlock()
	m.changed()
	return was
}

// pruneLocked drops the older half of the tombstones.
func (m *Incidents) pruneLocked() {
	seqs := make([]uint64, 0, len(m.gone))
	for _, s := range m.gone {
		seqs = append(seqs, s)
	}
	sort.Slice(seqs, func(i, j int) bool { return seqs[i] < seqs[j] })
	cut := seqs[len(seqs)/2]
	for u, s := range m.gone {
		if s < cut {
			delete(m.gone, u)
		}
	}
}

// SnapshotToken marks when a catch-up fetch started.
type SnapshotToken struct{ seq uint64 }

// BeginSnapshot is called right before a catch-up fetch is sent.
func (m *Incidents) BeginSnapshot() SnapshotToken {
	m.mu.Lock()
	defer m.mu.Unlock()
	return SnapshotToken{m.seq}
}

// ApplySnapshot merges a catch-up snapshot fetched since tok (see the type's
// doc) and returns the incidents it added that were not shown before.
func (m *Incidents) ApplySnapshot(tok SnapshotToken, list []ops.Incident) (added []ops.Incident) {
	m.mu.Lock()
	next := make(map[string]*entry, len(list))
	for _, in := range list {
		if in.Validate() != nil {
			continue
		}
		if s, ok := m.gone[in.UUID]; ok && s > tok.seq {
			continue // resolved live after the fetch began
		}
		if e, ok := m.open[in.UUID]; ok && e.seq > tok.seq {
			next[in.UUID] = e // created (or updated) live after the fetch began
			continue
		}
		if _, ok := m.open[in.UUID]; !ok {
			added = append(added, in)
		}
		next[in.UUID] = &entry{inc: in}
	}
	for u, e := range m.open {
		if _, ok := next[u]; !ok && e.seq > tok.seq {
			next[u] = e // live news the snapshot could not know yet
		}
	}
	for u := range m.acked {
		if _, ok := next[u]; !ok {
			delete(m.acked, u)
		}
	}
	m.open = next
	m.mu.Unlock()
	m.changed()
	return added
}

// List returns the open incidents, newest first (ties: critical first, then
// by uuid), so the order is stable.
func (m *Incidents) List() []ops.Incident {
	m.mu.Lock()
	out := make([]ops.Incident, 0, len(m.open))
	for _, e := range m.open {
		out = append(out, e.inc)
	}
	m.mu.Unlock()
	sortIncidents(out)
	return out
}

func sortIncidents(l []ops.Incident) {
	sort.Slice(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.CreatedAt != b.CreatedAt {
			return a.CreatedAt > b.CreatedAt
		}
		if a.Severity.Rank() != b.Severity.Rank() {
			return a.Severity.Rank() < b.Severity.Rank()
		}
		return a.UUID < b.UUID
	})
}

// Counts is what the tray and the header summarise.
type Counts struct {
	Active         int
	Critical       int
	Unacknowledged int // critical incidents not yet acknowledged
}

// Counts returns the current totals.
func (m *Incidents) Counts() Counts {
	m.mu.Lock()
	defer m.mu.Unlock()
	var c Counts
	for u, e := range m.open {
		c.Active++
		if e.inc.Severity == ops.Critical {
			c.Critical++
			if !m.acked[u] {
				c.Unacknowledged++
			}
		}
	}
	return c
}

// Acknowledged reports whether the user acknowledged the incident.
func (m *Incidents) Acknowledged(uuid string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.acked[uuid]
}

// Acknowledge marks one open incident as seen by the user. Acknowledgement
// is local to this app: it only clears the tray's critical mark.
func (m *Incidents) Acknowledge(uuid string) {
	m.mu.Lock()
	_, ok := m.open[uuid]
	if ok {
		m.acked[uuid] = true
	}
	m.mu.Unlock()
	if ok {
		m.changed()
	}
}

// AcknowledgeAll acknowledges every open incident.
func (m *Incidents) AcknowledgeAll() {
	m.mu.Lock()
	for u := range m.open {
		m.acked[u] = true
	}
	m.mu.Unlock()
	m.changed()
}

// Reset forgets everything: for a switch to another server.
func (m *Incidents) Reset() {
	m.mu.Lock()
	m.open, m.gone, m.acked = map[string]*entry{}, map[string]uint64{}, map[string]bool{}
	m.seq++
	m.mu.Unlock()
	m.changed()
}

// Retain drops the open incidents for which keep is false (e.g. those of a
// room just left) and reports how many it dropped.
func (m *Incidents) Retain(keep func(ops.Incident) bool) int {
	m.mu.Lock()
	n := 0
	for u, e := range m.open {
		if !keep(e.inc) {
			delete(m.open, u)
			delete(m.acked, u)
			n++
		}
	}
	m.mu.Unlock()
	if n > 0 {
		m.changed()
	}
	return n
}
