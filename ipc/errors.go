package ipc

import "errors"

var (
	// ErrPeerClosed: the other process closed its end or went away (end
	// of input, or a write to a closed pipe). A window process that exits
	// because its window closed ends the link this way.
	ErrPeerClosed = errors.New("ipc: peer closed the link")
	// ErrLineTooLong: the peer sent a line longer than Options.MaxLine.
	ErrLineTooLong = errors.New("ipc: line too long")
	// ErrMalformed: the peer sent a line that is not a message of the
	// protocol (not JSON, an unknown type, a missing or invalid field).
	ErrMalformed = errors.New("ipc: malformed message")
)

// ErrClosed: the link was ended on this side, by Remote.Close.
var ErrClosed = errors.New("ipc: link closed")

// ErrBusy: a Remote refused an acknowledgement because MaxPendingAcks
// already wait for an agent that is not reading its commands. It was not
// sent; the window says so, and the user may try again.
var ErrBusy = errors.New("ipc: the background agent is not taking commands; not sent")
