// Package bridge converts between Warpdesk's packages, which do not know one
// another: the user's settings become notification rules, the server's
// incidents become notifications, and the socket client's status tells the
// notifier when the connection is lost, back, or asleep.
package bridge

import (
	"sync"
	"time"

	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/socket"
)

// Rules converts the notification part of the user's settings. Quiet hours
// that do not parse are treated as off (settings validates them before they
// are saved). settings' OutageNotice of 0 means "no notice", which notify
// spells as a negative duration.
func Rules(s settings.Settings) notify.Rules {
	r := notify.Rules{
		MinSeverity:  notify.ParseSeverity(string(s.MinSeverity)),
		MutedRooms:   append([]string(nil), s.MutedRooms...),
		OutageNotice: s.OutageNotice,
	}
	if r.OutageNotice == 0 {
		r.OutageNotice = -1
	}
	start, err1 := notify.ParseTimeOfDay(s.QuietHours.Start)
	end, err2 := notify.ParseTimeOfDay(s.QuietHours.End)
	if s.QuietHours.Enabled && err1 == nil && err2 == nil {
		r.QuietHours = notify.QuietHours{Enabled: true, Start: start, End: end}
	}
	return r
}

// Incident converts an incident from the server.
func Incident(in ops.Incident) notify.Incident {
	return notify.Incident{
		UUID:      in.UUID,
		Title:     in.Title,
		Severity:  notify.ParseSeverity(string(in.Severity)),
		Room:      in.Room,
		CreatedAt: in.Created(),
	}
}

// Notifier adapts a *notify.Notifier to the app's Notifier interface.
type Notifier struct{ N *notify.Notifier }

// Incident hands the incident to the notifier; it never blocks.
func (n Notifier) Incident(in ops.Incident) { n.N.Incident(Incident(in)) }

// ConnectionNotices is told when the connection is lost, back, or the
// machine sleeps: *notify.Notifier satisfies it.
type ConnectionNotices interface {
	ConnectionLost(at time.Time)
	ConnectionRestored(at time.Time)
	SetAwake(awake bool, at time.Time)
}

// Follower turns a stream of socket.Status values into connection notices:
// lost when a connection ends, restored when one opens, asleep/awake when
// the client's sleep pause changes. Feed it every status (Observe) from
// Client.OnStatusChange; it keeps the previous one to see edges.
type Follower struct {
	n   ConnectionNotices
	now func() time.Time

	mu   sync.Mutex
	prev socket.Status
	seen bool
}

// NewFollower returns a follower; now nil means time.Now.
func NewFollower(n ConnectionNotices, now func() time.Time) *Follower {
	if now == nil {
		now = time.Now
	}
	return &Follower{n: n, now: now}
}

// Observe takes the client's new status.
func (f *Follower) Observe(st socket.Status) {
	f.mu.Lock()
	prev, seen := f.prev, f.seen
	f.prev, f.seen = st, true
	f.mu.Unlock()
	at := f.now()
	if !seen {
		prev = socket.Status{State: socket.StateDisconnected}
	}
	if st.Asleep != prev.Asleep {
		f.n.SetAwake(!st.Asleep, at)
	}
	wasUp, isUp := prev.State == socket.StateConnected, st.State == socket.StateConnected
	switch {
	case wasUp && !isUp:
		f.n.ConnectionLost(at)
	case !wasUp && isUp:
		f.n.ConnectionRestored(at)
	}
}

// Follow subscribes a follower to c's status; the returned function stops it.
func Follow(c *socket.Client, n ConnectionNotices) (stop func()) {
	f := NewFollower(n, nil)
	return c.OnStatusChange(f.Observe)
}
