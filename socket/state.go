package socket

// State is the connection state of a Client, as WarpKit's ConnectionState.
type State string

const (
	// StateDisconnected: not connected and not trying (before Connect, after
	// Disconnect, while paused by SetOnline/SetAwake, after a rejection or
	// after giving up).
	StateDisconnected State = "disconnected"
	// StateConnecting: the first dial since Connect is under way.
	StateConnecting State = "connecting"
	// StateConnected: the WebSocket is open.
	StateConnected State = "connected"
	// StateReconnecting: a connection was lost or a dial failed, and the
	// client is waiting out its backoff or redialling.
	StateReconnecting State = "reconnecting"
)

// String returns the state's wire-compatible name.
func (s State) String() string { return string(s) }

// Status is the whole connection picture at one moment: the State plus why
// the client is not trying, if it is not. It is meant for user interfaces,
// which can render it as one source of truth.
type Status struct {
	// State is the connection state.
	State State
	// Offline is true while SetOnline(false) is in force.
	Offline bool
	// Asleep is true while SetAwake(false) is in force.
	Asleep bool
	// Attempt counts failed dials since the last successful connection.
	Attempt int
	// Err says why the client stopped by itself: it matches ErrRejected
	// (the server refused the client) or ErrGaveUp (MaxReconnectAttempts
	// reached). While reconnecting it matches ErrCertificate when the
	// server's certificate failed and the client retries only every
	// MaxReconnectDelay. It is nil otherwise, and cleared by a connection,
	// Connect or Reconnect.
	Err error
}

// Paused reports whether reconnecting is held back by the OS state.
func (s Status) Paused() bool { return s.Offline || s.Asleep }
