package store

import (
	"time"

	"github.com/warpdesk/warpdesk/ops"
)

// Feed is one server's inputs into the store: what one connection driver
// (package conn) tells it. Every input of a Feed acts on its server only —
// its link, knowledge, incidents and monitors — and State shows the
// servers side by side (State.Servers, Incident.Server).
//
// Store's own inputs (IncidentCreated, SetLink, …) are those of the
// default feed, ID "", for a store that follows one server.
//
// CONTRACT SKETCH: until the store holds several servers, a Feed forwards
// to the store's one server.
type Feed struct {
	s  *Store
	id string
}

// Feed returns the inputs of server id (ServerState.ID), adding the server
// at the end of State.Servers, named name, if it is new.
func (s *Store) Feed(id, name string) *Feed {
	_ = name
	return &Feed{s: s, id: id}
}

// RemoveFeed forgets server id: its link, knowledge, incidents and
// monitors leave State; a catch-up of it still in flight is void
// (ErrSuperseded). Its Feed must not be used again.
func (s *Store) RemoveFeed(id string) { _ = id }

// ID returns the server's ID.
func (f *Feed) ID() string { return f.id }

// IncidentCreated: see Store.IncidentCreated.
func (f *Feed) IncidentCreated(in ops.Incident) error { return f.s.IncidentCreated(in) }

// IncidentResolved: see Store.IncidentResolved.
func (f *Feed) IncidentResolved(uuid string) error { return f.s.IncidentResolved(uuid) }

// IncidentAcknowledged: see Store.IncidentAcknowledged.
func (f *Feed) IncidentAcknowledged(a ops.Acknowledgement) error {
	return f.s.IncidentAcknowledged(a)
}

// MonitorChanged: see Store.MonitorChanged.
func (f *Feed) MonitorChanged(m ops.MonitorChange) error { return f.s.MonitorChanged(m) }

// Retain: see Store.Retain; it drops only this server's incidents.
func (f *Feed) Retain(keep func(ops.Incident) bool) int { return f.s.Retain(keep) }

// Reset: see Store.Reset; it forgets only this server (server is its URL
// for display, ServerState.Server).
func (f *Feed) Reset(server string) { f.s.Reset(server) }

// SetLink: see Store.SetLink.
func (f *Feed) SetLink(ls LinkStatus) error { return f.s.SetLink(ls) }

// BeginCatchUp: see Store.BeginCatchUp.
func (f *Feed) BeginCatchUp() CatchUp { return f.s.BeginCatchUp() }

// CaughtUp: see Store.CaughtUp.
func (f *Feed) CaughtUp(cu CatchUp, snap ops.Snapshot) (int, error) { return f.s.CaughtUp(cu, snap) }

// CatchUpFailed: see Store.CatchUpFailed.
func (f *Feed) CatchUpFailed(cu CatchUp, why error, retry time.Time) {
	f.s.CatchUpFailed(cu, why, retry)
}

// AckSent marks an acknowledgement of uuid sent from this desktop and
// awaiting the server (Incident.AckPending; Acked at once too).
func (f *Feed) AckSent(uuid string) { f.s.Acknowledge(f.id, uuid) }

// AckFailed records why the acknowledgement of uuid failed
// (Incident.AckErr) and ends AckPending.
func (f *Feed) AckFailed(uuid string, why error) { _, _ = uuid, why }
