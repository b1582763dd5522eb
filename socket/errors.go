package socket

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

var (
	// ErrNotConnected is returned by Send and Emit with NoBuffer while the
	// client is not connected, and by Call when Disconnect cleared its
	// request from the buffer before it was written.
	ErrNotConnected = errors.New("socket: not connected")
	// ErrBufferFull is returned by Send and Emit when BufferLimit messages
	// are already waiting for a connection.
	ErrBufferFull = errors.New("socket: send buffer full")
	// ErrHeartbeatTimeout is reported through OnError when no pong arrived
	// within HeartbeatTimeout of a ping.
	ErrHeartbeatTimeout = errors.New("socket: heartbeat timeout")
	// ErrConnectionTimeout is reported through OnError when a dial did not
	// finish within ConnectionTimeout.
	ErrConnectionTimeout = errors.New("socket: connection timeout")
	// ErrRejected is matched by the error reported when the server refused
	// the client (see DefaultRejectCodes). The client then stops until
	// Connect or Reconnect.
	ErrRejected = errors.New("socket: rejected by server")
	// ErrGaveUp is matched by the error reported when MaxReconnectAttempts
	// redials failed.
	ErrGaveUp = errors.New("socket: gave up reconnecting")
	// ErrMalformedFrame is matched by the error reported for an incoming
	// frame that is neither a pong nor a valid envelope.
	ErrMalformedFrame = errors.New("socket: malformed frame")
	// ErrFrameTooLarge is matched by the error reported when a frame exceeds
	// ReadLimit.
	ErrFrameTooLarge = errors.New("socket: frame too large")
	// ErrNotObject is returned by Send and Emit when the payload does not
	// encode to a JSON object and so cannot be flattened next to "type".
	ErrNotObject = errors.New("socket: payload is not a JSON object")
	// ErrTypeField is returned by Send and Emit when the payload has its own
	// "type" field, which the wire format reserves for the message name.
	ErrTypeField = errors.New(`socket: payload has a "type" field`)
	// ErrInvalidURL is returned by New for a URL that can never connect.
	ErrInvalidURL = errors.New("socket: invalid URL")
	// ErrCertificate is matched by the error reported when the server's TLS
	// certificate could not be verified; errors.As reaches the crypto/x509
	// error. Retrying soon will not fix it, so the client retries only every
	// MaxReconnectDelay, and Status.Err says why meanwhile.
	ErrCertificate = errors.New("socket: server certificate not trusted")
	// ErrNoName is returned by Send, Emit and EncodeMessage for an empty
	// message name.
	ErrNoName = errors.New("socket: empty message name")
	// ErrInvalidUTF8 is matched by the error reported when a text frame is
	// not valid UTF-8. As RFC 6455 §8.1 and browsers have it, the client
	// then closes the connection with 1007 and reconnects.
	ErrInvalidUTF8 = errors.New("socket: text frame is not valid UTF-8")
)

// DialError reports a failed connection attempt.
type DialError struct {
	URL        string // the server URL without credentials or query, which may hold a token
	Attempt    int    // 0 for the first dial since Connect
	StatusCode int    // HTTP status of a refused upgrade, or 0
	// RetryAfter is the server's Retry-After on HTTP 429 or 503, at most
	// five minutes: the next dial waits at least that long.
	RetryAfter time.Duration
	Err        error
}

func (e *DialError) Error() string {
	if e.StatusCode != 0 {
		return fmt.Sprintf("socket: dial %s: HTTP %d: %v", e.URL, e.StatusCode, e.Err)
	}
	return fmt.Sprintf("socket: dial %s: %v", e.URL, e.Err)
}

func (e *DialError) Unwrap() error { return e.Err }

// CloseError reports that the server closed the connection with a close
// frame. It matches ErrRejected when the code is one of Options.RejectCodes.
type CloseError struct {
	Code     int
	Reason   string
	rejected bool
}

func (e *CloseError) Error() string {
	if e.rejected {
		return fmt.Sprintf("socket: rejected by server: close %d %q", e.Code, e.Reason)
	}
	return fmt.Sprintf("socket: closed by server: close %d %q", e.Code, e.Reason)
}

// Is makes errors.Is(err, ErrRejected) true for a rejecting close code.
func (e *CloseError) Is(target error) bool { return e.rejected && target == ErrRejected }

// DecodeError reports an incoming message whose data could not be decoded
// into the handler's type or failed its validator. The handler is not
// called.
type DecodeError struct {
	Name string // the message name
	Err  error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("socket: message %q: %v", e.Name, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// HandlerPanicError reports a handler that panicked. The panic is recovered
// and the other handlers still run.
type HandlerPanicError struct {
	Name  string // the message name, or the callback kind ("state", "status")
	Value any    // the value passed to panic
	Stack []byte
}

func (e *HandlerPanicError) Error() string {
	return fmt.Sprintf("socket: handler for %q panicked: %v", e.Name, e.Value)
}

// MalformedFramesError reports a burst of bad incoming frames in one
// report. Count is exact: summing it over the reports (counting any other
// ErrMalformedFrame report as one) gives the number of bad frames received.
type MalformedFramesError struct {
	Count int   // how many bad frames this report stands for, at least 2
	Last  error // the last of them; it matches ErrMalformedFrame
}

func (e *MalformedFramesError) Error() string {
	return fmt.Sprintf("socket: %s malformed frames, the last: %v", thousands(e.Count), e.Last)
}

func (e *MalformedFramesError) Unwrap() error { return e.Last }

// thousands formats n with thousands separators: 12,345.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
