package notify

import "time"

// lateSlack is how late past its due time the outage notice may be
// raised; later than that, the machine must have slept.
const lateSlack = time.Minute

// outage debounces the connection notice: it is due OutageNotice after the
// connection went down (or after the start, when it never came up), or
// after the machine woke if that is later, and is raised at most once per
// outage. Nothing is due while asleep. When the notice was shown, the
// recovery replaces it ("Back online"), carrying what the catch-up found
// while the link was still down (news).
type outage struct {
	down    bool
	asleep  bool
	everUp  bool      // the connection was up once: "offline", not "cannot connect"
	since   time.Time // when the connection went down
	base    time.Time // when the debounce started: since, or the last wake
	due     time.Time // zero: nothing scheduled
	noticed bool      // the notice for this outage was raised or suppressed
	shown   bool      // the notice was raised: the recovery must replace it
	news    pending   // revealed by a catch-up while the notice was up
}

func (o *outage) lost(at time.Time, r Rules) {
	if o.down {
		return
	}
	*o = outage{down: true, asleep: o.asleep, everUp: o.everUp, since: at, base: at}
	o.reschedule(r)
}

// restored ends the outage. It reports whether the user saw the notice
// (then the recovery gets a notification of its own), with when the outage
// began, whether the link had ever been up before, and the news held for
// the recovery notice.
func (o *outage) restored() (shown bool, since time.Time, wasUp bool, news pending) {
	shown, since, wasUp, news = o.shown, o.since, o.everUp, o.news
	*o = outage{asleep: o.asleep, everUp: true}
	return shown, since, wasUp, news
}

func (o *outage) setAwake(awake bool, at time.Time, r Rules) {
	o.asleep = !awake
	if awake && o.down {
		o.base = at // a loss around sleep counts from the wake-up
	}
	o.reschedule(r)
}

func (o *outage) reschedule(r Rules) {
	o.due = time.Time{}
	if !o.down || o.asleep || o.noticed || r.OutageNotice <= 0 {
		return
	}
	o.due = o.base.Add(r.OutageNotice)
}
