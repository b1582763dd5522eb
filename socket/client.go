package socket

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"
)

// Client is a WebSocket client that stays connected: it reconnects with
// full-jitter backoff, keeps the connection alive with a heartbeat, rejoins
// rooms and flushes a send buffer on every connect, and dispatches typed
// messages to handlers. Create one with New; all methods are safe for
// concurrent use.
type Client struct {
	url   string
	shown string // url without credentials or query, for errors and logs
	opts  Options
	log   *slog.Logger
	clock clock
	rand  func() float64

	disp *dispatcher
	cb   callbacks

	mu            sync.Mutex
	status        Status
	sess          *session      // the running Connect, nil when stopped
	conn          *connection   // the open connection, nil when none
	rooms         []string      // tracked rooms, in join order
	buf           []outgoing    // frames waiting to be written, in order
	everConnected bool          // a connection succeeded since Connect
	calls         calls         // requests awaiting their reply (call.go)
	hsRun         *handshakeRun // the latest Options.Handshake call
	lastSeq       uint64        // the last sequence number given to a buffered frame
}

// outgoing is one encoded frame waiting for the wire.
type outgoing struct {
	frame    []byte
	noBuffer bool
	call     *call  // set for a Call's request (call.go)
	seq      uint64 // set when the writer first takes it (nextFrame)
}

// session is one run of the connection loop, from Connect to Disconnect (or
// to the client stopping by itself).
type session struct {
	ctx        context.Context
	cancel     context.CancelFunc
	kick       chan struct{} // cap 1: re-evaluate pause / reconnect-now
	now        bool          // Reconnect asked to dial at once (guarded by Client.mu)
	dialCancel context.CancelFunc
	done       chan struct{}
}

// New returns a client for rawURL, which must be a ws:// or wss:// URL with a
// host name, a port (if any) in 1-65535 and no credentials (put them in
// Options.Header or Options.Handshake): a URL that can never connect fails
// with an error matching ErrInvalidURL, which never repeats a password.
// Zero-valued options take their documented defaults. The client does
// nothing until Connect.
func New(rawURL string, opts Options) (*Client, error) {
	return newClient(rawURL, opts, realClock{}, defaultRand)
}

func newClient(rawURL string, opts Options, clk clock, rnd func() float64) (*Client, error) {
	u, shown, err := serverURL(rawURL)
	if err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	c := &Client{
		url:    u.String(),
		shown:  shown,
		opts:   opts,
		log:    opts.Logger,
		clock:  clk,
		rand:   rnd,
		status: Status{State: StateDisconnected},
	}
	c.disp = newDispatcher(c.deliver)
	return c, nil
}

// URL returns the server URL the client dials.
func (c *Client) URL() string { return c.url }

// State returns the current connection state.
func (c *Client) State() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.status.State
}

// Status returns the current connection picture.
func (c *Client) Status() Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.status
}

// IsConnected reports whether the connection is open.
func (c *Client) IsConnected() bool { return c.State() == StateConnected }

// setStatusLocked replaces the status and queues the callbacks if it changed.
func (c *Client) setStatusLocked(st Status) {
	old := c.status
	if old == st {
		return
	}
	c.status = st
	c.notifyState(st, old.State != st.State)
}

func (c *Client) setStateLocked(s State) {
	st := c.status
	st.State = s
	c.setStatusLocked(st)
}

// Connect starts connecting in the background and returns at once. It is
// idempotent: while the client is connecting, connected or reconnecting it
// does nothing. After Disconnect, a rejection or giving up, it starts anew.
func (c *Client) Connect() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.startLocked()
}

func (c *Client) startLocked() {
	if c.sess != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &session{ctx: ctx, cancel: cancel, kick: make(chan struct{}, 1), done: make(chan struct{})}
	c.sess = s
	c.everConnected = false
	c.disp.setKeep(true)
	st := c.status
	st.State, st.Attempt, st.Err = StateConnecting, 0, nil
	c.setStatusLocked(st)
	go c.run(s)
}

// Reconnect dials now, skipping any backoff wait and resetting the attempt
// count: the "Reconnect now" button. It starts the client if it had stopped
// (Disconnect, rejection, giving up). It does nothing while connected, and
// the OS pauses (SetOnline, SetAwake) still hold.
func (c *Client) Reconnect() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sess == nil {
		c.startLocked()
		return
	}
	if c.conn != nil {
		return
	}
	c.sess.now = true
	c.kickLocked()
}

func (c *Client) kickLocked() {
	if c.sess == nil {
		return
	}
	select {
	case c.sess.kick <- struct{}{}:
	default:
	}
}

