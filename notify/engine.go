package notify

import (
	"fmt"
	"time"
)

// engine is the notifier's whole decision state: rules, duplicate memory,
// the burst window and the outage debounce. It does no I/O and reads no
// clock; every method takes "now". The Notifier guards it with a mutex and
// feeds it from the caller's goroutine (incidents, connection events) and
// from its delivery goroutine (next, deadline). That split is what lets the
// policy be tested with a fake clock in microseconds.
type engine struct {
	rules   Rules
	window  time.Duration
	burst   int
	icon    []byte
	appName string

	seen *recent

	// Burst window: it opens with the first incident shown after a quiet
	// spell and lasts `window`; the first `burst` incidents in it notify
	// one by one, the rest wait in pend for one summary at its end.
	windowEnd time.Time
	sent      int
	outbox    []Notification // decided, not yet taken by the delivery goroutine; len ≤ burst
	pend      pending

	// Silence digest: what a pause or quiet hours kept silent, for one
	// notification when the silence ends, so that resuming never hides
	// what arrived meanwhile. Bounded like pend.
	held    pending
	heldWhy silence

	// Delivery retry: a notification the Deliverer refused is tried again
	// after retryDelays, ahead of everything else, and nothing else is
	// delivered meanwhile (a notification server that is restarting
	// refuses them all; incidents coalesce into the summary while it does).
	retry    retry
	inFlight int // failures so far of the notification next last returned

	out outage
}

// retry is a refused notification waiting for its next attempt.
type retry struct {
	note     Notification
	failures int
	at       time.Time // zero: nothing waiting
}

// retryDelays are the waits before the second, third and fourth attempt to
// deliver one notification; after the fourth failure it is dropped.
var retryDelays = [...]time.Duration{2 * time.Second, 10 * time.Second, 30 * time.Second}

// silence records why incidents were held for the digest.
type silence uint8

const (
	silencePaused silence = 1 << iota
	silenceQuiet
)

// silenceOf is the silence behind decision d; zero for any other reason.
func silenceOf(d Decision) silence {
	switch d {
	case Paused:
		return silencePaused
	case Quiet:
		return silenceQuiet
	}
	return 0
}

func newEngine(o Options) *engine {
	return &engine{
		window:  o.Window,
		burst:   o.Burst,
		icon:    o.Icon,
		appName: o.AppName,
		seen:    newRecent(o.Remember),
	}
}

// incident decides what to do with inc at now.
func (e *engine) incident(inc Incident, now time.Time) Decision {
	if inc.UUID != "" && !e.seen.add(inc.UUID) {
		return Duplicate
	}
	if d := e.rules.Check(inc, now); d != Notify {
		if why := silenceOf(d); why != 0 && e.rules.unsilenced().Check(inc, now) == Notify {
			e.held.add(inc)
			e.heldWhy |= why
		}
		return d
	}
	if e.windowEnd.IsZero() || !now.Before(e.windowEnd) {
		e.windowEnd = now.Add(e.window)
		e.sent = 0
	}
	// The outbox check keeps memory bounded when the deliverer is slow:
	// what cannot be shown yet is counted for the summary instead.
	if e.sent < e.burst && len(e.outbox) < e.burst {
		e.sent++
		e.outbox = append(e.outbox, e.single(inc, now))
		return Notify
	}
	e.pend.add(inc)
	return Coalesced
}

// next returns the next notification due at now, if any: decided single
// notifications first, then the digest of a silence that has ended, then
// the burst summary once its window has ended, then the outage notice once
// it is due.
func (e *engine) next(now time.Time) (Notification, bool) {
	if !e.retry.at.IsZero() {
		if now.Before(e.retry.at) {
			return Notification{}, false
		}
		n := e.retry.note
		e.inFlight, e.retry = e.retry.failures, retry{}
		return n, true
	}
	e.inFlight = 0
	if n, ok := e.takeOutbox(); ok {
		return n, true
	}
	if e.held.total > 0 && !e.rules.silenced(now) {
		n := e.digest()
		e.held, e.heldWhy = pending{}, 0
		return n, true
	}
	if e.pend.total > 0 && !now.Before(e.windowEnd) {
		n := e.summary(now)
		e.pend = pending{}
		// A summary closes the window: while a storm lasts, everything
		// goes into the next summary, one per window.
		e.windowEnd = now.Add(e.window)
		e.sent = e.burst
		return n, true
	}
	if !e.out.due.IsZero() && !now.Before(e.out.due) {
		if now.Sub(e.out.due) > lateSlack {
			// The deadline timer runs on the monotonic clock, which stops
			// during suspend on Linux, while now is wall-clock time: a
			// deadline passed this long ago means the machine slept and
			// nobody called SetAwake. Count the outage from now.
			e.out.base = now
			e.out.reschedule(e.rules)
			return Notification{}, false
		}
		e.out.due = time.Time{}
		e.out.noticed = true
		if e.rules.Paused(now) || e.rules.QuietHours.Contains(now) {
			return Notification{}, false // a tray state, not a nag: the user asked for silence
		}
		return e.outageNotice(now), true
	}
	return Notification{}, false
}

