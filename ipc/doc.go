// Package ipc links Warpdesk's background agent and its window process
// over the window process's stdin and stdout, one JSON object per line.
//
// # Overview
//
// The agent starts `warpdesk window` on demand (see docs/ARCHITECTURE.md)
// and runs a Server on the child's pipes; the window process wraps its own
// stdin and stdout in a Remote, which implements store.Source and
// store.Commands, so the window renders the agent's state exactly as it
// would render a store in its own process.
//
//	agent → window: {"t":"state","state":{…}}   a store.State snapshot
//	                {"t":"show"}                  raise the window
//	                {"t":"showSettings"}          open its Settings window
//	                {"t":"showIncident","server":"…","uuid":"…"}
//	                                              raise it with that incident selected
//	window → agent: {"t":"ack","server":"…","uuid":"…"}   store.Commands, one a line:
//	                {"t":"ackAllCritical","server":"…"}   ("" or absent: every server)
//	                {"t":"reconnect","server":"…"}        ("" or absent: every server)
//	                {"t":"pause","until":"…"} {"t":"settingsChanged"}
//
// The Server sends the current State at once, then every newer State; a
// burst of changes while a line is being written is coalesced into the
// newest one, so a slow window never makes the agent queue snapshots.
//
// "Acknowledge all critical" is one ackAllCritical naming the server the
// dashboard is filtered to, carried out by the agent, never one ack per
// incident: a command says what the user meant, whatever the number of
// incidents.
//
// # Commands while the agent is busy
//
// A Remote never blocks its caller (the window's UI goroutine) and never
// drops a command silently. Commands wait in a bounded queue for the
// pipe; when the agent is not reading:
//
//   - a command equal to one waiting joins it (acknowledging, reconnecting
//     or reloading the settings twice is the same as once); a pause
//     replaces the one waiting (the user's latest choice wins);
//   - reconnects of more than a few servers become one reconnect of
//     every server, which does what each asked;
//   - acknowledgements (ack, ackAllCritical) wait up to MaxPendingAcks;
//     past it they are refused with ErrBusy. TryAcknowledge and
//     TryAcknowledgeAllCritical return it, so the dashboard shows it
//     and the user can press again; the store.Commands methods, which
//     cannot return an error, log it (Options.Logger).
//
// So a stuck agent cannot grow the window's memory, and a user's
// acknowledgement is either on its way or said not to be. Once the link
// has ended, commands fail with the link's error (Err).
//
// # Errors
//
// A link ends, never panics, on a peer that exits (ErrPeerClosed), writes
// a line longer than Options.MaxLine (ErrLineTooLong; the agent reads at
// most MaxCommandLine of the window's lines) or writes anything
// that is not one of the messages above (ErrMalformed). A Remote refuses
// an acknowledgement it cannot queue with ErrBusy (above). Test them with
// errors.Is.
//
// # Concurrency
//
// Server.Show, ShowSettings and ShowIncident, and all of Remote's
// methods, may be called from any goroutine and never block on the peer:
// the window's UI goroutine can call Acknowledge without waiting for the
// pipe. Both sides close their reader
// and writer when the link ends (if they are io.Closers), which is what
// lets the peer notice.
//
// The window process must keep its stdout for the link alone: anything
// else written there ends the link as ErrMalformed.
package ipc