// Disconnect closes the connection cleanly and stops reconnecting until the
// next Connect. It clears the send buffer (tracked rooms are kept). When it
// returns, the client's goroutines have ended and every queued callback has
// run; no handler runs afterwards. It may be called from inside a handler
// (then the handlers still queued run after that handler returns), and more
// than once.
func (c *Client) Disconnect() {
	c.mu.Lock()
	s := c.sess
	c.clearBufferLocked() // calls still buffered fail (call.go)
	if s != nil {
		c.sess = nil
		s.cancel()
		if cn := c.conn; cn != nil {
			cn.requestClose(closeClean)
		}
		st := c.status
		st.State, st.Attempt, st.Err = StateDisconnected, 0, nil
		c.setStatusLocked(st)
	}
	c.mu.Unlock()
	if s != nil {
		<-s.done
	}
	// A Connect that came meanwhile owns the dispatcher now: leave it be.
	c.mu.Lock()
	stopped := c.sess == nil
	if stopped {
		c.disp.setKeep(false)
	}
	c.mu.Unlock()
	if stopped {
		c.disp.wait()
	}
}

// SetOnline tells the client whether the machine has a network. Offline
// closes the connection at once (no close handshake: the peer is out of
// reach) and pauses reconnecting; online dials at once, without backoff.
// osenv calls it from the OS's network events.
func (c *Client) SetOnline(online bool) {
	c.setPause(func(st *Status, v bool) { st.Offline = v }, !online, closeHard)
}

// SetAwake tells the client whether the machine is awake. Going to sleep
// (false) closes the connection cleanly and pauses reconnecting; it returns
// once the socket is closed (or after a short bound), so the caller can let
// the machine sleep. Waking (true) dials at once, without backoff.
func (c *Client) SetAwake(awake bool) {
	c.setPause(func(st *Status, v bool) { st.Asleep = v }, !awake, closeClean)
}

// pauseCloseBound bounds how long SetOnline(false)/SetAwake(false) wait for
// the socket to close.
const pauseCloseBound = time.Second

func (c *Client) setPause(set func(*Status, bool), paused bool, mode closeMode) {
	c.mu.Lock()
	st := c.status
	set(&st, paused)
	if st == c.status {
		c.mu.Unlock()
		return
	}
	var cn *connection
	if paused {
		if c.sess != nil && c.sess.dialCancel != nil {
			c.sess.dialCancel()
		}
		cn = c.conn
		if cn != nil {
			cn.requestClose(mode)
		}
		if c.sess != nil {
			st.State = StateDisconnected
		}
	} else if c.sess != nil {
		c.sess.now = true
	}
	c.setStatusLocked(st)
	c.kickLocked()
	c.mu.Unlock()
	if cn != nil {
		select {
		case <-cn.done:
		case <-time.After(pauseCloseBound):
		}
	}
}

// JoinRoom tracks room: it is joined now if connected (room.join) and
// rejoined on every later connect, before buffered messages. Joining a room
// already tracked does nothing.
func (c *Client) JoinRoom(room string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if slices.Contains(c.rooms, room) {
		return
	}
	c.rooms = append(c.rooms, room)
	if c.conn != nil {
		c.conn.control(roomFrame(RoomJoin, room))
	}
}

// LeaveRoom stops tracking room and, if connected, sends room.leave.
func (c *Client) LeaveRoom(room string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	i := slices.Index(c.rooms, room)
	if i < 0 {
		return
	}
	c.rooms = slices.Delete(c.rooms, i, i+1)
	if c.conn != nil {
		c.conn.control(roomFrame(RoomLeave, room))
	}
}

// JoinedRooms returns the tracked rooms in the order they were joined.
func (c *Client) JoinedRooms() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.rooms)
}

// ClearRooms forgets every tracked room without sending room.leave.
func (c *Client) ClearRooms() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rooms = nil
}

func roomFrame(m Message[Room], room string) []byte {
	b, _ := EncodeMessage(m.Name(), Room{Room: room})
	return b
}

// Send sends an untyped message: {"type": name, ...fields of data}. Prefer
// Emit with a Message, which checks the payload's type at compile time.
// Buffering and errors are as for Emit.
func (c *Client) Send(name string, data any, opts ...SendOption) error {
	var cfg sendConfig
	for _, o := range opts {
		o.apply(&cfg)
	}
	frame, err := EncodeMessage(name, data)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if cfg.noBuffer && (c.conn == nil || c.status.State != StateConnected) {
		return ErrNotConnected
	}
	if len(c.buf) >= c.opts.BufferLimit {
		return fmt.Errorf("%w: %d messages waiting", ErrBufferFull, len(c.buf))
	}
	c.buf = append(c.buf, outgoing{frame: frame, noBuffer: cfg.noBuffer})
	if c.conn != nil {
		c.conn.wakeWriter()
	}
	return nil
}

// Buffered returns how many messages are waiting to be written.
func (c *Client) Buffered() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.buf)
}
