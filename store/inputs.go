package store

import (
	"fmt"
	"time"

	"github.com/warpdesk/warpdesk/ops"
)

// The inputs: what the connection driver (package conn) tells the store.
// Each validates its argument — this is the one place live data is checked —
// and returns an error matching ops.ErrInvalid for bad input, which is then
// dropped. Store's own inputs act on the default server, ID "" (see Feed);
// a Feed's act on its server.

// IncidentCreated records a live incident.created. A uuid not shown before
// publishes an Opened event; a repeated one replaces the shown incident
// (keeping its acknowledgement), and publishes Settled when it brings the
// server's first acknowledgement.
func (s *Store) IncidentCreated(in ops.Incident) error { return s.own.IncidentCreated(in) }

// IncidentResolved records a live incident.resolved: the incident leaves
// the list (publishing Settled, Resolved), and a catch-up already under way
// cannot bring it back.
func (s *Store) IncidentResolved(uuid string) error { return s.own.IncidentResolved(uuid) }

// IncidentAcknowledged records a live incident.acknowledged: someone
// acknowledged the incident on the server (Incident.AcknowledgedBy, the
// first one wins, and publishes Settled). It does not set Acked, which is
// this desktop's own, but ends AckPending and AckErr.
func (s *Store) IncidentAcknowledged(a ops.Acknowledgement) error {
	return s.own.IncidentAcknowledged(a)
}

// MonitorChanged records a live monitor.status-changed; a change older than
// the one held is ignored.
func (s *Store) MonitorChanged(m ops.MonitorChange) error { return s.own.MonitorChanged(m) }

// Retain drops the open incidents for which keep is false (those of a room
// just left) and reports how many it dropped; no Settled event for them.
// keep runs under the store's lock: it must not call the store.
func (s *Store) Retain(keep func(ops.Incident) bool) (dropped int) { return s.own.Retain(keep) }

// Reset forgets everything about the server — incidents, monitors,
// knowledge, link — for a switch to server (ServerState.Server). A catch-up
// begun before is void (CaughtUp returns ErrSuperseded). The pause stays,
// and so does an outage already announced (LinkLost): its LinkRestored
// comes when the new server's list is Current.
func (s *Store) Reset(server string) { s.own.Reset(server) }

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
func (s *Store) SetLink(ls LinkStatus) error { return s.own.SetLink(ls) }

// BeginCatchUp is called right before a catch-up fetch is sent.
func (s *Store) BeginCatchUp() CatchUp { return s.own.BeginCatchUp() }

// CaughtUp merges a snapshot fetched since cu began: by uuid, keeping the
// live events seen during the fetch (see the incident set's rules). Invalid
// and duplicate entries are dropped (dropped says how many). The list
// becomes Current if the link stayed live throughout; otherwise it is Stale
// as of the fetch. Incidents not shown before publish Revealed (First on the
// first success on this server), and the end of an announced outage
// publishes LinkRestored. Incidents the snapshot no longer lists leave,
// and those it lists acknowledged by someone first are marked so, each
// publishing Settled (Away) ahead of the Revealed (at most
// MaxSettledPerCatchUp of them).
func (s *Store) CaughtUp(cu CatchUp, snap ops.Snapshot) (dropped int, err error) {
	return s.own.CaughtUp(cu, snap)
}

// CatchUpFailed records a failed catch-up: why (State.CatchUpErr) and when
// it is tried again (retry, zero for not). A Current list becomes Stale; an
// Unknown one stays Unknown, so the next success is still the first.
func (s *Store) CatchUpFailed(cu CatchUp, why error, retry time.Time) {
	s.own.CatchUpFailed(cu, why, retry)
}

// SetLink: see Store.SetLink.
func (f *Feed) SetLink(ls LinkStatus) error {
	if ls.Link < LinkConnecting || ls.Link > LinkRejected {
		return fmt.Errorf("store: link %d: %w", ls.Link, ops.ErrInvalid)
	}
	if ls.Link == LinkLive {
		ls.Reason, ls.NextAttempt = "", time.Time{}
	}
	f.apply(func(srv *server, now time.Time, c *change) { srv.setLink(ls, now, c) })
	return nil
}

func (srv *server) setLink(ls LinkStatus, now time.Time, c *change) {
	prev := srv.st.Link
	if prev == ls.Link && srv.st.Reason == ls.Reason && srv.st.NextAttempt.Equal(ls.NextAttempt) {
		return
	}
	c.dirty = true
	srv.st.Reason, srv.st.NextAttempt = ls.Reason, ls.NextAttempt
	if prev != ls.Link {
		srv.st.Link, srv.st.Since = ls.Link, now
	}
	switch {
	case ls.Link == LinkLive && prev != LinkLive:
		srv.everLive = true
		srv.liveEpoch++
	case prev == LinkLive && ls.Link != LinkLive:
		srv.st.CatchUpRetry = time.Time{} // no catch-up without a link
		if srv.current {
			srv.current, srv.st.AsOf = false, now
		}
		srv.lost(now, c)
	case !srv.everLive && ls.Link != LinkConnecting && ls.Link != LinkLive:
		srv.lost(now, c)
	}
}
