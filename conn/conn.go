package conn

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/socket"
)

// Defaults applied by New to zero-valued Options fields.
const (
	DefaultCatchUpDelay    = time.Second
	DefaultMaxCatchUpDelay = time.Minute
	DefaultCatchUpTimeout  = 15 * time.Second
)

// Options configures a Conn. Server is required; the zero value of every
// other field means its documented default.
type Options struct {
	// Server is the WebSocket URL (ws:// or wss://).
	Server string
	// Name is State.Server, the server's name for display. Empty means
	// Server without credentials or query.
	Name string
	// CatchUpURL overrides the catch-up endpoint (http:// or https://).
	// Empty means derived from Server (CatchUpURL). Rooms are added as
	// room= parameters either way.
	CatchUpURL string
	// Rooms are joined on every connect; live incidents of other rooms are
	// ignored.
	Rooms []string
	// Token supplies the token before every dial and every catch-up (bound
	// it: it runs with the dial's context). Nil, or an empty token, means
	// no authentication. The token is never logged.
	Token func(ctx context.Context) (string, error)
	// Socket are the client's options; Handshake is set by Conn. A nil
	// Socket.Dialer means IdleDialer.
	Socket socket.Options
	// HTTPClient fetches the catch-up. Nil means a client of our own with a
	// CatchUpTimeout timeout, whose idle connections Close closes.
	HTTPClient *http.Client
	// CatchUpDelay and MaxCatchUpDelay are the backoff of a failing
	// catch-up while connected (full jitter, as socket.Backoff). Zero means
	// 1s and 1 minute.
	CatchUpDelay    time.Duration
	MaxCatchUpDelay time.Duration
	// CatchUpTimeout bounds one catch-up. Zero means 15s.
	CatchUpTimeout time.Duration
	// Logger receives what the connection does. Nil means no logging.
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.CatchUpDelay <= 0 {
		o.CatchUpDelay = DefaultCatchUpDelay
	}
	if o.MaxCatchUpDelay <= 0 {
		o.MaxCatchUpDelay = DefaultMaxCatchUpDelay
	}
	if o.MaxCatchUpDelay < o.CatchUpDelay {
		o.MaxCatchUpDelay = o.CatchUpDelay
	}
	if o.CatchUpTimeout <= 0 {
		o.CatchUpTimeout = DefaultCatchUpTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Socket.Dialer == nil {
		o.Socket.Dialer = IdleDialer
	}
	return o
}

// IdleDialer is the dialer of a Conn whose options name none: one for a
// link that is idle most of the time, as each of the agent's servers is
// (issue 12: at most 64 KiB of heap per idle server). Its read buffer is
// gorilla's 4 KiB rather than socket's 16 KiB (socket.DefaultReadBufferSize
// pays off only under a flood), and write buffers come from a pool shared
// by every connection, so an idle one holds none.
var IdleDialer = &websocket.Dialer{
	Proxy:            http.ProxyFromEnvironment,
	HandshakeTimeout: 45 * time.Second,
	ReadBufferSize:   4 << 10,
	WriteBufferPool:  &sync.Pool{},
}

// Conn drives one server into a store. All methods are safe for concurrent
// use.
type Conn struct {
	st       Sink
	opts     Options
	log      *slog.Logger
	hc       *http.Client
	ownHC    bool
	rand     func() float64
	rooms    atomic.Pointer[[]string] // written under roomsMu
	compress atomic.Bool              // Socket.Compression for the next client (SetCompression)

	// roomsMu orders a change of rooms (SetRooms: the new rooms and the
	// drop of the left rooms' incidents) against what feeds incidents in
	// (a catch-up's merge, a live incident), so that nothing of a room
	// just left gets in after the drop. roomsGen counts the changes: a
	// catch-up fetched for older rooms is void.
	roomsMu  sync.RWMutex
	roomsGen uint64

	mu        sync.Mutex
	cl        *client // the current server's
	catchBase *url.URL
	started   bool
	closed    bool
	offline   bool // SetOnline(false) in force, for the next client too
	asleep    bool // SetAwake(false) in force

	cu     catchUps        // when catch-ups run (loop.go)
	ctx    context.Context // ends at Close
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New prepares a Conn for opts.Server feeding st (which it Resets to the
// server). It does not dial until Start.
func New(st Sink, opts Options) (*Conn, error) {
	opts = opts.withDefaults()
	base, err := catchUpBase(opts.Server, opts.CatchUpURL)
	if err != nil {
		return nil, err
	}
	c := &Conn{
		st:        st,
		opts:      opts,
		log:       opts.Logger,
		hc:        opts.HTTPClient,
		rand:      rand.Float64,
		catchBase: base,
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	if c.hc == nil {
		c.hc, c.ownHC = &http.Client{Timeout: opts.CatchUpTimeout, Transport: catchUpTransport}, true
	}
	rooms := slices.Clone(opts.Rooms)
	c.rooms.Store(&rooms)
	c.compress.Store(opts.Socket.Compression)
	cl, err := c.newClient(opts.Server)
	if err != nil {
		return nil, err
	}
	c.cl = cl
	for _, r := range rooms {
		cl.sc.JoinRoom(r)
	}
	st.Reset(displayName(opts.Server, opts.Name))
	return c, nil
}

// displayName is what State.Server shows: name, or the URL without
// credentials or query (settings.RedactURL, the one redaction).
func displayName(server, name string) string {
	if name != "" {
		return name
	}
	return settings.RedactURL(server)
}

// Start connects; catch-ups follow every connect. Calling it again does
// nothing.
func (c *Conn) Start() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.started || c.closed {
		return
	}
	c.started = true
	c.cl.sc.Connect()
}

// Reconnect dials now, skipping the backoff, and retries a rejected token.
// Wire it to the store: st.SetHooks(store.Hooks{Reconnect: c.Reconnect}).
func (c *Conn) Reconnect() {
	// Under the lock: socket's Reconnect restarts a disconnected client, so
	// one replaced or closed meanwhile (SetServer, Close) must not get it.
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.started && !c.closed {
		c.log.Info("reconnect requested")
		c.cl.sc.Reconnect()
	}
}

// SetOnline passes the OS network state to the client (and to the next one
// after SetServer), so a Conn can be osenv.Watch's target.
func (c *Conn) SetOnline(online bool) {
	c.mu.Lock()
	c.offline = !online
	cl := c.cl
	c.mu.Unlock()
	cl.sc.SetOnline(online)
}

// SetAwake passes the OS power state to the client (see SetOnline).
func (c *Conn) SetAwake(awake bool) {
	c.mu.Lock()
	c.asleep = !awake
	cl := c.cl
	c.mu.Unlock()
	cl.sc.SetAwake(awake)
}

// SetServer switches to another server (name and catch-up override as in
// Options): the old connection closes cleanly, the store is Reset (the
// list is Unknown again) and fills from the new server.
func (c *Conn) SetServer(server, name, catchUpURL string) error {
	base, err := catchUpBase(server, catchUpURL)
	if err != nil {
		return err
	}
	cl, err := c.newClient(server)
	if err != nil {
		return err
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return ErrClosed
	}
	old, started := c.adoptLocked(cl)
	c.catchBase = base
	c.mu.Unlock()
	old.close() // when it returns, no handler of the old client runs
	c.st.Reset(displayName(server, name))
	c.log.Info("server changed", "server", displayName(server, ""))
	if started {
		c.connectIfCurrent(cl)
	}
	return nil
}

// adoptLocked makes cl the client in force, with the OS pauses and the
// rooms put on it before anyone can see it. It returns the client it
// replaced, which the caller closes once c.mu is released, and whether
// the Conn runs (then the caller connects cl: connectIfCurrent).
func (c *Conn) adoptLocked(cl *client) (old *client, started bool) {
	cl.sc.SetOnline(!c.offline)
	cl.sc.SetAwake(!c.asleep)
	for _, r := range *c.rooms.Load() {
		cl.sc.JoinRoom(r)
	}
	old, c.cl = c.cl, cl
	return old, c.started
}

// connectIfCurrent connects cl unless a Close or another switch replaced
// it since it was installed: Connect would bring a closed client back.
func (c *Conn) connectIfCurrent(cl *client) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed && c.cl == cl {
		cl.sc.Connect()
	}
}

// SetCatchUpURL changes the catch-up override ("" derives it from the
// server URL) and catches up from it.
func (c *Conn) SetCatchUpURL(catchUpURL string) error {
	// Derived and assigned in one locked section: a SetServer in between
	// would otherwise get the old server's catch-up URL.
	c.mu.Lock()
	base, err := catchUpBase(c.cl.sc.URL(), catchUpURL)
	if err == nil {
		c.catchBase = base
	}
	c.mu.Unlock()
	if err != nil {
		return err
	}
	c.requestCatchUp()
	return nil
}

// SetRooms changes the rooms: leaves the ones no longer wanted, joins the
// new ones, drops the incidents of rooms left and catches up, so the list
// shows exactly the new rooms' incidents.
func (c *Conn) SetRooms(rooms []string) {
	rooms = slices.Clone(rooms)
	c.roomsMu.Lock()
	old := *c.rooms.Swap(&rooms)
	c.roomsGen++
	c.st.Retain(func(in ops.Incident) bool { return inRooms(rooms, in.Room) })
	c.roomsMu.Unlock()
	c.mu.Lock()
	sc := c.cl.sc
	for _, r := range old {
		if !slices.Contains(rooms, r) {
			sc.LeaveRoom(r)
		}
	}
	for _, r := range rooms {
		if !slices.Contains(old, r) {
			sc.JoinRoom(r)
		}
	}
	c.mu.Unlock()
	c.requestCatchUp()
}

// Rooms returns the rooms joined on every connect.
func (c *Conn) Rooms() []string { return slices.Clone(*c.rooms.Load()) }

// inRooms reports whether an incident in room belongs on this desktop: no
// room, no rooms configured, or one of ours.
func inRooms(rooms []string, room string) bool {
	return room == "" || len(rooms) == 0 || slices.Contains(rooms, room)
}

// Close disconnects and stops the catch-ups; when it returns no
// goroutine or handler of the Conn runs any more. The store is not closed.
// Safe to call twice.
func (c *Conn) Close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	cl := c.cl
	c.mu.Unlock()
	c.stopCatchUps()
	c.cancel()
	cl.close()
	c.wg.Wait()
	if c.ownHC {
		c.hc.CloseIdleConnections()
	}
}

// current returns the client in use and the catch-up URL without rooms.
func (c *Conn) current() (*client, *url.URL) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cl, c.catchBase
}

func (c *Conn) token(ctx context.Context) (string, error) {
	if c.opts.Token == nil {
		return "", nil
	}
	tok, err := c.opts.Token(ctx)
	if err != nil {
		return "", &tokenError{err: err}
	}
	return tok, nil
}
