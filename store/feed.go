package store

import (
	"fmt"
	"time"

	"github.com/warpdesk/warpdesk/ops"
)

// Feed is one server's inputs into the store: what one connection driver
// (package conn) tells it. Every input of a Feed acts on its server only —
// its link, knowledge, incidents and monitors — and State shows the
// servers side by side (State.Servers, Incident.Server). The inputs are
// those documented on Store (IncidentCreated, SetLink, …), with the same
// validation and errors.
//
// Store's own inputs are those of the default server, ID "", for a store
// that follows one server: that server is listed once Options.Server is
// set or one of them is used (a store fed only through Feeds never lists
// it). Store.Feed("", name) returns the default server's Feed.
//
// After RemoveFeed its inputs do nothing (a CatchUp of it is void).
type Feed struct {
	s   *Store
	id  string
	srv *server // nil for own
	own bool    // Store's own inputs: the default server, added when needed
}

// Feed returns the inputs of server id (ServerState.ID), adding the server
// at the end of State.Servers, named name ("" shows its URL), if it is
// new. A second call returns the same Feed, renamed to name. After Close it
// returns a Feed that does nothing.
func (s *Store) Feed(id, name string) *Feed {
	var f *Feed
	s.apply(func(now time.Time, c *change) {
		srv := s.byID[id]
		if srv == nil {
			srv = s.newServerLocked(id, name, "", now, c)
		} else if srv.name != name {
			srv.name, c.dirty = name, true
		}
		f = srv.feed
	})
	if f == nil { // closed
		f = &Feed{s: s, id: id, srv: &server{removed: true}}
	}
	return f
}

// RemoveFeed forgets server id: its link, knowledge, incidents and
// monitors leave State (no Settled event for them); a catch-up of it still
// in flight is void (ErrSuperseded) and an outage of it announced by
// LinkLost is forgotten (no LinkRestored). Its Feed does nothing from then
// on; Feed(id, …) adds the server again, anew. An unknown id is ignored.
func (s *Store) RemoveFeed(id string) {
	s.apply(func(_ time.Time, c *change) {
		if srv := s.byID[id]; srv != nil {
			s.removeLocked(srv, c)
		}
	})
}

// ID returns the server's ID.
func (f *Feed) ID() string { return f.id }

// apply runs fn on the feed's server under the store's lock, and publishes
// what it changed; nothing happens once the server was removed.
func (f *Feed) apply(fn func(srv *server, now time.Time, c *change)) {
	f.s.apply(func(now time.Time, c *change) {
		if srv := f.serverLocked(now, c); srv != nil {
			fn(srv, now, c)
		}
	})
}

func (f *Feed) serverLocked(now time.Time, c *change) *server {
	switch {
	case f.own:
		return f.s.defaultLocked(now, c)
	case f.srv.removed:
		return nil
	}
	return f.srv
}

// IncidentCreated: see Store.IncidentCreated.
func (f *Feed) IncidentCreated(in ops.Incident) error {
	if err := in.Validate(); err != nil {
		return fmt.Errorf("store: incident.created: %w", err)
	}
	f.apply(func(srv *server, now time.Time, c *change) {
		c.dirty, c.inc = true, true
		switch shown, isNew, firstAck := srv.inc.created(in); {
		case isNew:
			c.events = append(c.events, Opened{Incident: shown})
		case firstAck:
			c.emit(Settled{Incident: shown, At: now})
		}
	})
	return nil
}

// IncidentResolved: see Store.IncidentResolved.
func (f *Feed) IncidentResolved(uuid string) error {
	if err := (ops.IncidentRef{UUID: uuid}).Validate(); err != nil {
		return fmt.Errorf("store: incident.resolved: %w", err)
	}
	f.apply(func(srv *server, now time.Time, c *change) {
		if was, ok := srv.inc.resolved(uuid); ok {
			c.inc = true
			c.emit(Settled{Incident: was, Resolved: true, At: now})
		}
	})
	return nil
}

// IncidentAcknowledged: see Store.IncidentAcknowledged.
func (f *Feed) IncidentAcknowledged(a ops.Acknowledgement) error {
	if err := a.Validate(); err != nil {
		return fmt.Errorf("store: incident.acknowledged: %w", err)
	}
	f.apply(func(srv *server, now time.Time, c *change) {
		changed, first, in := srv.inc.serverAck(a)
		c.dirty, c.inc = changed, changed
		if first {
			c.emit(Settled{Incident: in, At: now})
		}
	})
	return nil
}

// MonitorChanged: see Store.MonitorChanged.
func (f *Feed) MonitorChanged(m ops.MonitorChange) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("store: monitor.status-changed: %w", err)
	}
	f.apply(func(srv *server, _ time.Time, c *change) {
		if srv.mon.update(m) {
			c.dirty, c.mon = true, true
		}
	})
	return nil
}

// Retain: see Store.Retain; it drops only this server's incidents.
func (f *Feed) Retain(keep func(ops.Incident) bool) (dropped int) {
	f.apply(func(srv *server, _ time.Time, c *change) {
		dropped = srv.inc.retain(keep)
		if dropped > 0 {
			c.dirty, c.inc = true, true
		}
	})
	return dropped
}

// Reset: see Store.Reset; it forgets only this server (display is its URL
// for display, ServerState.Server).
func (f *Feed) Reset(display string) {
	f.apply(func(srv *server, now time.Time, c *change) { f.s.resetLocked(srv, display, now, c) })
}

// AckSent marks an acknowledgement of uuid sent from this desktop and
// awaiting the server: Acked and AckPending, and a former AckErr cleared
// (only Acked when the server has it acknowledged already). An incident
// not open on this server is ignored.
func (f *Feed) AckSent(uuid string) {
	f.mark(uuid, func(in *Incident) {
		in.Acked, in.AckPending, in.AckErr = true, in.AcknowledgedBy == "", ""
	})
}

// AckFailed records that the acknowledgement of uuid sent from this
// desktop failed: AckPending ends and AckErr says why, in words (why's
// text, cut to a line; nothing when the server has it acknowledged
// anyway). Acked stays: the user's own mark here, but the server does not
// know (State.Unacknowledged counts it again). An incident not open on
// this server is ignored.
func (f *Feed) AckFailed(uuid string, why error) {
	msg := shortReason(why)
	f.mark(uuid, func(in *Incident) {
		in.AckPending = false
		if in.AcknowledgedBy == "" {
			in.AckErr = msg
		}
	})
}

// mark changes this desktop's acknowledgement state of uuid with fn.
func (f *Feed) mark(uuid string, fn func(*Incident)) {
	f.apply(func(srv *server, _ time.Time, c *change) {
		if srv.inc.mark(uuid, fn) {
			c.dirty, c.inc = true, true
		}
	})
}
