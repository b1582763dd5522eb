package app

import (
	"fmt"
	"time"
)

// moment is the instant one render draws at. Every text that depends on
// the time is written through it, and it keeps the earliest later instant
// at which any of them would read differently (Next): the window repaints
// then, and not before. A shown dashboard on a quiet server so repaints
// about once a minute, when an age or the "Up to date" minute moves,
// instead of on a fixed ticker (docs/BENCHMARKS.md, idle).
type moment struct {
	now  time.Time
	next time.Time
}

func newMoment(now time.Time) *moment { return &moment{now: now} }

// Next is the earliest instant after now at which a text written through
// m changes; zero when none will.
func (m *moment) Next() time.Time { return m.next }

// changesAt notes that a text drawn now reads differently from t on.
func (m *moment) changesAt(t time.Time) {
	if t.After(m.now) && (m.next.IsZero() || t.Before(m.next)) {
		m.next = t
	}
}

// age says how long ago t was (Age), as of the start of the current
// minute, and notes when that changes. Every age on the dashboard so
// moves on the minute, together with "Up to date · 17:35": one repaint a
// minute however many incidents are listed, at the cost of an age up to a
// minute short.
func (m *moment) age(t time.Time) string {
	start := m.now.Truncate(time.Minute)
	m.changesAt(ceilMinute(ageChanges(start, t)))
	return Age(start, t)
}

// ceilMinute is the first minute boundary at or after t.
func ceilMinute(t time.Time) time.Time {
	if c := t.Truncate(time.Minute); !c.Before(t) {
		return c
	}
	return t.Truncate(time.Minute).Add(time.Minute)
}

// clock is t as a wall-clock time (see clock) and notes the next
// midnight when t is today (then "17:35" becomes "Mon 17:35") or
// tomorrow.
func (m *moment) clock(t time.Time) string {
	y, mo, d := m.now.Date()
	if midnight := time.Date(y, mo, d+1, 0, 0, 0, 0, m.now.Location()); !t.IsZero() &&
		(sameDay(m.now, t) || sameDay(midnight, t)) {
		m.changesAt(midnight)
	}
	return clock(m.now, t)
}

// dueIn says how long until t (see dueIn) and notes when that changes.
func (m *moment) dueIn(t time.Time) string {
	m.changesAt(dueChanges(m.now, t))
	return dueIn(m.now, t)
}

// minute is now as "17:35", which changes at the next minute.
func (m *moment) minute() string {
	m.changesAt(m.now.Truncate(time.Minute).Add(time.Minute))
	return m.now.Format("15:04")
}

// before reports whether now is before t, and notes t, when that changes.
func (m *moment) before(t time.Time) bool {
	m.changesAt(t)
	return m.now.Before(t)
}

// clock is a wall-clock time as the dashboard prints it: "17:35", or
// "Mon 17:35" when it is not today, "" for the zero time.
func clock(now, t time.Time) string {
	switch {
	case t.IsZero():
		return ""
	case sameDay(now, t):
		return t.Format("15:04")
	}
	return t.Format("Mon 15:04")
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

// Age says how long ago t was, to the minute: "just now" (under a minute,
// or in the future), "5 min ago", "3 h 2 min ago", "2 d 4 h ago". It
// changes at most once a minute (ageChanges says when), so ages never make
// a shown dashboard repaint every second.
func Age(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d/time.Minute))
	case d < 24*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return fmt.Sprintf("%d h ago", h)
		}
		return fmt.Sprintf("%d h %d min ago", h, m)
	}
	days, h := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
	if h == 0 {
		return fmt.Sprintf("%d d ago", days)
	}
	return fmt.Sprintf("%d d %d h ago", days, h)
}

// ageChanges is the next instant after now at which Age(·, t) changes:
// the next whole minute since t, or hour once it is a day old.
func ageChanges(now, t time.Time) time.Time {
	d := now.Sub(t)
	unit := time.Minute
	if d >= 24*time.Hour {
		unit = time.Hour
	}
	if d < 0 {
		return t.Add(unit)
	}
	return t.Add((d/unit + 1) * unit)
}

// dueIn says how long until t, rounded up: "now", "in 12s" (under a
// minute), "in 3 min", "in 2 h 5 min".
func dueIn(now, t time.Time) string {
	d := t.Sub(now)
	switch {
	case d <= 0:
		return "now"
	case d <= time.Minute:
		return fmt.Sprintf("in %ds", ceilDiv(d, time.Second))
	}
	m := ceilDiv(d, time.Minute)
	if m < 60 {
		return fmt.Sprintf("in %d min", m)
	}
	return fmt.Sprintf("in %d h %d min", m/60, m%60)
}

// dueChanges is the next instant after now at which dueIn(·, t) changes:
// the next whole second before t in its last minute, the next whole minute
// before it earlier; zero once t has passed.
func dueChanges(now, t time.Time) time.Time {
	d := t.Sub(now)
	switch {
	case d <= 0:
		return time.Time{}
	case d <= time.Minute:
		return t.Add(-time.Duration(ceilDiv(d, time.Second)-1) * time.Second)
	}
	return t.Add(-time.Duration(ceilDiv(d, time.Minute)-1) * time.Minute)
}

// ceilDiv is d/unit rounded up, for positive d.
func ceilDiv(d, unit time.Duration) int64 { return int64((d + unit - 1) / unit) }
