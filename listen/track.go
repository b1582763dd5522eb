package listen

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/warpdesk/warpdesk/store"
)

// tracker turns the store's States and Events into Lines on stdout and
// connection messages on stderr. The store calls it on its one dispatcher
// goroutine, a change's State before its Events, so it needs no lock.
//
// The store has events for incidents that open (live: Opened; from a
// catch-up: Revealed) but not for resolutions and acknowledgements, so
// those are read from the difference between two States. A difference
// that comes with a catch-up (AsOf or Knowledge moved, or a catch-up error
// cleared: only CaughtUp does that while incidents change) is marked as
// caught up: it happened while not connected.
type tracker struct {
	out    *printer
	errw   io.Writer
	loc    *time.Location
	server string
	now    func() time.Time
	// rejected receives the reason once when the server refuses the token.
	rejected chan string

	started   bool
	prev      store.State
	known     map[string]store.Incident
	connected bool // the list was Current once: "connected" said
	said      bool // rejected sent
}

func newTracker(out *printer, errw io.Writer, loc *time.Location, server string) *tracker {
	return &tracker{out: out, errw: errw, loc: loc, server: server, now: time.Now,
		rejected: make(chan string, 1), known: map[string]store.Incident{}}
}

// say writes one connection message to stderr.
func (t *tracker) say(format string, a ...any) {
	fmt.Fprintf(t.errw, "%s "+format+"\n", append([]any{t.now().In(t.loc).Format(time.TimeOnly)}, a...)...)
}

// state compares s with the previous State.
func (t *tracker) state(s store.State) {
	prev := t.prev
	t.prev = s
	if !t.started {
		t.started = true
		t.remember(s)
		return
	}
	caughtUp := !s.AsOf.Equal(prev.AsOf) || s.Knowledge != prev.Knowledge ||
		(prev.CatchUpErr != "" && s.CatchUpErr == "")
	now := t.now()
	seen := make(map[string]bool, len(s.Incidents))
	for _, in := range s.Incidents {
		seen[in.UUID] = true
		old, ok := t.known[in.UUID]
		if ok && !old.IsAcknowledged() && in.IsAcknowledged() {
			t.out.print(newLine(EventAcknowledged, in.Incident, in.AcknowledgedTime(), caughtUp))
		}
	}
	var gone []store.Incident
	for uuid, in := range t.known {
		if !seen[uuid] {
			gone = append(gone, in)
		}
	}
	slices.SortFunc(gone, func(a, b store.Incident) int { return cmp.Compare(a.CreatedAt, b.CreatedAt) })
	for _, in := range gone {
		t.out.print(newLine(EventResolved, in.Incident, now, caughtUp))
	}
	t.remember(s)
	t.link(prev, s)
}

// remember keeps s's incidents for the next comparison.
func (t *tracker) remember(s store.State) {
	clear(t.known)
	for _, in := range s.Incidents {
		t.known[in.UUID] = in
	}
}

// link says what changed about the connection.
func (t *tracker) link(prev, s store.State) {
	if s.Knowledge == store.Current && !t.connected {
		t.connected = true
		t.say("connected to %s: %s open", t.server, count(len(s.Incidents), "incident"))
	}
	if s.CatchUpErr != "" && s.CatchUpErr != prev.CatchUpErr {
		t.say("catch-up failed: %s; retrying", s.CatchUpErr)
	}
	if s.Link == store.LinkRejected && !t.said {
		t.said = true
		t.rejected <- s.Reason
	}
}

// event handles the store's Events.
func (t *tracker) event(ev store.Event, _ store.State) {
	switch e := ev.(type) {
	case store.Opened:
		t.out.print(newLine(EventOpened, e.Incident.Incident, e.Incident.Created(), false))
	case store.Revealed:
		for _, in := range slices.Backward(e.Incidents) { // oldest first
			l := newLine(EventOpened, in.Incident, in.Created(), true)
			l.Initial = e.First
			t.out.print(l)
		}
	case store.LinkLost:
		if e.Link == store.LinkRejected {
			return // said when Run ends
		}
		if e.NeverConnected {
			t.say("cannot connect to %s (%s); retrying", t.server, orUnknown(e.Reason))
			return
		}
		if e.Reason == "" || e.Reason == "connection lost" {
			t.say("connection to %s lost; reconnecting", t.server)
			return
		}
		t.say("connection to %s lost (%s); reconnecting", t.server, e.Reason)
	case store.LinkRestored:
		t.say("reconnected to %s after %s: %s opened meanwhile",
			t.server, e.At.Sub(e.LostAt).Round(time.Second), count(e.NewWhileOffline, "incident"))
	}
}

func orUnknown(reason string) string {
	if reason == "" {
		return "reason unknown"
	}
	return reason
}

// count says "1 incident", "2 incidents".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
