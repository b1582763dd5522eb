// Package sockettest provides a real WebSocket server on loopback that speaks
// the WarpKit wire protocol, for tests of code built on package socket and
// for Warpdesk's demo mode.
//
// The server keeps per-connection rooms (room.join / room.leave), answers the
// heartbeat ping "2" with "3" (switchable off, to play a dead peer), records
// every frame it receives, broadcasts envelopes to a room, can drop every
// connection, and can stop and restart on the same address.
//
// # Authentication
//
// With Options.Token set, the server requires authentication, as a real
// backend would. A client proves it holds the token in one of three ways:
//
//   - the upgrade header "Authorization: Bearer <token>" (what package socket
//     sends through Options.Header or Handshake; Go and Node clients can set
//     headers);
//   - the query parameter ?token=<token> on the WebSocket URL, which is the
//     only place a browser can put it, since the browser WebSocket API sets no
//     headers (WarpKit's README does this). A token in a URL ends up in
//     proxy and access logs, so clients that can send a header should;
//   - an auth frame {"type":"auth","token":"<token>"} at any time within
//     Options.AuthTimeout of the upgrade.
//
// A token presented on the upgrade that does not match, a wrong auth frame,
// or no auth within AuthTimeout, closes the connection with code 4001
// "unauthorized". A server with several users accepts Options.Tokens as
// well as Token; ConnToken tells which one a connection presented.
//
// The auth frame need not come first. WarpKit's client, on every open,
// re-joins its rooms and flushes its send buffer before it fires Connected,
// where its manual sends auth; so room joins and messages arrive before the
// auth frame. The server holds them (at most MaxHeldFrames frames and
// MaxHeldBytes bytes; more closes the connection with 1008 "policy
// violation") and applies them, in order, the moment auth succeeds: the
// joins take effect together with the authentication, so no broadcast falls
// between them. Until then the connection receives no broadcasts, its pings
// are answered, and OnMessage hooks do not see its frames. Held frames are
// dropped, never applied, when auth fails.
//
// # Closing
//
// When the server closes a connection (refusing it, or CloseAll), it does
// the close handshake of RFC 6455 §5.5.1: it writes the close frame, keeps
// reading (and discarding) until the client's close frame comes back, and
// only then closes TCP, waiting at most CloseWait. Closing TCP at once would
// reset the connection under a client that is still writing, and the client
// would see 1006 instead of the close code. DropAll and Stop cut TCP
// abruptly on purpose.
//
// # Compression
//
// Options.Compression negotiates permessage-deflate (RFC 7692) with clients
// that offer it, as gorilla's Upgrader.EnableCompression does: frames to
// those clients are compressed, frames from them may be. Clients that do
// not offer it get uncompressed frames.
package sockettest
