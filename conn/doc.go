// Package conn drives one server into a store.Store: the socket.Client with
// the token handshake, the room joins, the live ops messages, and the
// catch-up over HTTP. The agent runs one Conn per server; `warpdesk
// listen` can run one too.
//
// # What it does
//
//   - Dials with Options.Token in the handshake's first frame (ops.Auth),
//     asking for the token afresh before every dial and every catch-up.
//   - Joins Options.Rooms on every connect; a live incident of a room not
//     joined (one just left) is ignored.
//   - Tells the store the link as the user reads it (store.SetLink): live,
//     connecting, reconnecting with the reason in words ("connection
//     refused", "token unavailable: …") and when the next dial is due at
//     the latest, offline ("no network", "asleep"), rejected ("server
//     rejected the token").
//   - Catches up after every Connected (and when the rooms or the catch-up
//     URL change): GET ops.IncidentsPath with the token as a Bearer header.
//     While one fails and the link is up it is retried with full-jitter
//     backoff (socket.Backoff, Options.CatchUpDelay up to
//     MaxCatchUpDelay); the store shows why and when (State.CatchUpErr,
//     CatchUpRetry).
//   - Passes the OS watcher's verdicts on (SetOnline, SetAwake), switches
//     servers (SetServer: the store is Reset, so the list is Unknown
//     again) and rooms (SetRooms), and dials at once on Reconnect.
//
// # Frame to notification
//
// A live incident reaches the notifier in 10 calls over 2 goroutines, with
// one JSON decode, one validation and no string round trip (the severity
// stays an ops.Severity throughout):
//
//	socket reader:      parseEnvelope, then the dispatcher's queue
//	socket dispatcher:  1 Client.deliver → 2 Client.decodeAndRun
//	                    → 3 handler.fromJSON (the one decode, into
//	                    wireIncident) → 4 client.onCreated (room check)
//	                    → 5 Store.IncidentCreated (the one validation)
//	                    → 6 incidents.created → 7 dispatcher.push (Opened)
//	store dispatcher:   drain → 8 dispatcher.callEvent (panic isolation)
//	                    → 9 the agent's func(store.Event, store.State)
//	                    → 10 notify.Notifier.Incident
//
// Not counted: the store's apply closure around step 6 (the lock and the
// publication). bench/store_test.go measures the path's latency and
// allocations.
//
// # Concurrency
//
// All methods are safe for concurrent use. Handlers run on the socket's
// dispatcher goroutine, in frame order; the catch-up runs on one goroutine
// of the Conn's own. Close disconnects and waits for both: no goroutine of
// the Conn is left (the store is the caller's to Close).
package conn
