package notify

import (
	"time"

	"github.com/warpdesk/warpdesk/ops"
)

// engine is the notifier's whole decision state: rules, duplicate memory
// (per server), the burst window, the outage debounce of each server and
// the re-alerts. It does no I/O and reads no
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

	// Outages, one debounce per server (ServerState.ID; "" with one
	// server); asleep is the machine's state, which every one shares.
	outs   map[string]*outage
	asleep bool

	// servers are the servers watched (SetServers); notifications name
	// the server when there are more than one. listed is true once a
	// list named any server.
	servers []Server
	listed  bool

	// re are the critical incidents that nobody acknowledged yet, for
	// Rules.ReAlert.
	re reAlerts
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
		outs:    map[string]*outage{},
	}
}

// incident decides what to do with inc, of server, at now.
func (e *engine) incident(server string, inc ops.Incident, now time.Time) Decision {
	inc, d := e.filter(server, inc, now)
	if d != Notify {
		return d
	}
	return e.admit(server, inc, now)
}

// filter normalises inc and applies duplicates, acknowledgements and the
// rules: Notify, or the reason it stays silent (a silenced one is held for
// the digest). A critical one that would notify but for a silence or a
// mute is watched for re-alerts (a muted one re-alerts once unmuted, from
// the next interval: see setRules). So is a duplicate one, which is not
// notified again: it settled by leaving the list (its room left, its
// server removed) and is back, still unacknowledged.
func (e *engine) filter(server string, inc ops.Incident, now time.Time) (ops.Incident, Decision) {
	inc.Severity = severity(inc.Severity)
	dup := inc.UUID != "" && !e.seen.add(server+"\x00"+inc.UUID)
	switch {
	case inc.IsAcknowledged() && dup:
		return inc, Duplicate
	case inc.IsAcknowledged():
		return inc, Acknowledged
	}
	d := e.rules.Check(server, inc, now)
	loud := d == Notify
	if why := silenceOf(d); why != 0 && e.rules.unsilenced().Check(server, inc, now) == Notify {
		if !dup {
			e.held.add(inc, server, e.label(server))
			e.heldWhy |= why
		}
		loud = true
	}
	if inc.Severity == ops.Critical && inc.UUID != "" &&
		(loud || e.rules.unsilenced().unmuted().Check(server, inc, now) == Notify) {
		e.re.watch(server, inc, now, e.rules)
	}
	if dup {
		return inc, Duplicate
	}
	return inc, d
}

// admit applies the burst window to an incident that notifies.
func (e *engine) admit(server string, inc ops.Incident, now time.Time) Decision {
	if e.windowEnd.IsZero() || !now.Before(e.windowEnd) {
		e.windowEnd = now.Add(e.window)
		e.sent = 0
	}
	// The outbox check keeps memory bounded when the deliverer is slow:
	// what cannot be shown yet is counted for the summary instead.
	if e.sent < e.burst && len(e.outbox) < e.burst {
		e.sent++
		e.outbox = append(e.outbox, e.single(server, inc, now))
		return Notify
	}
	e.pend.add(inc, server, e.label(server))
	return Coalesced
}

// revealed takes what a catch-up of server found at now. Those that pass
// the duplicates, the acknowledgements and the rules notify one by one
// when they are few (Burst at most), else as one summary; while the
// server's outage notice is up they wait for the recovery notice instead,
// which replaces it.
func (e *engine) revealed(server string, found []ops.Incident, now time.Time) {
	var news pending
	target := &news
	if o := e.outs[server]; o != nil && o.down && o.shown {
		target = &o.news
	}
	few := make([]ops.Incident, 0, e.burst)
	for _, inc := range found {
		inc, d := e.filter(server, inc, now)
		if d != Notify {
			continue
		}
		target.add(inc, server, e.label(server))
		if len(few) < e.burst {
			few = append(few, inc)
		}
	}
	switch {
	case target != &news || news.total == 0:
	case news.total <= e.burst:
		for _, inc := range few {
			e.admit(server, inc, now)
		}
	default:
		e.enqueue(e.catchUp(server, &news, now))
	}
}

// enqueue adds a composed notification to the outbox; one with the same
// tag still waiting there is replaced, which keeps the outbox bounded.
func (e *engine) enqueue(n Notification) {
	for i := range e.outbox {
		if n.Tag != "" && e.outbox[i].Tag == n.Tag {
			e.outbox[i] = n
			return
		}
	}
	e.outbox = append(e.outbox, n)
}

// next returns the next notification due at now, if any: decided single
// notifications first, then the re-alerts due, then the digest of a
// silence that has ended, then the burst summary once its window has
// ended, then an outage notice once it is due.
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
	if e.reAlert(now) {
		return e.takeOutbox()
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
	return e.outageDue(now)
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
	for _, o := range e.outs {
		if due := o.due; !due.IsZero() && (d.IsZero() || due.Before(d)) {
			d = due
		}
	}
	if due := e.re.next(e.rules); !due.IsZero() && (d.IsZero() || due.Before(d)) {
		d = due
	}
	return d
}

// settled takes the incident uuid of server out of everything still to
// come: its re-alerts stop, and the burst summary, the silence digest and
// an outage's recovery notice no longer count or name it (they say what is
// still open; one with nothing left is not shown). Its notification
// waiting to be retried after a refusal is dropped; one decided already
// (in the outbox, taken at once by the delivery goroutine) is delivered,
// as Close delivers it, and withdrawn with the rest (System.Withdraw).
func (e *engine) settled(server, uuid string) {
	e.re.settle(server, uuid)
	e.pend.settle(server, uuid)
	if e.held.settle(server, uuid) && e.held.total == 0 {
		e.held, e.heldWhy = pending{}, 0
	}
	for _, o := range e.outs {
		o.news.settle(server, uuid)
	}
	if n := e.retry.note; !e.retry.at.IsZero() && n.ID == uuid && n.Server == server {
		e.retry = retry{}
	}
}

// setRules puts r in force at now. Re-alerts switched on count their
// interval from now, and so do those of the incidents r unmutes (their
// server or room was muted, and is no more): switching re-alerts on or
// unmuting never re-alerts everything at once.
func (e *engine) setRules(r Rules, now time.Time) {
	if e.rules.ReAlert <= 0 && r.ReAlert > 0 {
		e.re.restart(now)
	} else {
		e.re.unmuted(e.rules, r, now)
	}
	e.rules = r.clone()
	for _, o := range e.outs {
		o.reschedule(e.rules)
	}
}
