package store

import (
	"slices"
	"sort"

	"github.com/warpdesk/warpdesk/ops"
)

// incidents is the set of open incidents, keyed by uuid. It merges two
// sources that race each other — the live stream (incident.created /
// incident.resolved) and the HTTP catch-up snapshot — so that nothing is
// shown twice, a resolved incident leaves, and an incident missed while
// offline appears.
//
// A snapshot is the server's truth at some instant between BeginCatchUp and
// CaughtUp. Live events seen in that window are newer than (or as new as)
// the snapshot, so the merge keeps them: an incident created live during
// the fetch stays even if the snapshot lacks it, and one resolved live
// during the fetch stays gone even if the snapshot still lists it.
// Everything else follows the snapshot, which also drops incidents that
// were resolved while we were not listening.
//
// It is not safe for concurrent use: the Store owns it under its lock.
// list is rebuilt copy-on-write, so a published slice is never modified.
type incidents struct {
	open map[string]*entry
	list []Incident        // newest first; replaced, never modified
	seq  uint64            // bumped on every live event
	gone map[string]uint64 // uuid → seq of its live resolution (tombstones)
	max  int               // most open incidents kept
}

type entry struct {
	inc Incident
	seq uint64 // seq of the live event that added it; 0 when from a snapshot
}

// maxTombstones bounds the memory of resolutions kept for in-flight
// snapshots.
const maxTombstones = 4096

func newIncidents(max int) incidents {
	return incidents{open: map[string]*entry{}, gone: map[string]uint64{}, max: max}
}

// before is the list's order: newest first; at the same instant critical
// first, then by uuid, so the order is total and stable.
func before(a, b *ops.Incident) bool {
	if a.CreatedAt != b.CreatedAt {
		return a.CreatedAt > b.CreatedAt
	}
	if ra, rb := a.Severity.Rank(), b.Severity.Rank(); ra != rb {
		return ra < rb
	}
	return a.UUID < b.UUID
}

// index returns where in is, or would go, in the list.
func (m *incidents) index(in *ops.Incident) (int, bool) {
	i := sort.Search(len(m.list), func(i int) bool { return !before(&m.list[i].Incident, in) })
	return i, i < len(m.list) && m.list[i].UUID == in.UUID
}

// put adds or replaces one incident in the list (copy-on-write, one
// exact-size copy per change).
func (m *incidents) put(old *Incident, in Incident) {
	if old != nil {
		m.drop(old)
	}
	i, _ := m.index(&in.Incident)
	l := make([]Incident, len(m.list)+1)
	copy(l, m.list[:i])
	l[i] = in
	copy(l[i+1:], m.list[i:])
	m.list = l
}

// drop removes one incident from the list (copy-on-write).
func (m *incidents) drop(in *Incident) {
	if i, ok := m.index(&in.Incident); ok {
		m.removeAt(i)
	}
}

func (m *incidents) removeAt(i int) {
	l := make([]Incident, len(m.list)-1)
	copy(l, m.list[:i])
	copy(l[i:], m.list[i+1:])
	m.list = l
}

// created records a live incident.created (already valid). It reports
// whether the incident is new (not already shown); a repeated uuid replaces
// the shown one and keeps its acknowledgement.
func (m *incidents) created(in ops.Incident) (isNew bool) {
	m.seq++
	delete(m.gone, in.UUID)
	e, had := m.open[in.UUID]
	if had {
		old := e.inc
		e.inc.Incident, e.seq = in, m.seq
		m.put(&old, e.inc)
		return false
	}
	m.evict()
	e = &entry{inc: Incident{Incident: in}, seq: m.seq}
	m.open[in.UUID] = e
	m.put(nil, e.inc)
	return true
}

// evict makes room for one more incident when the set is full: the least
// important goes (lowest severity, then oldest), so a flood of noise cannot
// push a critical out.
func (m *incidents) evict() {
	if len(m.open) < m.max || len(m.list) == 0 {
		return
	}
	worst := 0
	for i := range m.list {
		a, w := &m.list[i], &m.list[worst]
		if a.Severity.Rank() > w.Severity.Rank() || (a.Severity.Rank() == w.Severity.Rank() && a.CreatedAt <= w.CreatedAt) {
			worst = i
		}
	}
	delete(m.open, m.list[worst].UUID)
	m.removeAt(worst)
}