// failed records that the notification next last returned, n, could not be
// delivered at now. It reports how long until the next attempt, or false
// when n has had all its attempts and is dropped.
func (e *engine) failed(n Notification, now time.Time) (time.Duration, bool) {
	f := e.inFlight + 1
	if f > len(retryDelays) {
		return 0, false
	}
	d := retryDelays[f-1]
	e.retry = retry{note: n, failures: f, at: now.Add(d)}
	return d, true
}

// takeOutbox pops the oldest decided single notification.
func (e *engine) takeOutbox() (Notification, bool) {
	if len(e.outbox) == 0 {
		return Notification{}, false
	}
	n := e.outbox[0]
	e.outbox[0] = Notification{}
	e.outbox = e.outbox[1:]
	return n, true
}

// deadline is when next may next have something without any new input, as
// seen at now; zero when nothing is waiting. The end of a silence is a wall
// clock time: the Notifier is also poked on wake-up, when a timer on the
// monotonic clock would be late.
func (e *engine) deadline(now time.Time) time.Time {
	if !e.retry.at.IsZero() {
		return e.retry.at // nothing else goes before it
	}
	var d time.Time
	if e.pend.total > 0 {
		d = e.windowEnd
	}
	if e.held.total > 0 {
		if end := e.rules.silenceEnd(now); !end.IsZero() && (d.IsZero() || end.Before(d)) {
			d = end
		}
	}
	if due := e.out.due; !due.IsZero() && (d.IsZero() || due.Before(d)) {
		d = due
	}
	return d
}

func (e *engine) setRules(r Rules) {
	e.rules = r.clone()
	e.out.reschedule(e.rules)
}

// single composes the notification for one incident: summary "Severity:
// Title", body "room · time".
func (e *engine) single(inc Incident, now time.Time) Notification {
	title := cleanLine(inc.Title, MaxSummaryRunes)
	if title == "" {
		title = "New incident"
	}
	at := inc.CreatedAt
	if at.IsZero() {
		at = now
	}
	body := stamp(at, now)
	if room := cleanLine(inc.Room, 60); room != "" {
		body = room + " · " + body
	}
	return Notification{
		Summary: truncate(inc.Severity.Label()+": "+title, MaxSummaryRunes),
		Body:    truncate(body, MaxBodyRunes),
		Urgency: inc.Severity.Urgency(),
		Icon:    e.icon,
		ID:      inc.UUID,
	}
}

// stamp formats at for a body: "14:02", or "Jan 2 14:02" when at is not on
// now's calendar day, in now's location.
func stamp(at, now time.Time) string {
	at = at.In(now.Location())
	ay, am, ad := at.Date()
	ny, nm, nd := now.Date()
	if ay == ny && am == nm && ad == nd {
		return at.Format("15:04")
	}
	return at.Format("Jan 2 15:04")
}

// summary composes the notification for everything pending. A lone pending
// incident gets its ordinary notification.
func (e *engine) summary(now time.Time) Notification {
	p := &e.pend
	if p.total == 1 && len(p.listed) == 1 {
		return e.single(p.listed[0], now)
	}
	return Notification{
		Summary: fmt.Sprintf("%d new incidents", p.total) + p.critical(),
		Body:    cleanText(p.lines(), MaxBodyRunes),
		Urgency: Urgency(p.worst),
		Icon:    e.icon,
		Tag:     "summary",
	}
}

