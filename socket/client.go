package socket

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gorilla/websocket"
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
	return &Client{
		url:    u.String(),
		shown:  shown,
		opts:   opts,
		log:    opts.Logger,
		clock:  clk,
		rand:   rnd,
		disp:   newDispatcher(),
		status: Status{State: StateDisconnected},
	}, nil
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

// run is the connection loop of one session: dial, serve the connection,
// wait out the backoff, dial again. It owns the dial and, while connected,
// is the connection's only writer.
func (c *Client) run(s *session) {
	defer close(s.done)
	redials := 0 // ReconnectAttempt events since the last successful connect
	for {
		if !c.waitUnpaused(s) {
			return
		}
		c.takeNow(s) // this dial is the "now" that was asked for
		ws, hello, err := c.dial(s, redials)
		if err == nil {
			redials = 0
			end := c.serve(s, ws, hello)
			if s.ctx.Err() != nil {
				return
			}
			if errors.Is(end, ErrRejected) {
				c.stop(s, end)
				return
			}
			if c.opts.DisableReconnect {
				c.stop(s, nil)
				return
			}
			if c.paused() {
				continue // closed for SetOnline/SetAwake: no backoff
			}
		} else {
			if s.ctx.Err() != nil {
				return
			}
			if c.paused() {
				continue // the dial was cut short by SetOnline/SetAwake
			}
			c.report(err)
			if errors.Is(err, ErrRejected) {
				c.stop(s, err)
				return
			}
			if c.opts.DisableReconnect {
				c.stop(s, nil)
				return
			}
		}
		// Wait out the backoff, unless told to dial now.
		if c.takeNow(s) {
			redials = 0
		} else {
			if max := c.opts.MaxReconnectAttempts; max > 0 && redials >= max {
				emitEvent(c, ReconnectFailed, ReconnectFailedEvent{Attempts: redials})
				c.stop(s, fmt.Errorf("%w after %d attempts", ErrGaveUp, redials))
				return
			}
			c.mu.Lock()
			if c.sess == s && !c.status.Paused() {
				st := c.status
				st.State, st.Attempt = StateReconnecting, redials+1
				c.setStatusLocked(st)
			}
			c.mu.Unlock()
			d := Backoff(redials+1, c.opts.ReconnectDelay, c.opts.MaxReconnectDelay, c.rand())
			if !c.sleep(s, d) {
				return
			}
			if c.paused() {
				continue
			}
			if c.takeNow(s) {
				redials = 0
			}
		}
		redials++
		emitEvent(c, ReconnectAttempt, ReconnectAttemptEvent{Attempt: redials})
	}
}

// paused reports whether the OS state holds reconnecting back.
func (c *Client) paused() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.status.Paused()
}

// takeNow consumes a pending "dial now" request.
func (c *Client) takeNow(s *session) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := s.now
	s.now = false
	return now
}

// waitUnpaused blocks while the client is paused. It reports false when the
// session ended.
func (c *Client) waitUnpaused(s *session) bool {
	for {
		c.mu.Lock()
		paused := c.status.Paused()
		if paused && c.sess == s {
			c.setStateLocked(StateDisconnected)
		}
		c.mu.Unlock()
		if !paused {
			return s.ctx.Err() == nil
		}
		select {
		case <-s.ctx.Done():
			return false
		case <-s.kick:
		}
	}
}

// sleep waits d, or less if kicked (a pause change or Reconnect). It reports
// false when the session ended.
func (c *Client) sleep(s *session, d time.Duration) bool {
	t := c.clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-s.ctx.Done():
		return false
	case <-t.C():
	case <-s.kick:
	}
	return s.ctx.Err() == nil
}

// stop ends the session by the client's own decision (rejection, giving up,
// reconnect disabled), leaving it disconnected until Connect or Reconnect.
func (c *Client) stop(s *session, why error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sess != s {
		return
	}
	c.sess = nil
	s.cancel()
	c.disp.setKeep(false)
	st := c.status
	st.State, st.Err = StateDisconnected, why
	c.setStatusLocked(st)
}

// dial makes one connection attempt, bounded by ConnectionTimeout and cut
// short by Disconnect or a pause.
func (c *Client) dial(s *session, attempt int) (*websocket.Conn, []byte, error) {
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	c.mu.Lock()
	if c.sess != s || c.status.Paused() {
		c.mu.Unlock()
		return nil, nil, context.Canceled
	}
	s.dialCancel = cancel
	if c.status.State == StateDisconnected {
		if c.everConnected {
			c.setStateLocked(StateReconnecting)
		} else {
			c.setStateLocked(StateConnecting)
		}
	}
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		s.dialCancel = nil
		c.mu.Unlock()
	}()
	if c.opts.ConnectionTimeout > 0 {
		var tcancel context.CancelFunc
		ctx, tcancel = context.WithTimeout(ctx, c.opts.ConnectionTimeout)
		defer tcancel()
	}
	fail := func(status int, err error) error {
		var ne net.Error
		timedOut := ctx.Err() == context.DeadlineExceeded || (errors.As(err, &ne) && ne.Timeout())
		if timedOut && c.opts.ConnectionTimeout > 0 && s.ctx.Err() == nil {
			err = fmt.Errorf("%w after %v: %v", ErrConnectionTimeout, c.opts.ConnectionTimeout, err)
		}
		return &DialError{URL: c.shown, Attempt: attempt, StatusCode: status, Err: err}
	}

	header, hello, err := c.upgradeRequest(ctx)
	if err != nil {
		return nil, nil, fail(0, err)
	}

	// gorilla honours the context's deadline during the upgrade but not its
	// cancellation: close the TCP connection ourselves when ctx ends early.
	d := *c.opts.Dialer
	netDial := d.NetDialContext
	if netDial == nil {
		var nd net.Dialer
		netDial = nd.DialContext
	}
	var stopWatch func() bool
	d.NetDialContext = func(dctx context.Context, network, addr string) (net.Conn, error) {
		nc, err := netDial(dctx, network, addr)
		if err == nil {
			// Watch our ctx, not dctx: gorilla cancels dctx when it returns.
			stopWatch = context.AfterFunc(ctx, func() { nc.Close() })
		}
		return nc, err
	}
	ws, resp, err := d.DialContext(ctx, c.url, header)
	if stopWatch != nil && !stopWatch() && err == nil {
		// ctx ended just as the upgrade finished: the socket is closed.
		ws.Close()
		return nil, nil, fail(0, ctx.Err())
	}
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
			if status == http.StatusUnauthorized || status == http.StatusForbidden {
				err = fmt.Errorf("%w: %v", ErrRejected, err)
			}
		}
		return nil, nil, fail(status, err)
	}
	return ws, hello, nil
}
