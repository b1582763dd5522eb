package store

import (
	"time"

	"github.com/warpdesk/warpdesk/ops"
)

// Link is the connection as the user needs to read it.
type Link int

const (
	// LinkConnecting: dialling for the first time since start (or since a
	// server switch). Knowledge is Unknown until a catch-up succeeds.
	LinkConnecting Link = iota
	// LinkLive: connected; updates arrive as they happen.
	LinkLive
	// LinkReconnecting: lost, waiting to redial or dialling again.
	LinkReconnecting
	// LinkOffline: not trying right now: no network, asleep, stopped.
	LinkOffline
	// LinkRejected: the server refused the token; nothing is retried until
	// the user changes the token or asks to reconnect.
	LinkRejected
)

// severity orders links for State's worst-server fields: a refused token
// needs the user, offline and reconnecting need patience, connecting is
// just starting, live is fine.
var linkSeverity = [...]int{LinkLive: 0, LinkConnecting: 1, LinkReconnecting: 2, LinkOffline: 3, LinkRejected: 4}

// Worse reports whether l needs the user's attention more than m does
// (Rejected, then Offline, Reconnecting, Connecting, Live).
func (l Link) Worse(m Link) bool {
	if l < 0 || int(l) >= len(linkSeverity) || m < 0 || int(m) >= len(linkSeverity) {
		return false
	}
	return linkSeverity[l] > linkSeverity[m]
}

// Knowledge says how far the incident list can be trusted.
type Knowledge int

const (
	// Unknown: no catch-up has succeeded on the current server since start.
	// The list is not evidence of anything: never show "all clear".
	Unknown Knowledge = iota
	// Current: live and caught up.
	Current
	// Stale: it was current at AsOf; the link has dropped (or catch-up is
	// failing) since.
	Stale
)

// Incident is an open incident as the store knows it.
type Incident struct {
	ops.Incident
	// Server is the ID of the server it came from (ServerState.ID): the
	// same UUID on two servers is two incidents.
	Server string
	// Acked is true once the user acknowledged it on this desktop.
	Acked bool
	// AckPending is true while an acknowledgement sent from this desktop
	// waits for the server's answer.
	AckPending bool
	// AckErr says why the last acknowledgement sent from this desktop
	// failed ("" when none did); it clears when someone's acknowledgement
	// arrives or a new one is sent.
	AckErr string
}

// Monitor is a monitor's last known status as the store knows it. It
// names its server because two servers may each have a monitor of the
// same name (or uuid): the dashboard must tell them apart, and mark those
// of a server whose knowledge is not Current as stale.
type Monitor struct {
	ops.MonitorChange
	// Server is the ID of the server it came from (ServerState.ID).
	Server string
}

// Unacknowledged reports whether nobody has acknowledged the incident yet:
// not on the server, and not on this desktop either — or on this desktop
// but the acknowledgement failed (AckErr), so the server does not know.
// One awaiting the server's answer (AckPending) counts as acknowledged.
func (in *Incident) Unacknowledged() bool {
	return in.AcknowledgedBy == "" && (!in.Acked || in.AckErr != "")
}

// ServerState is one server's link and knowledge, as State shows it per
// server (State.Servers).
type ServerState struct {
	// ID is the server's stable key (the settings' server ID); "" for
	// the default server, the one Store's own inputs feed.
	ID string
	// Name is the server's name for display ("Production"); the URL for
	// display when it has none.
	Name string
	// Server is the server's URL for display (credentials and query
	// removed), or "Demo server".
	Server string

	Link        Link
	Reason      string
	Since       time.Time
	NextAttempt time.Time

	Knowledge    Knowledge
	AsOf         time.Time
	CatchUpErr   string
	CatchUpRetry time.Time

	// Open and Critical count this server's open incidents, and its open
	// critical ones (acknowledged or not).
	Open, Critical int
}

// State is one immutable picture of everything the UI shows. Slices are
// never modified after publication: subscribers may keep them.
//
// With several servers, Servers has one entry each (in the order they were
// added, see Store.Feed) and the link and knowledge fields below (Server …
// CatchUpRetry) are all those of the one worst server: the worse link
// first (Link.Worse), at the same link the worse knowledge (Unknown, then
// Stale, then Current), at the same of both the first in Servers. That is
// what the one-line summaries must not hide; Current on top therefore
// means every server is live and current. With one server they are that
// server's; with none, LinkConnecting and Unknown.
type State struct {
	// Servers are the servers watched, each with its own link and
	// knowledge; one entry with a single server.
	Servers []ServerState

	// Server is the server's URL for display (credentials and query
	// removed), or "Demo server".
	Server string
	Link   Link
	// Reason says in words why the link is not live ("connection refused",
	// "server rejected the token", "no network"); "" while live.
	Reason string
	// Since is when Link last changed.
	Since time.Time
	// NextAttempt is when the next dial is due; zero when none is scheduled.
	NextAttempt time.Time

	Knowledge Knowledge
	// AsOf is when the list was last known current (zero while Unknown).
	AsOf time.Time
	// CatchUpErr says why the last catch-up failed; "" after a success.
	CatchUpErr string
	// CatchUpRetry is when catch-up will be tried again; zero when none is due.
	CatchUpRetry time.Time

	// Incidents are the open incidents of every server, newest first; at
	// the same instant critical first, then by uuid, then in Servers'
	// order (see Unacknowledged for those nobody acknowledged).
	Incidents []Incident
	// Monitors are the monitors' last known statuses over every server
	// (each names its Server), the unhealthy first, then by name, then in
	// Servers' order, then by uuid.
	Monitors []Monitor

	// PausedUntil is when a notification pause ends; zero when not paused.
	PausedUntil time.Time
	// CriticalsBreakPause is true when criticals notify despite a pause
	// (the default).
	CriticalsBreakPause bool

	// Version increases with every published change.
	Version uint64
}

// Source is what renders state: the store itself in the background
// process, an ipc.Remote in the window process, a fake in tests.
type Source interface {
	// State returns the current picture.
	State() State
	// Subscribe calls fn with every new State, in order, on one goroutine
	// that is not the caller's; fn must not block. off stops it.
	Subscribe(fn func(State)) (off func())
}

// Commands are what a user can ask of the background process, from the
// window, the tray or a notification.
type Commands interface {
	// Acknowledge acknowledges the incident uuid of the server (its
	// ServerState.ID) for everyone: marked here at once, sent to the
	// server, which tells every desktop.
	Acknowledge(server, uuid string)
	// AcknowledgeAllCritical acknowledges, like Acknowledge, every open
	// critical incident of server (its ServerState.ID; "" every server)
	// that nobody has acknowledged: one command saying what the user
	// meant, however many incidents it covers.
	AcknowledgeAllCritical(server string)
	// Reconnect dials server (its ServerState.ID) now, skipping the
	// backoff (and retries a rejected token); "" means every server.
	Reconnect(server string)
	// Pause pauses notifications until the instant (zero resumes).
	Pause(until time.Time)
	// SettingsChanged tells the background process that the settings file
	// (and perhaps the token in the keyring) changed: reload and apply.
	SettingsChanged()
}
