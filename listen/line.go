package listen

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/warpdesk/warpdesk/ops"
)

// The kinds of Line.Event.
const (
	EventOpened       = "opened"
	EventResolved     = "resolved"
	EventAcknowledged = "acknowledged"
)

// Line is one line of stdout: something that happened to an incident. With
// -json it is printed as one JSON object per line, with these field names,
// which are stable; fields marked omitzero are left out when empty.
type Line struct {
	// Event is what happened: "opened", "resolved" or "acknowledged".
	Event string `json:"event"`
	// Time is when it happened: the incident's creation for "opened", the
	// acknowledgement for "acknowledged", when it was seen for
	// "resolved". UTC, RFC 3339.
	Time time.Time `json:"time"`
	// CaughtUp is true when a catch-up revealed it (it happened while
	// not connected, or before the command started), false when it came
	// live.
	CaughtUp bool `json:"caught_up"`
	// Initial is true for the incidents open when the command started
	// (the first catch-up's): not news, the state of things.
	Initial bool `json:"initial,omitzero"`

	UUID     string       `json:"uuid"`
	Severity ops.Severity `json:"severity"`
	Room     string       `json:"room,omitzero"`
	Title    string       `json:"title"`
	Service  string       `json:"service,omitzero"`
	// URL is the incident's page, only when it is an http(s) URL.
	URL         string    `json:"url,omitzero"`
	Description string    `json:"description,omitzero"`
	CreatedAt   time.Time `json:"created_at"`
	// AcknowledgedBy and AcknowledgedAt say who first acknowledged the
	// incident on the server, and when; absent while nobody has.
	AcknowledgedBy string    `json:"acknowledged_by,omitzero"`
	AcknowledgedAt time.Time `json:"acknowledged_at,omitzero"`
}

// newLine describes what happened to in.
func newLine(event string, in ops.Incident, at time.Time, caughtUp bool) Line {
	l := Line{
		Event: event, Time: at.UTC(), CaughtUp: caughtUp,
		UUID: in.UUID, Severity: in.Severity, Room: in.Room, Title: in.Title,
		Service: in.Service, Description: in.Description, CreatedAt: in.Created().UTC(),
		AcknowledgedBy: in.AcknowledgedBy,
	}
	if u, ok := in.Link(); ok {
		l.URL = u
	}
	if in.IsAcknowledged() {
		l.AcknowledgedAt = in.AcknowledgedTime().UTC()
	}
	return l
}

// Human is the line for people, in loc:
//
//	17:31:42 CRITICAL payments Duplicate charges reported for PayPal
//	17:35:10 ACKED    payments Duplicate charges reported for PayPal (by alice)
//	17:40:03 RESOLVED payments Duplicate charges reported for PayPal
//	16:02:11 WARNING  ops      Disk almost full on db-2 (caught up)
//
// Control characters a server sends are replaced, so a line stays one
// line and cannot drive the terminal.
func (l Line) Human(loc *time.Location) string {
	word := strings.ToUpper(string(l.Severity))
	switch l.Event {
	case EventResolved:
		word = "RESOLVED"
	case EventAcknowledged:
		word = "ACKED"
	}
	room := l.Room
	if room == "" {
		room = "-"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %-8s %-8s %s", l.Time.In(loc).Format(time.TimeOnly), word, clean(room), clean(l.Title))
	var notes []string
	if l.AcknowledgedBy != "" && l.Event != EventResolved {
		notes = append(notes, "by "+clean(l.AcknowledgedBy))
	}
	if l.CaughtUp {
		notes = append(notes, "caught up")
	}
	if len(notes) > 0 {
		b.WriteString(" (" + strings.Join(notes, ", ") + ")")
	}
	return b.String()
}

// clean replaces control characters (newlines, escapes) with U+FFFD.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '\uFFFD'
		}
		return r
	}, s)
}

// printer writes Lines to stdout, human or JSON, from any goroutine.
type printer struct {
	mu   sync.Mutex
	w    io.Writer
	json bool
	loc  *time.Location
	min  ops.Severity
}

// print writes l unless its incident is below the minimum severity.
func (p *printer) print(l Line) {
	if !l.Severity.AtLeast(p.min) {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.json {
		b, err := json.Marshal(l)
		if err != nil {
			return // not for these field types
		}
		p.w.Write(append(b, '\n'))
		return
	}
	io.WriteString(p.w, l.Human(p.loc)+"\n")
}

// syncWriter serialises writes to one stream from several goroutines.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(b)
}