// serverAck records who acknowledged an open incident on the server (the
// first acknowledgement wins, as ops.Incident.AcknowledgedBy says). It
// reports whether anything changed.
func (m *incidents) serverAck(a ops.Acknowledgement) bool {
	e, ok := m.open[a.UUID]
	if !ok || e.inc.AcknowledgedBy != "" {
		return false
	}
	old := e.inc
	e.inc.AcknowledgedBy, e.inc.AcknowledgedAt = a.By, a.At
	m.put(&old, e.inc)
	return true
}

// resolved records a live incident.resolved. It reports whether the
// incident was shown.
func (m *incidents) resolved(uuid string) (was bool) {
	m.seq++
	e, was := m.open[uuid]
	if was {
		delete(m.open, uuid)
		m.drop(&e.inc)
	}
	m.gone[uuid] = m.seq
	if len(m.gone) > maxTombstones {
		m.prune()
	}
	return was
}

// prune drops the older half of the tombstones.
func (m *incidents) prune() {
	seqs := make([]uint64, 0, len(m.gone))
	for _, s := range m.gone {
		seqs = append(seqs, s)
	}
	slices.Sort(seqs)
	cut := seqs[len(seqs)/2]
	for u, s := range m.gone {
		if s < cut {
			delete(m.gone, u)
		}
	}
}

// merge applies a catch-up snapshot (already cleaned: valid, no duplicate
// uuid) fetched since seq began (see the type's doc) and returns the
// incidents it added that were not shown before, newest first.
func (m *incidents) merge(since uint64, list []ops.Incident) (added []Incident) {
	next := make(map[string]*entry, len(list))
	for _, in := range list {
		if s, ok := m.gone[in.UUID]; ok && s > since {
			continue // resolved live after the fetch began
		}
		e, ok := m.open[in.UUID]
		switch {
		case ok && e.seq > since:
			next[in.UUID] = e // created (or updated) live after the fetch began
		case ok:
			next[in.UUID] = &entry{inc: Incident{Incident: in, Acked: e.inc.Acked}}
		default:
			n := &entry{inc: Incident{Incident: in}}
			next[in.UUID] = n
			added = append(added, n.inc)
		}
	}
	for u, e := range m.open {
		if _, ok := next[u]; !ok && e.seq > since {
			next[u] = e // live news the snapshot could not know yet
		}
	}
	m.open = next
	m.rebuild()
	sort.Slice(added, func(i, j int) bool { return before(&added[i].Incident, &added[j].Incident) })
	// An incident the size bound evicted is not news.
	added = slices.DeleteFunc(added, func(in Incident) bool { return m.open[in.UUID] == nil })
	return added
}

// rebuild makes the list from the map, trimmed to max.
func (m *incidents) rebuild() {
	l := make([]Incident, 0, len(m.open))
	for _, e := range m.open {
		l = append(l, e.inc)
	}
	sort.Slice(l, func(i, j int) bool { return before(&l[i].Incident, &l[j].Incident) })
	if len(l) > m.max {
		// Keep the most important: by severity, then newest.
		sort.SliceStable(l, func(i, j int) bool { return l[i].Severity.Rank() < l[j].Severity.Rank() })
		for _, in := range l[m.max:] {
			delete(m.open, in.UUID)
		}
		l = l[:m.max]
		sort.Slice(l, func(i, j int) bool { return before(&l[i].Incident, &l[j].Incident) })
	}
	m.list = l
}

// acknowledge marks the open incidents for which pick is true as
// acknowledged; it reports how many changed.
func (m *incidents) acknowledge(pick func(*Incident) bool) int {
	n := 0
	for _, e := range m.open {
		if !e.inc.Acked && pick(&e.inc) {
			e.inc.Acked = true
			n++
		}
	}
	if n > 0 {
		m.rebuild()
	}
	return n
}

// retain drops the open incidents for which keep is false; it reports how
// many it dropped.
func (m *incidents) retain(keep func(ops.Incident) bool) int {
	n := 0
	for u, e := range m.open {
		if !keep(e.inc.Incident) {
			delete(m.open, u)
			n++
		}
	}
	if n > 0 {
		m.rebuild()
	}
	return n
}
