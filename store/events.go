package store

import (
	"time"

	"github.com/warpdesk/warpdesk/ops"
)

// Event is something the notifier may tell the user about. It is one of
// Opened, Revealed, Settled, LinkLost, LinkRestored, PauseStarted and
// PauseEnded;
// switch on the type:
//
//	switch e := ev.(type) {
//	case store.Opened:
//		notifyIncident(e.Incident)
//	case store.LinkLost:
//		…
//	}
//
// Events are delivered with the State they produced, in order with the
// States (see Store.SubscribeEvents).
type Event interface{ isEvent() }

// Opened: an incident arrived on the live stream that was not shown before.
type Opened struct {
	Incident Incident
}

// Revealed: a catch-up found open incidents that were not shown: opened
// while Warpdesk was not connected, before it started, or while it was
// pointed at another server.
type Revealed struct {
	// Server is the ID of the server caught up (ServerState.ID).
	Server string
	// Incidents are the newly shown incidents, newest first; never empty.
	Incidents []Incident
	// First is true for the first successful catch-up on this server since
	// start (or since a server switch): the list was Unknown before, so
	// these are every incident open right now, not news.
	First bool
}

// OpsIncidents returns the incidents as the wire has them, for a notifier
// that takes ops.Incident.
func (r Revealed) OpsIncidents() []ops.Incident {
	out := make([]ops.Incident, len(r.Incidents))
	for i, in := range r.Incidents {
		out[i] = in.Incident
	}
	return out
}

// LinkLost: the link stopped being live, or the very first connection
// since start (or a server switch) failed. It fires once per outage; the
// next one comes only after a LinkRestored.
type LinkLost struct {
	// Server is the ID of the server whose link it is (ServerState.ID).
	Server string
	// Link is the link's state now (never LinkLive).
	Link Link
	// Reason says why, in words (State.Reason).
	Reason string
	// NeverConnected is true when Warpdesk never got through to this
	// server since start (or a switch): no catch-up ever succeeded, so the
	// list is Unknown, not stale. (A connection the server accepted and
	// then refused the token on counts as never connected.)
	NeverConnected bool
	// At is when the loss was seen.
	At time.Time
}

// LinkRestored: after a LinkLost, the link is live again and a catch-up
// succeeded, so the list is Current again.
type LinkRestored struct {
	// Server is the ID of the server whose link it is (ServerState.ID).
	Server string
	// NewWhileOffline is how many incidents the catch-up revealed (Revealed
	// carries them, and comes just before).
	NewWhileOffline int
	// LostAt is the LinkLost's At: the outage lasted from LostAt to At.
	LostAt time.Time
	At     time.Time
}

// PauseStarted: notifications are paused until Until (a new Pause while one
// runs starts again with the new end).
type PauseStarted struct {
	Until time.Time
	// CriticalsBreakPause is the setting in force: criticals still notify.
	CriticalsBreakPause bool
}

// PauseEnded: the pause ran out or was cancelled (Pause with a zero time).
type PauseEnded struct {
	// Early is true when the user resumed before the end.
	Early bool
}

// Settled: an open incident needs nobody any more: it was resolved, or
// someone acknowledged it on the server (the first acknowledgement only).
// The live stream says so (incident.resolved, incident.acknowledged), or
// a catch-up does: an incident it no longer lists was resolved, one it
// lists acknowledged was acknowledged, while nobody listened (Away).
// Each incident settles once per way (acknowledged, resolved). History
// keeps these. One Retain drops (a room left: not resolved) and those of
// a removed server (RemoveFeed) or a server switch (Reset) leave without
// it.
type Settled struct {
	// Incident is the incident as it was last known, with its
	// acknowledgement (if any) and Server.
	Incident Incident
	// Resolved is true when it left the list resolved; false when it was
	// acknowledged.
	Resolved bool
	// Away is true when a catch-up found it settled: it happened while
	// Warpdesk was not listening (offline, asleep, not running), some time
	// before At.
	Away bool
	// At is when the store saw it settle.
	At time.Time
}

func (Opened) isEvent()       {}
func (Settled) isEvent()      {}
func (Revealed) isEvent()     {}
func (LinkLost) isEvent()     {}
func (LinkRestored) isEvent() {}
func (PauseStarted) isEvent() {}
func (PauseEnded) isEvent()   {}
