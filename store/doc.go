// Package store is the single owner of what Warpdesk knows: the connection
// as the user needs to read it, the open incidents and monitors, and the
// notification pause. It imports no GUI package.
//
// # Inputs
//
// Live events (IncidentCreated, IncidentResolved, MonitorChanged), catch-up
// snapshots (BeginCatchUp, then CaughtUp or CatchUpFailed), the link
// (SetLink), a server switch (Reset) and the user's Commands go in through
// methods that validate once, here, at the edge: bad input returns an error
// matching ops.ErrInvalid and changes nothing. Memory is bounded whatever a
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
// subscribers, and the Events it caused (Opened, Revealed, LinkLost,
// LinkRestored, PauseStarted, PauseEnded: typed values, no strings to
// parse) to SubscribeEvents' subscribers. The dashboard, the tray and the
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
