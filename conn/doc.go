// Package conn drives one server into the store (a Sink: that server's
// store.Feed, or a store.Store that follows one server): the socket.Client
// with the token handshake, the room joins, the live ops messages, and the
// catch-up over HTTP. The agent runs one Conn per enabled server; `warpdesk
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
//     URL change): GET ops.IncidentsPath with the token as a Bearer header,
//     once the server has applied the room joins (a "warpdesk.sync"
//     request: any answer, even unknown_request, comes after them; a server
//     that answers no request is waited for 2 s once). A catch-up fetched
//     for rooms since left is void; the one for the new rooms follows.
//     While one fails and the link is up it is retried with full-jitter
//     backoff (socket.Backoff, Options.CatchUpDelay up to
//     MaxCatchUpDelay); the store shows why and when (State.CatchUpErr,
//     CatchUpRetry).
//   - Passes the OS watcher's verdicts on (SetOnline, SetAwake), switches
//     servers (SetServer: the store is Reset, so the list is Unknown
//     again) and rooms (SetRooms), and dials at once on Reconnect. Redial
//     (a token changed) and SetCompression dial the same server again
//     with a new connection, keeping the list.
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
// dispatcher goroutine, in frame order; catch-ups run on a goroutine the
// Conn starts when one is due and that ends when none is, and a timer
// waits for a retry. Close disconnects and waits for both: no goroutine of
// the Conn is left (the store is the caller's to Close).
//
// # Cost while idle
//
// An idle Conn holds no goroutine of its own (the socket's three are
// all), no kept-alive HTTP connection, and, with IdleDialer, a 4 KiB read
// buffer and no write buffer: about 54 KiB of heap with its share of the
// store (BenchmarkServers in bench/; issue 12 allows 64 KiB and 3
// goroutines per extra server).
package conn
