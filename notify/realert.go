package notify

import (
	"fmt"
	"slices"
	"time"

	"github.com/warpdesk/warpdesk/ops"
)

// maxWatched bounds the critical incidents watched for re-alerts; past it
// the one watched longest is forgotten (it was notified at least once and
// re-alerted since), so memory stays bounded whatever a server sends.
const maxWatched = 256

// reAlerts are the critical incidents nobody has acknowledged yet, oldest
// first, each with when it was last notified: Rules.ReAlert after that it
// is notified again. Settled ends the watch.
type reAlerts struct {
	list []watched
}

// watched is one incident waiting for its next re-alert. Only what a
// notification shows is kept.
type watched struct {
	server string
	room   string // the room as sent (inc.Room is cut for display), for Rules.MutedRooms
	inc    ops.Incident
	last   time.Time // when it was last notified (or silenced)
	since  time.Time // when it was first notified
}

// maxRoomBytes bounds the room kept for the mute check: longer than any
// room a user can mute (settings.MaxRoomLen runes), so a cut one matches none.
const maxRoomBytes = 1024

// watch starts watching inc of server, notified (or silenced) at now.
// When maxWatched are watched already, the one watched longest goes,
// muted under rules first: a muted server flooding criticals does not
// push out the re-alerts of those that are not.
func (r *reAlerts) watch(server string, inc ops.Incident, now time.Time, rules Rules) {
	if r.find(server, inc.UUID) >= 0 {
		return
	}
	if len(r.list) >= maxWatched {
		i := slices.IndexFunc(r.list, func(w watched) bool { return w.muted(rules) })
		r.list = slices.Delete(r.list, max(i, 0), max(i, 0)+1)
	}
	room := inc.Room
	if len(room) > maxRoomBytes {
		room = room[:maxRoomBytes]
	}
	inc = ops.Incident{
		UUID: inc.UUID, Severity: inc.Severity, CreatedAt: inc.CreatedAt,
		Title: cleanLine(inc.Title, MaxSummaryRunes), Room: cleanLine(inc.Room, 60),
	}
	r.list = append(r.list, watched{server: server, room: room, inc: inc, last: now, since: now})
}

// muted reports whether rules mute w, by its server or its room.
func (w watched) muted(rules Rules) bool { return rules.muted(w.server, w.room) }

// incident is w's incident as its server sent it, for Rules.Check.
func (w watched) incident() ops.Incident {
	inc := w.inc
	inc.Room = w.room
	return inc
}

// settle stops watching the incident uuid of server.
func (r *reAlerts) settle(server, uuid string) {
	if i := r.find(server, uuid); i >= 0 {
		r.list = append(r.list[:i], r.list[i+1:]...)
	}
}

func (r *reAlerts) find(server, uuid string) int {
	for i, w := range r.list {
		if w.server == server && w.inc.UUID == uuid {
			return i
		}
	}
	return -1
}

// next is when the first re-alert is due under rules; zero when none is
// (nothing watched but muted ones, or rules.ReAlert ≤ 0: re-alerts are
// off). A muted incident is never due: nothing wakes the notifier for it
// until it is unmuted.
func (r *reAlerts) next(rules Rules) time.Time {
	every := rules.ReAlert
	if every <= 0 {
		return time.Time{}
	}
	var d time.Time
	for _, w := range r.list {
		if w.muted(rules) {
			continue
		}
		if due := w.last.Add(every); d.IsZero() || due.Before(d) {
			d = due
		}
	}
	return d
}

// restart counts every interval from now (re-alerts were switched on).
func (r *reAlerts) restart(now time.Time) {
	for i := range r.list {
		r.list[i].last = now
	}
}

// unmuted counts the interval from now for every incident muted under
// old and not under rules: once unmuted, it re-alerts one interval later,
// not at once.
func (r *reAlerts) unmuted(old, rules Rules, now time.Time) {
	for i := range r.list {
		w := &r.list[i]
		if w.muted(old) && !w.muted(rules) {
			w.last = now
		}
	}
}

// reAlert queues the re-alerts due at now and reports whether it queued
// any. Once one is due, those due within the burst window come with it,
// so that incidents that arrived together re-alert together: up to Burst
// one by one, more as one summary. Each obeys the rules in force now, like
// any critical: it breaks through quiet hours and a pause (unless
// PauseCriticals); a silenced one waits for the next interval, a muted one
// for its unmute (setRules).
func (e *engine) reAlert(now time.Time) bool {
	every := e.rules.ReAlert
	if next := e.re.next(e.rules); next.IsZero() || now.Before(next) {
		return false
	}
	var due []watched
	horizon := now.Add(e.window)
	for i := range e.re.list {
		w := &e.re.list[i]
		if w.last.Add(every).After(horizon) || w.muted(e.rules) {
			continue
		}
		w.last = now
		if e.rules.Check(w.server, w.incident(), now) == Notify {
			due = append(due, *w)
		}
	}
	if len(due) <= e.burst {
		for _, w := range due {
			e.enqueue(e.again(w, now))
		}
		return len(due) > 0
	}
	var p pending
	for _, w := range due {
		p.add(w.inc, w.server, e.label(w.server))
	}
	e.enqueue(Notification{
		Summary: fmt.Sprintf("%d critical incidents still unacknowledged", p.total),
		Body:    cleanText(p.lines(now), MaxBodyRunes),
		Urgency: Critical,
		Icon:    e.icon,
		Tag:     tagReAlert,
		Sound:   e.sound(Critical, SoundReAlert),
	})
	return true
}

// again composes the re-alert of one incident: its notification, with
// how long it has gone unacknowledged ("Unacknowledged for 10 min")
// ahead of the body. It replaces the incident's previous re-alert where
// that is still on screen (critical notifications do not expire), so an
// incident shows at most its first notification and its latest re-alert.
func (e *engine) again(w watched, now time.Time) Notification {
	n := e.single(w.server, w.inc, now)
	n.Body = truncate("Unacknowledged for "+span(now.Sub(w.since))+" · "+n.Body, MaxBodyRunes)
	n.Sound = e.sound(n.Urgency, SoundReAlert)
	n.Tag = tagReAlert + ":" + w.server + ":" + w.inc.UUID
	return n
}

// sound is name when u is critical and Rules.CriticalSound is on, else "".
func (e *engine) sound(u Urgency, name string) string {
	if u != Critical || !e.rules.CriticalSound {
		return ""
	}
	return name
}

// span says a duration in words: "45 s", "10 min", "2 h".
func span(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d/time.Second))
	case d < 2*time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	}
	return fmt.Sprintf("%d h", int(d/time.Hour))
}
