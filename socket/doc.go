// Package socket is a WebSocket client that stays connected: a faithful Go
// port of WarpKit's browser SocketClient, wire-compatible with the servers
// written for it.
//
// # Overview
//
// A Client dials a ws:// or wss:// URL and keeps the connection alive:
//
//   - it reconnects with full-jitter exponential backoff (Backoff): attempt n
//     waits a random time in [0, min(MaxReconnectDelay, ReconnectDelay·2^(n-1)));
//   - it bounds each dial with ConnectionTimeout;
//   - it offers permessage-deflate when Options.Compression is set (a
//     frame's ReadLimit then applies to its inflated size);
//   - it sends the ping frame "2" every HeartbeatInterval and drops a
//     connection from which nothing at all (the pong "3" or any other frame)
//     arrives within HeartbeatTimeout; time the reader spends held back by
//     slow handlers does not count, so a busy link is never dropped;
//   - it tracks rooms (JoinRoom) and re-joins them on every connect;
//   - it buffers messages sent while disconnected (up to BufferLimit) and
//     writes them, in order, right after the room joins;
//   - it pauses while the machine is offline or asleep (SetOnline, SetAwake;
//     package osenv drives them from the OS) and dials at once when it is
//     back.
//
// The zero Options are the documented defaults:
//
//	c, err := socket.New("wss://ops.example.com/ws", socket.Options{})
//	c.Connect()
//	defer c.Disconnect()
//
// # Typed messages
//
// A Message[T] names a message and the Go type of its payload. Declare it
// once and use it with the package functions On and Emit, which check the
// payload type at compile time:
//
//	var IncidentCreated = socket.Define[Incident]("incident.created")
//
//	socket.On(c, IncidentCreated, func(i Incident, env socket.Envelope) { … })
//	socket.Emit(c, IncidentAck, Ack{UUID: id})
//
// Incoming data is checked at run time too: a payload whose JSON types do
// not fit T, or that fails the validator given to DefineValidated (or T's
// own Validate method), is reported through OnError as a *DecodeError and
// never reaches the handler. Before anything is decoded, the keys __proto__,
// constructor and prototype are stripped from every object at every depth,
// as WarpKit does. Frames that are not envelopes and binary frames are
// reported, never fatal; a burst of them is coalesced into one
// *MalformedFramesError whose Count says exactly how many. A message whose
// timestamp is not a number is delivered with a zero Timestamp and
// reported. A frame over ReadLimit, and a text frame that is not valid UTF-8
// (closed with 1007, as RFC 6455 §8.1 and browsers have it), end the
// connection, which is then re-dialled.
//
// Outgoing messages are flattened next to their name, as WarpKit puts them
// on the wire: Emit(c, Auth, AuthData{Token: "t"}) writes
// {"type":"auth","token":"t"}.
//
// # Requests
//
// The protocol itself has no acknowledgements; Call adds request/response
// as an opt-in extension that servers written for WarpKit, which ignore
// unknown fields, still accept. A Request[Req, Resp] names a request and the
// types of its payload and reply:
//
//	var AckIncident = socket.DefineRequest[Ack, AckResult]("incident.acknowledge")
//
//	res, err := socket.Call(ctx, c, AckIncident, Ack{UUID: id})
//
// The request is an outgoing message with a "ref" next to "type"
// ({"type":"incident.acknowledge","ref":"17","uuid":"…"}); the server
// answers with an envelope named "reply" carrying the same ref. Replies
// belong to the client: they go straight to their Call, never to handlers,
// and one that matches no waiting call (late, or from before a reconnect) is
// dropped. docs/PROTOCOL.md has the wire format.
//
// A Call made while disconnected waits in the send buffer like a buffered
// Emit and counts against BufferLimit. Call returns ctx.Err() when ctx ends
// first (a request still buffered is then never written), a *RemoteError
// when the server says no, a *DecodeError when the reply does not fit Resp,
// ErrNotConnected when Disconnect cleared it from the buffer unsent, and
// ErrConnectionLost when its connection ended after it was written. That
// last case is the one the client cannot settle: the server may or may not
// have acted. Make request handlers idempotent (acknowledging twice is
// harmless) and retry; a request still in the buffer when a connection
// drops was never written and simply goes out on the next one.
//
// # Lifecycle
//
// State is connecting, connected, reconnecting or disconnected; Status adds
// why the client is not trying (offline, asleep, rejected, gave up). On
// every successful connect, in this order: the state becomes connected; the
// Handshake message (authentication) is written; room.join for each tracked
// room; the buffered messages; then the Connected event, with Reconnected
// true for every connection after the first since Connect. Disconnected
// carries the close code and reason, even from a server that drops the
// connection right after its close frame: a write that fails then does not
// hide the frame, as the reader reads on (a quarter second at most) for
// what had arrived. A server that closes with a rejecting
// code (DefaultRejectCodes: policy violation and the 4001/4003/4401/4403
// auth codes) or answers the upgrade with HTTP 401/403 is not hammered: the
// client stops, reports an error matching ErrRejected, and waits for Connect
// or Reconnect. A server that answers HTTP 429 or 503 with Retry-After is
// not dialled again before then (at most five minutes). A certificate that
// cannot be verified (ErrCertificate) is retried only every
// MaxReconnectDelay, and Status.Err says so meanwhile.
//
// Closing is never an error: a connection closed by Disconnect, SetOnline
// or SetAwake reports nothing through OnError, and its Disconnected event
// has a nil Err.
//
// Lifecycle events (Connected, Disconnected, ReconnectAttempt,
// ReconnectFailed) come only from the client; a server frame with the same
// name is an ordinary message.
//
// # Authentication
//
// WarpKit's manual sends the auth message from the Connected handler; that
// still works, but the server then sees the room joins and buffered messages
// first. Options.Handshake fixes the order: it is called before every dial
// and can supply upgrade headers and a first message that precedes
// everything else on the connection. Credentials never go in the URL (New
// refuses user:password@; a token in the query is at least kept out of
// errors and logs).
//
// Handshake runs on a goroutine of its own. A panic in it is recovered and
// reported as a *HandlerPanicError, and the dial counts as failed. A
// Handshake that ignores its ctx cannot hold the client: when the dial ends
// (ConnectionTimeout, Disconnect, a pause) the client stops waiting for it
// and the callback is abandoned: it runs on until it returns, its result is
// discarded, and it is not called again before then.
//
// # Concurrency
//
// All methods are safe for concurrent use. Handlers and the OnStateChange,
// OnStatusChange and OnError callbacks run one at a time, in order, on one
// dispatcher goroutine: incoming messages in frame order, never
// concurrently. Callbacks should not block; calling Send, Emit, JoinRoom or
// even Disconnect from inside one is fine. A panicking handler is recovered
// and reported as a *HandlerPanicError; the other handlers still run. When
// received messages arrive faster than handlers consume them, the reader
// waits (back-pressure on the TCP connection) instead of queueing without
// limit. Every path from the reader to the callbacks has that bound,
// reports of bad frames included, so no flood of any kind grows memory
// without limit.
//
// Call blocks only its caller and starts no goroutine; thousands may wait at
// once. Replies bypass the dispatcher: a reply can reach its Call before the
// handlers of messages received just ahead of it have run. A Call made from
// inside a handler holds every later callback until its reply, so give it a
// short deadline there or call from a goroutine.
//
// A connected client runs three goroutines: its connection loop (also the
// only writer), the reader, and the dispatcher, plus one for each
// Options.Handshake call. After Disconnect returns, none is left but an
// abandoned Handshake that has not returned yet.
//
// # Delivery guarantees
//
// A buffered message leaves the buffer only once it was written to a
// connection; a connection that drops mid-flush keeps the rest for the next
// one. The protocol has no acknowledgements, so a frame written into a
// connection that then dies can still be lost in the kernel's buffers; the
// client cannot know. How much depends on how far the server's reading
// lags: about one message per kill while the client sends a trickle, but a
// kill in the middle of a large backlog flush can take megabytes (what the
// socket buffers held), since a flush writes as fast as they take it. Call is the way to know: the reply confirms the
// server acted. NoBuffer messages are never carried over to another
// connection. Disconnect clears the buffer.
//
// # Testing
//
// Package sockettest runs a real server on loopback that speaks this
// protocol, with switches for the failures a client must survive. It
// answers requests too (sockettest.Handle), and can delay, drop or never
// answer them.
package socket
