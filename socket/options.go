package socket

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/websocket"
)

// Defaults applied by New to zero-valued Options fields.
const (
	DefaultReconnectDelay    = 500 * time.Millisecond
	DefaultMaxReconnectDelay = 20 * time.Second
	DefaultConnectionTimeout = 5 * time.Second
	DefaultHeartbeatInterval = 25 * time.Second
	DefaultHeartbeatTimeout  = 5 * time.Second
	DefaultBufferLimit       = 1000
	DefaultReadLimit         = 1 << 20 // 1 MiB
	DefaultWriteTimeout      = 10 * time.Second
	// DefaultReadBufferSize is the read buffer of the default Dialer: 16 KiB
	// instead of gorilla's 4 KiB cuts read system calls 4× under load, for
	// 12 KiB more per connection.
	DefaultReadBufferSize = 16 << 10
)

// DefaultRejectCodes are the close codes by which a server says "you may not
// connect": 1008 (policy violation) and the application codes 4001
// (unauthorized), 4003 (forbidden), 4401 and 4403 (HTTP-style). A client
// closed with one of them stops reconnecting and reports an error matching
// ErrRejected; so does an upgrade answered with HTTP 401 or 403.
var DefaultRejectCodes = []int{websocket.ClosePolicyViolation, 4001, 4003, 4401, 4403}

// Options configures a Client. The zero value of every field means the
// documented default, so socket.Options{} is a sensible configuration.
type Options struct {
	// DisableReconnect turns automatic reconnection off. By default a lost
	// connection is re-established with full-jitter exponential backoff.
	DisableReconnect bool
	// ReconnectDelay is the backoff base: attempt n waits a random duration
	// in [0, min(MaxReconnectDelay, ReconnectDelay*2^(n-1))). Zero means 500ms.
	ReconnectDelay time.Duration
	// MaxReconnectDelay caps the backoff window. Zero means 20s.
	MaxReconnectDelay time.Duration
	// MaxReconnectAttempts is how many redials are made after a failure
	// before the client gives up (ReconnectFailed, ErrGaveUp). Zero means
	// unlimited.
	MaxReconnectAttempts int
	// ConnectionTimeout bounds one dial: TCP connect, TLS and the WebSocket
	// upgrade. Zero means 5s; negative means no timeout.
	ConnectionTimeout time.Duration
	// HeartbeatInterval is how often the client sends the ping frame "2"
	// while connected. Zero means 25s; negative disables the heartbeat.
	HeartbeatInterval time.Duration
	// HeartbeatTimeout is how long the client waits for the pong "3" before
	// it declares the connection dead. Zero means 5s.
	HeartbeatTimeout time.Duration
	// BufferLimit is how many outgoing messages (Send, Emit, and Call
	// requests not yet written) may wait for a connection. Zero means 1000.
	// A send past the limit fails with ErrBufferFull; nothing is dropped
	// silently.
	BufferLimit int
	// ReadLimit is the largest frame accepted, in bytes. Zero means 1 MiB. A
	// larger frame is reported and the connection is closed and re-dialled.
	ReadLimit int64
	// WriteTimeout bounds a single frame write. Zero means 10s.
	WriteTimeout time.Duration
	// RejectCodes are the close codes after which the client stops instead
	// of reconnecting. Nil means DefaultRejectCodes.
	RejectCodes []int
	// Header is sent with every upgrade request.
	Header http.Header
	// Handshake, if set, is called before every dial. Its Header is added to
	// the upgrade request and its message, if named, is the very first frame
	// on the new connection: before any room.join or buffered message. This
	// is where authentication belongs. An error fails the dial attempt, and
	// so does a panic, which is recovered and reported as a
	// *HandlerPanicError named "handshake". ctx ends with the dial
	// (ConnectionTimeout, Disconnect, a pause): the client then stops
	// waiting, so a Handshake that ignores ctx holds nothing up; it keeps
	// running on its own goroutine until it returns, its result is
	// discarded, and Handshake is not called again before it has returned
	// (dials meanwhile fail with ErrConnectionTimeout).
	Handshake func(ctx context.Context) (Handshake, error)
	// Compression offers permessage-deflate (RFC 7692) on the upgrade;
	// frames are compressed only if the server accepts it. Each message is
	// compressed on its own (no context takeover): on ~230-byte envelopes it
	// saved 21 % of the bytes and cost ~20 µs a message to inflate (see
	// docs/BENCHMARKS.md), so it pays for large, repetitive payloads on slow
	// links. ReadLimit then bounds a frame's inflated size. False means no
	// compression.
	Compression bool
	// Dialer dials the connection. Nil means a copy of
	// websocket.DefaultDialer with a DefaultReadBufferSize read buffer.
	Dialer *websocket.Dialer
	// Logger receives debug and warning records. Nil means no logging.
	Logger *slog.Logger
}

// Handshake is what Options.Handshake supplies for one dial.
type Handshake struct {
	// Header is merged into the upgrade request's headers.
	Header http.Header
	// Name, when not empty, makes {"type": Name, ...Data} the first frame
	// on the connection.
	Name string
	// Data is the first frame's payload; it must encode to a JSON object.
	Data any
}

func (o Options) withDefaults() Options {
	if o.ReconnectDelay <= 0 {
		o.ReconnectDelay = DefaultReconnectDelay
	}
	if o.MaxReconnectDelay <= 0 {
		o.MaxReconnectDelay = DefaultMaxReconnectDelay
	}
	if o.MaxReconnectDelay < o.ReconnectDelay {
		o.MaxReconnectDelay = o.ReconnectDelay
	}
	if o.MaxReconnectAttempts < 0 {
		o.MaxReconnectAttempts = 0
	}
	if o.ConnectionTimeout == 0 {
		o.ConnectionTimeout = DefaultConnectionTimeout
	}
	if o.HeartbeatInterval == 0 {
		o.HeartbeatInterval = DefaultHeartbeatInterval
	}
	if o.HeartbeatTimeout <= 0 {
		o.HeartbeatTimeout = DefaultHeartbeatTimeout
	}
	if o.BufferLimit <= 0 {
		o.BufferLimit = DefaultBufferLimit
	}
	if o.ReadLimit <= 0 {
		o.ReadLimit = DefaultReadLimit
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = DefaultWriteTimeout
	}
	if o.RejectCodes == nil {
		o.RejectCodes = DefaultRejectCodes
	}
	if o.Dialer == nil {
		d := *websocket.DefaultDialer
		d.ReadBufferSize = DefaultReadBufferSize
		o.Dialer = &d
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return o
}
