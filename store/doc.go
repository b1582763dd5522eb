// Package store is the single owner of what Warpdesk knows: the connection
// as the user needs to read it, the open incidents and monitors, and the
// notification pause. It imports no GUI package.
//
// # Servers
//
// The store follows several servers at once. Store.Feed(id, name) adds one
// and returns its inputs (a Feed, what one conn drives); RemoveFeed forgets
// it. Each server has its own link, knowledge, incidents (deduplicated per
// server: the same uuid on two servers is two incidents) and monitors;
// State lists them (State.Servers), merges their incidents (each names its
// Incident.Server) and shows the worst server's link and knowledge on top.
// Store's own inputs feed the default server "", which is listed once
// Options.Server is set or one of them is used: a store that follows one
// server works as it always did.
//
// # Inputs
//
// Live events (IncidentCreated, IncidentResolved, IncidentAcknowledged,
// MonitorChanged), catch-up snapshots (BeginCatchUp, then CaughtUp or
// CatchUpFailed), the link (SetLink), a server switch (Reset), this
// desktop's acknowledgements (AckSent, AckFailed) and the user's Commands
// go in through methods that validate once, here, at the edge: bad input
// returns an error matching ops.ErrInvalid and changes nothing. Memory is bounded whatever a
// server sends (Options.MaxIncidents, MaxMonitors, a bounded set of
// tombstones, a bounded delivery queue).
//
// # Knowledge
//
// Knowledge says how far the list can be trusted. It is Unknown until the
// first successful catch-up on the current server (a failed one keeps it
// Unknown: the next success is still the first), Current while the link is
// live and a catch-up has succeeded since it went live, and Stale (as of
// AsOf) once the link drops or a catch-up fails.
//
// # Outputs
//
// Every change publishes an immutable State (Version + 1) to Subscribe's
// subscribers, and the Events it caused (Opened, Revealed, Settled,
// LinkLost, LinkRestored, PauseStarted, PauseEnded: typed values, no
// strings to parse; a server's events name it) to SubscribeEvents'
// subscribers. A change rebuilds only what it touched: the merged
// incident list is made again only when some server's incidents changed. The dashboard, the tray and the
// notifier only subscribe: none of them keeps state of its own that the
// store also has.
//
// # Concurrency
//
// All methods are safe for concurrent use. Inputs mutate under one lock and
// queue their result in the same critical section, so the order of
// publication is the order of the changes; one dispatcher goroutine then
// calls the subscribers, outside the lock, one at a time (as centrifuge's
// ordered callback queue does). Subscribers must not block; calling the
// store from one is fine. A panicking subscriber is recovered and logged.
// Close drains the queue and stops the goroutine.
//
// See docs/ARCHITECTURE.md for where the store sits between the processes.
package store
