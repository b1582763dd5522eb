package store

import (
	"fmt"
	"time"

	"github.com/warpdesk/warpdesk/ops"
)

// The inputs: what the connection driver (package conn) tells the store.
// Each validates its argument — this is the one place live data is checked —
// and returns an error matching ops.ErrInvalid for bad input, which is then
// dropped.

// IncidentCreated records a live incident.created. A uuid not shown before
// publishes an Opened event; a repeated one replaces the shown incident
// (keeping its acknowledgement).
func (s *Store) IncidentCreated(in ops.Incident) error {
	if err := in.Validate(); err != nil {
		return fmt.Errorf("store: incident.created: %w", err)
	}
	s.apply(func(_ time.Time, c *change) {
		c.dirty = true
		if s.inc.created(in) {
			c.events = append(c.events, Opened{Incident: Incident{Incident: in}})
		}
	})
	return nil
}

// IncidentResolved records a live incident.resolved: the incident leaves
// the list, and a catch-up already under way cannot bring it back.
func (s *Store) IncidentResolved(uuid string) error {
	if err := (ops.IncidentRef{UUID: uuid}).Validate(); err != nil {
		return fmt.Errorf("store: incident.resolved: %w", err)
	}
	s.apply(func(_ time.Time, c *change) {
		c.dirty = s.inc.resolved(uuid)
	})
	return nil
}

// IncidentAcknowledged records a live incident.acknowledged: someone
// acknowledged the incident on the server (Incident.AcknowledgedBy, the
// first one wins). It does not set Acked, which is this desktop's own.
func (s *Store) IncidentAcknowledged(a ops.Acknowledgement) error {
	if err := a.Validate(); err != nil {
		return fmt.Errorf("store: incident.acknowledged: %w", err)
	}
	s.apply(func(_ time.Time, c *change) {
		c.dirty = s.inc.serverAck(a)
	})
	return nil
}

// MonitorChanged records a live monitor.status-changed; a change older than
// the one held is ignored.
func (s *Store) MonitorChanged(m ops.MonitorChange) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("store: monitor.status-changed: %w", err)
	}
	s.apply(func(_ time.Time, c *change) {
		c.dirty = s.mon.update(m)
	})
	return nil
}

// Retain drops the open incidents for which keep is false (those of a room
// just left) and reports how many it dropped. keep runs under the store's
// lock: it must not call the store.
func (s *Store) Retain(keep func(ops.Incident) bool) (dropped int) {
	s.apply(func(_ time.Time, c *change) {
		dropped = s.inc.retain(keep)
		c.dirty = dropped > 0
	})
	return dropped
}

// Reset forgets everything about the server — incidents, monitors,
// knowledge, link — for a switch to server (State.Server). A catch-up begun
// before is void (CaughtUp returns ErrSuperseded). The pause stays, and so
// does an outage already announced (LinkLost): its LinkRestored comes when
// the new server's list is Current.
func (s *Store) Reset(server string) {
	s.apply(func(now time.Time, c *change) {
		c.dirty = true
		s.epoch++
		s.inc = newIncidents(s.maxInc)
		s.mon = newMonitors(s.maxMon)
		// An announced outage goes on until the new server is Current,
		// so the notice it raised is withdrawn then.
		s.caughtUp, s.current, s.everLive = false, false, false
		s.st = State{
			Server:              server,
			Link:                LinkConnecting,
			Since:               now,
			PausedUntil:         s.st.PausedUntil,
			CriticalsBreakPause: s.st.CriticalsBreakPause,
			Version:             s.st.Version,
		}
	})
}

// LinkStatus is the link as the connection driver reports it.
type LinkStatus struct {
	Link Link
	// Reason says in words why the link is not live; ignored for LinkLive.
	Reason string
	// NextAttempt is when the next dial is due (at the latest); zero when
	// none is scheduled. Ignored for LinkLive.
	NextAttempt time.Time
}

// SetLink records the link's state. Leaving LinkLive makes a Current list
// Stale (AsOf now) and publishes LinkLost, as does the first failure of a
// server never reached since start. Going live does not
// make the list Current: the catch-up that follows does.
func (s *Store) SetLink(ls LinkStatus) error {
	if ls.Link < LinkConnecting || ls.Link > LinkRejected {
		return fmt.Errorf("store: link %d: %w", ls.Link, ops.ErrInvalid)
	}
	if ls.Link == LinkLive {
		ls.Reason, ls.NextAttempt = "", time.Time{}
	}
	s.apply(func(now time.Time, c *change) {
		prev := s.st.Link
		if prev == ls.Link && s.st.Reason == ls.Reason && s.st.NextAttempt.Equal(ls.NextAttempt) {
			return
		}
		c.dirty = true
		s.st.Reason, s.st.NextAttempt = ls.Reason, ls.NextAttempt
		if prev != ls.Link {
			s.st.Link, s.st.Since = ls.Link, now
		}
		switch {
		case ls.Link == LinkLive && prev != LinkLive:
			s.everLive = true
			s.liveEpoch++
		case prev == LinkLive && ls.Link != LinkLive:
			s.st.CatchUpRetry = time.Time{} // no catch-up without a link
			if s.current {
				s.current, s.st.AsOf = false, now
			}
			s.lostLocked(now, c)
		case !s.everLive && ls.Link != LinkConnecting && ls.Link != LinkLive:
			s.lostLocked(now, c)
		}
	})
	return nil
}

// lostLocked publishes LinkLost once per outage.
func (s *Store) lostLocked(now time.Time, c *change) {
	if s.lostAnnounced {
		return
	}
	s.lostAnnounced, s.lostAt = true, now
	c.emit(LinkLost{Link: s.st.Link, Reason: s.st.Reason, NeverConnected: !s.caughtUp, At: now})
}
