package notify

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/warpdesk/warpdesk/ops"
)

// maxListed is how many incidents a summary names; the rest are counted.
const maxListed = 4

// maxTracked is how many incidents of one pending summary are known by
// key, so that one settled meanwhile can be taken out of it (settle).
const maxTracked = 1024

// pending counts incidents waiting for a summary. Its memory is bounded:
// counts per severity plus the few incidents the summary names, critical
// ones first, so a critical incident is always at least counted and, up to
// maxListed of them, named; and the keys of the first maxTracked, so that
// those settled before the summary is shown leave it (past that bound one
// settled stays counted).
type pending struct {
	total  int
	count  [3]int // by ops.Severity.Rank
	worst  Urgency
	listed []entry
	keys   map[string]int // server + "\x00" + UUID → severity rank
}

// pendingKey is the key of the incident uuid of server in pending.keys.
func pendingKey(server, uuid string) string { return server + "\x00" + uuid }

// settle takes the incident uuid of server out of p, if p knows it: it is
// neither counted nor named any more. It reports whether it was.
func (p *pending) settle(server, uuid string) bool {
	k := pendingKey(server, uuid)
	r, ok := p.keys[k]
	if !ok {
		return false
	}
	delete(p.keys, k)
	p.total--
	p.count[r]--
	p.listed = slices.DeleteFunc(p.listed, func(e entry) bool { return e.server == server && e.UUID == uuid })
	p.worst = Low
	for _, sev := range [...]ops.Severity{ops.Critical, ops.Warning, ops.Info} {
		if p.count[sev.Rank()] > 0 {
			p.worst = max(p.worst, UrgencyOf(sev))
		}
	}
	return true
}

// entry is an incident a summary names, with its server's ID and the
// name to show for it ("" when only one server is watched).
type entry struct {
	ops.Incident
	server, name string
}

// critical is ", N critical" when any is, for a summary line.
func (p *pending) critical() string {
	if c := p.count[ops.Critical.Rank()]; c > 0 {
		return fmt.Sprintf(", %d critical", c)
	}
	return ""
}

// lines are the body lines of a summary: one per listed incident, most
// severe first, and "and N more". With a non-zero now, a line says how old
// an incident is when it is old (see oldAfter): catch-up finds incidents
// opened long ago, and the user must not take them for new ones.
func (p *pending) lines(now time.Time) []string {
	lines := make([]string, 0, len(p.listed)+1)
	for _, inc := range p.listed {
		title := inc.Title
		if title == "" {
			title = "New incident"
		}
		l := inc.Severity.Label() + ": " + title
		var notes []string
		if inc.name != "" {
			notes = append(notes, inc.name)
		}
		if inc.Room != "" {
			notes = append(notes, inc.Room)
		}
		if ago, old := age(inc.Incident, now); old && !now.IsZero() {
			notes = append(notes, "opened "+ago)
		}
		if len(notes) > 0 {
			l += " (" + strings.Join(notes, ", ") + ")"
		}
		lines = append(lines, l)
	}
	if more := p.total - len(p.listed); more > 0 {
		lines = append(lines, fmt.Sprintf("and %d more", more))
	}
	return lines
}

// add counts inc, of server (its ID), shown as name ("" names none).
func (p *pending) add(inc ops.Incident, server, name string) {
	k := pendingKey(server, inc.UUID)
	if _, ok := p.keys[k]; ok {
		return // counted already
	}
	r := inc.Severity.Rank() // valid: engine.incident normalised it
	p.total++
	p.count[r]++
	p.worst = max(p.worst, UrgencyOf(inc.Severity))
	if inc.UUID != "" && len(p.keys) < maxTracked {
		if p.keys == nil {
			p.keys = make(map[string]int)
		}
		p.keys[k] = r
	}
	// Keep only what the summary shows: server text is unbounded.
	inc = ops.Incident{
		UUID: inc.UUID, Severity: inc.Severity, CreatedAt: inc.CreatedAt,
		Title: cleanLine(inc.Title, 60), Room: cleanLine(inc.Room, 30),
	}
	in := entry{Incident: inc, server: server, name: cleanLine(name, 30)}
	if len(p.listed) < maxListed {
		p.listed = append(p.listed, in)
	} else {
		// Replace the last listed incident that is less severe.
		for i := len(p.listed) - 1; i >= 0; i-- {
			if p.listed[i].Severity.Rank() > r {
				copy(p.listed[i:], p.listed[i+1:])
				p.listed[len(p.listed)-1] = in
				break
			}
		}
	}
	// Most severe first, arrival order within a level (insertion sort: ≤ 4).
	for i := len(p.listed) - 1; i > 0 && p.listed[i].Severity.Rank() < p.listed[i-1].Severity.Rank(); i-- {
		p.listed[i], p.listed[i-1] = p.listed[i-1], p.listed[i]
	}
}

// recent remembers the last n UUIDs in a ring, so duplicate detection costs
// bounded memory however long the app runs.
type recent struct {
	ring []string
	next int
	set  map[string]struct{}
}

func newRecent(n int) *recent {
	return &recent{ring: make([]string, n), set: make(map[string]struct{}, n)}
}

// add records id and reports whether it was new.
func (r *recent) add(id string) bool {
	if _, ok := r.set[id]; ok {
		return false
	}
	if old := r.ring[r.next]; old != "" {
		delete(r.set, old)
	}
	r.ring[r.next] = id
	r.set[id] = struct{}{}
	r.next = (r.next + 1) % len(r.ring)
	return true
}