// digest composes the one notification for what a silence held: "5
// incidents while notifications were paused, 1 critical", naming the most
// severe. Its urgency is the worst held incident's, so a critical incident
// that arrived during a pause stays on screen after it.
func (e *engine) digest() Notification {
	p := &e.held
	noun := "incidents"
	if p.total == 1 {
		noun = "incident"
	}
	when := "while notifications were silenced"
	switch e.heldWhy {
	case silencePaused:
		when = "while notifications were paused"
	case silenceQuiet:
		when = "during quiet hours"
	}
	return Notification{
		Summary: fmt.Sprintf("%d %s %s", p.total, noun, when) + p.critical(),
		Body:    cleanText(p.lines(), MaxBodyRunes),
		Urgency: Urgency(p.worst),
		Icon:    e.icon,
		Tag:     "digest",
	}
}

func (e *engine) outageNotice(now time.Time) Notification {
	return Notification{
		Summary: cleanLine(e.appName+" is offline", MaxSummaryRunes),
		Body: truncate(fmt.Sprintf("No connection to the server since %s. New incidents cannot arrive until it is back; %s keeps trying.",
			stamp(e.out.since, now), e.appName), MaxBodyRunes),
		Urgency: Normal,
		Icon:    e.icon,
		Tag:     "connection",
	}
}

// lateSlack is how late past its due time the outage notice may be
// raised; later than that, the machine must have slept.
const lateSlack = time.Minute

// maxListed is how many incidents a summary names; the rest are counted.
const maxListed = 4

// pending counts incidents waiting for a summary. Its memory is bounded:
// counts per severity plus the few incidents the summary names, critical
// ones first, so a critical incident is always at least counted and, up to
// maxListed of them, named.
type pending struct {
	total  int
	count  [3]int
	worst  int
	listed []Incident
}

// critical is ", N critical" when any is, for a summary line.
func (p *pending) critical() string {
	if c := p.count[SeverityCritical.rank()]; c > 0 {
		return fmt.Sprintf(", %d critical", c)
	}
	return ""
}

// lines are the body lines of a summary: one per listed incident, most
// severe first, and "and N more".
func (p *pending) lines() []string {
	lines := make([]string, 0, len(p.listed)+1)
	for _, inc := range p.listed {
		title := inc.Title
		if title == "" {
			title = "New incident"
		}
		l := inc.Severity.Label() + ": " + title
		if inc.Room != "" {
			l += " (" + inc.Room + ")"
		}
		lines = append(lines, l)
	}
	if more := p.total - len(p.listed); more > 0 {
		lines = append(lines, fmt.Sprintf("and %d more", more))
	}
	return lines
}

func (p *pending) add(inc Incident) {
	r := inc.Severity.rank()
	p.total++
	p.count[r]++
	p.worst = max(p.worst, r)
	// Keep only what the summary shows: server text is unbounded.
	inc.Title, inc.Room = cleanLine(inc.Title, 60), cleanLine(inc.Room, 30)
	if len(p.listed) < maxListed {
		p.listed = append(p.listed, inc)
	} else {
		// Replace the last listed incident that is less severe.
		for i := len(p.listed) - 1; i >= 0; i-- {
			if p.listed[i].Severity.rank() < r {
				copy(p.listed[i:], p.listed[i+1:])
				p.listed[len(p.listed)-1] = inc
				break
			}
		}
	}
	// Most severe first, arrival order within a level (insertion sort: ≤ 4).
	for i := len(p.listed) - 1; i > 0 && p.listed[i].Severity.rank() > p.listed[i-1].Severity.rank(); i-- {
		p.listed[i], p.listed[i-1] = p.listed[i-1], p.listed[i]
	}
}

// outage debounces the connection notice: it is due OutageNotice after the
// connection went down, or after the machine woke if that is later, and is
// raised at most once per outage. Nothing is due while asleep.
type outage struct {
	down    bool
	asleep  bool
	since   time.Time // when the connection went down
	base    time.Time // when the debounce started: since, or the last wake
	due     time.Time // zero: nothing scheduled
	noticed bool      // the notice for this outage was raised or suppressed
}

func (o *outage) lost(at time.Time, r Rules) {
	if o.down {
		return
	}
	*o = outage{down: true, asleep: o.asleep, since: at, base: at}
	o.reschedule(r)
}

func (o *outage) restored() { *o = outage{asleep: o.asleep} }

func (o *outage) setAwake(awake bool, at time.Time, r Rules) {
	o.asleep = !awake
	if awake && o.down {
		o.base = at // a loss around sleep counts from the wake-up
	}
	o.reschedule(r)
}

func (o *outage) reschedule(r Rules) {
	o.due = time.Time{}
	if !o.down || o.asleep || o.noticed || r.outageNotice() < 0 {
		return
	}
	o.due = o.base.Add(r.outageNotice())
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
