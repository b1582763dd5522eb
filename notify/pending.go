package notify

import (
	"fmt"
	"strings"
	"time"

	"github.com/warpdesk/warpdesk/ops"
)

// maxListed is how many incidents a summary names; the rest are counted.
const maxListed = 4

// pending counts incidents waiting for a summary. Its memory is bounded:
// counts per severity plus the few incidents the summary names, critical
// ones first, so a critical incident is always at least counted and, up to
// maxListed of them, named.
type pending struct {
	total  int
	count  [3]int // by ops.Severity.Rank
	worst  Urgency
	listed []entry
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
	r := inc.Severity.Rank() // valid: engine.incident normalised it
	p.total++
	p.count[r]++
	p.worst = max(p.worst, UrgencyOf(inc.Severity))
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
