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
	server string // Incident.Server of every incident here
	open   map[string]*entry
	list   []Incident        // newest first; replaced, never modified
	crit   int               // how many in list are critical
	seq    uint64            // bumped on every live event
	gone   map[string]uint64 // uuid → seq of its live resolution (tombstones)
	max    int               // most open incidents kept
}

type entry struct {
	inc Incident
	seq uint64 // seq of the live event that added it; 0 when from a snapshot
}

// maxTombstones bounds the memory of resolutions kept for in-flight
// snapshots.
const maxTombstones = 4096

func newIncidents(server string, max int) incidents {
	return incidents{server: server, open: map[string]*entry{}, gone: map[string]uint64{}, max: max}
}

// critical is 1 for a critical incident, else 0: what it adds to crit.
func critical(in *Incident) int {
	if in.Severity == ops.Critical {
		return 1
	}
	return 0
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
	m.crit += critical(&in)
}

// update replaces e's incident with in, which sorts the same (only its
// acknowledgement differs): one copy of the list.
func (m *incidents) update(e *entry, in Incident) {
	i, ok := m.index(&e.inc.Incident)
	e.inc = in
	if !ok { // not listed: cannot happen, but never lose it
		m.rebuild()
		return
	}
	l := slices.Clone(m.list)
	l[i] = in
	m.list = l
}

// drop removes one incident from the list (copy-on-write).
func (m *incidents) drop(in *Incident) {
	if i, ok := m.index(&in.Incident); ok {
		m.removeAt(i)
	}
}

func (m *incidents) removeAt(i int) {
	m.crit -= critical(&m.list[i])
	l := make([]Incident, len(m.list)-1)
	copy(l, m.list[:i])
	copy(l[i:], m.list[i+1:])
	m.list = l
}

// created records a live incident.created (already valid) and returns it
// as listed. It reports whether the incident is new (not already shown); a
// repeated uuid replaces the shown one and keeps its acknowledgements (the
// server's first one too, when the repeat lacks it). firstAck reports a
// repeat that brings the server's first acknowledgement (which ends
// AckPending and AckErr, as incident.acknowledged does).
func (m *incidents) created(in ops.Incident) (_ Incident, isNew, firstAck bool) {
	m.seq++
	delete(m.gone, in.UUID)
	e, had := m.open[in.UUID]
	if had {
		old := e.inc
		e.inc.Incident, e.seq = keepAck(in, old.Incident), m.seq
		if firstAck = old.AcknowledgedBy == "" && e.inc.AcknowledgedBy != ""; firstAck {
			e.inc.AckPending, e.inc.AckErr = false, ""
		}
		m.put(&old, e.inc)
		return e.inc, false, firstAck
	}
	m.evict()
	e = &entry{inc: Incident{Incident: in, Server: m.server}, seq: m.seq}
	m.open[in.UUID] = e
	m.put(nil, e.inc)
	return e.inc, true, false
}

