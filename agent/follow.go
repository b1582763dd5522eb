package agent

import (
	"sync"
	"time"

	"github.com/warpdesk/warpdesk/socket"
)

// ConnectionNotices is told when the connection is lost, back, or the
// machine sleeps: *notify.Notifier satisfies it.
type ConnectionNotices interface {
	ConnectionLost(at time.Time)
	ConnectionRestored(at time.Time)
	SetAwake(awake bool, at time.Time)
}

// Follower turns a stream of socket.Status values into connection notices:
// lost when a connection ends or the first status is not connected,
// restored when one opens, asleep/awake when the client's sleep pause
// changes. Feed it every status (Observe) from
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
		// Not connected yet counts as an outage from the start, so a first
		// connection that never comes is noticed like a lost one.
		if st.Asleep {
			f.n.SetAwake(false, at)
		}
		if st.State != socket.StateConnected {
			f.n.ConnectionLost(at)
		}
		return
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