// keepAck returns in with old's server acknowledgement when in has none:
// the first acknowledgement wins and is never undone.
func keepAck(in, old ops.Incident) ops.Incident {
	if in.AcknowledgedBy == "" && old.AcknowledgedBy != "" {
		in.AcknowledgedBy, in.AcknowledgedAt = old.AcknowledgedBy, old.AcknowledgedAt
	}
	return in
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
// first acknowledgement wins, as ops.Incident.AcknowledgedBy says); any
// acknowledgement ends this desktop's AckPending and AckErr. It reports
// whether anything changed and whether this was the first acknowledgement
// (then in is the incident as it is now).
func (m *incidents) serverAck(a ops.Acknowledgement) (changed, first bool, in Incident) {
	e, ok := m.open[a.UUID]
	if !ok {
		return false, false, Incident{}
	}
	in = e.inc
	if in.AcknowledgedBy == "" {
		in.AcknowledgedBy, in.AcknowledgedAt, first = a.By, a.At, true
	}
	in.AckPending, in.AckErr = false, ""
	if in == e.inc {
		return false, false, in
	}
	m.update(e, in)
	return true, first, in
}

// resolved records a live incident.resolved. It reports whether the
// incident was shown, and returns it as it was.
func (m *incidents) resolved(uuid string) (_ Incident, was bool) {
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
	if !was {
		return Incident{}, false
	}
	return e.inc, true
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

// merged is what a snapshot changed, besides the list: the incidents
// shown that were not before (newest first), and those that settled while
// nobody listened — acknowledged first by the snapshot (as they are now)
// and no longer listed, so resolved (as they were) — in the list's order.
type merged struct {
	added, acked, gone []Incident
}

// merge applies a catch-up snapshot (already cleaned: valid, no duplicate
// uuid) fetched since seq began (see the type's doc).
func (m *incidents) merge(since uint64, list []ops.Incident) (r merged) {
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
			n := e.inc
			n.Incident = keepAck(in, e.inc.Incident)
			if n.AcknowledgedBy != "" {
				n.AckPending, n.AckErr = false, ""
				if e.inc.AcknowledgedBy == "" {
					r.acked = append(r.acked, n)
				}
			}
			next[in.UUID] = &entry{inc: n}
		default:
			n := &entry{inc: Incident{Incident: in, Server: m.server}}
			next[in.UUID] = n
			r.added = append(r.added, n.inc)
		}
	}
	for u, e := range m.open {
		switch _, ok := next[u]; {
		case ok:
		case e.seq > since:
			next[u] = e // live news the snapshot could not know yet
		default:
			r.gone = append(r.gone, e.inc) // resolved while nobody listened
		}
	}
	m.open = next
	m.rebuild()
	// An incident the size bound evicted is not news.
	r.added = slices.DeleteFunc(r.added, func(in Incident) bool { return m.open[in.UUID] == nil })
	for _, l := range [][]Incident{r.added, r.acked, r.gone} {
		sort.Slice(l, func(i, j int) bool { return before(&l[i].Incident, &l[j].Incident) })
	}
	return r
}

// rebuild makes the list from the map, trimmed to max.
func (m *incidents) rebuild() {
	l := make([]Incident, 0, len(m.open))
	m.crit = 0
	for _, e := range m.open {
		l = append(l, e.inc)
		m.crit += critical(&e.inc)
	}
	sort.Slice(l, func(i, j int) bool { return before(&l[i].Incident, &l[j].Incident) })
	if len(l) > m.max {
		// Keep the most important: by severity, then newest.
		sort.SliceStable(l, func(i, j int) bool { return l[i].Severity.Rank() < l[j].Severity.Rank() })
		for i := range l[m.max:] {
			delete(m.open, l[m.max+i].UUID)
			m.crit -= critical(&l[m.max+i])
		}
		l = l[:m.max]
		sort.Slice(l, func(i, j int) bool { return before(&l[i].Incident, &l[j].Incident) })
	}
	m.list = l
}

// acknowledge marks the open incidents for which pick is true as
// acknowledged here (Acked); it reports how many changed. The order does
// not change: one copy of the list, no sort.
func (m *incidents) acknowledge(pick func(*Incident) bool) int {
	var l []Incident
	n := 0
	for i := range m.list {
		if m.list[i].Acked || !pick(&m.list[i]) {
			continue
		}
		if l == nil {
			l = slices.Clone(m.list)
		}
		l[i].Acked = true
		if e := m.open[l[i].UUID]; e != nil {
			e.inc = l[i]
		}
		n++
	}
	if n > 0 {
		m.list = l
	}
	return n
}

// mark changes this desktop's acknowledgement state of the open incident
// uuid with f; it reports whether anything changed.
func (m *incidents) mark(uuid string, f func(*Incident)) bool {
	e, ok := m.open[uuid]
	if !ok {
		return false
	}
	in := e.inc
	f(&in)
	if in == e.inc {
		return false
	}
	m.update(e, in)
	return true
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
