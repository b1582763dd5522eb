package store

import (
	"io"
	"log/slog"
	"sync"
	"time"
)

// Defaults applied by New to zero-valued Options fields.
const (
	DefaultMaxIncidents = 5000
	DefaultMaxMonitors  = 1000
	// MaxSettledPerCatchUp bounds the Settled events one catch-up
	// publishes (see Store.CaughtUp), the newest incidents first: more
	// would crowd its Revealed and LinkRestored out of the subscribers'
	// bounded queue, and the history keeps no more than that anyway.
	MaxSettledPerCatchUp = 1000
)

// Options configures a Store. The zero value is usable.
type Options struct {
	// Server is State.Server at start (see Reset).
	// When set, the default server "" is listed from the start (see
	// Feed); otherwise once one of Store's own inputs is used.
	Server string
	// Clock stamps changes and ends pauses. Nil means SystemClock.
	Clock Clock
	// MaxIncidents bounds the open incidents kept per server. Zero means
	// DefaultMaxIncidents. Past it the least important (lowest severity,
	// then oldest) is dropped, so a flood cannot push a critical out.
	MaxIncidents int
	// MaxMonitors bounds the monitors kept per server; a new monitor past
	// it is ignored. Zero means DefaultMaxMonitors.
	MaxMonitors int
	// Logger receives what subscribers get wrong (a panic, a stuck
	// subscriber). Nil means no logging.
	Logger *slog.Logger
}

// Hooks are the Commands the store cannot carry out itself; the agent sets
// them to its connection and settings. A nil hook does nothing.
type Hooks struct {
	// Reconnect gets the server's ID (ServerState.ID), "" for every
	// server.
	Reconnect       func(server string)
	SettingsChanged func()
}

// Store is the single owner of what Warpdesk knows, of every server it
// follows (see Feed). It implements Source and Commands. All methods are safe for concurrent use; inputs mutate
// under one lock and the resulting State is queued, in order, to the
// subscribers, which run on the store's one dispatcher goroutine (never
// under the lock, never on the caller's goroutine).
type Store struct {
	clock Clock
	log   *slog.Logger
	disp  *dispatcher

	mu         sync.Mutex
	st         State // the last published State
	servers    []*server
	byID       map[string]*server
	own        Feed   // Store's own inputs: the default server ""
	defServer  string // Options.Server
	born       time.Time
	epochs     uint64 // the last epoch given to a server (see server.epoch)
	maxInc     int
	maxMon     int
	pauseTimer Timer
	pauseGen   uint64 // bumped per timer: a stale timer's call is ignored
	hooks      Hooks
	closed     bool
}

var (
	_ Source   = (*Store)(nil)
	_ Commands = (*Store)(nil)
)

// New returns a store that knows nothing yet: LinkConnecting, Unknown, not
// paused, criticals breaking pauses; no server listed unless
// Options.Server is set. Close it when done: it runs one goroutine.
func New(opts Options) *Store {
	if opts.Clock == nil {
		opts.Clock = SystemClock{}
	}
	if opts.MaxIncidents <= 0 {
		opts.MaxIncidents = DefaultMaxIncidents
	}
	if opts.MaxMonitors <= 0 {
		opts.MaxMonitors = DefaultMaxMonitors
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Store{
		clock:     opts.Clock,
		log:       opts.Logger,
		disp:      newDispatcher(opts.Logger),
		maxInc:    opts.MaxIncidents,
		maxMon:    opts.MaxMonitors,
		defServer: opts.Server,
		born:      opts.Clock.Now(),
	}
	s.own = Feed{s: s, own: true}
	s.st = State{CriticalsBreakPause: true}
	var c change
	if opts.Server != "" {
		s.defaultLocked(s.born, &c)
	}
	s.composeLocked(&c)
	s.st.Version = 1
	return s
}

// State returns the last published State.
func (s *Store) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st
}

// Subscribe calls fn with the current State and then with every new one,
// in order, on the store's dispatcher goroutine. fn must not block: it
// delays every other subscriber. A subscriber that falls far behind is
// given the newest State in place of the ones it missed. off stops it: once
// off returns, fn is not called again (unless it is running right then).
func (s *Store) Subscribe(fn func(State)) (off func()) {
	sub := &stateSub{fn: fn}
	s.mu.Lock()
	sub.from = s.st.Version
	s.disp.addState(sub, s.st)
	s.mu.Unlock()
	return func() { s.disp.remove(sub) }
}

// SubscribeEvents calls fn with every Event from now on, with the State
// that change produced, in order with the States that Subscribe delivers
// (a change's State reaches Subscribe's subscribers before its events
// reach these), on the same dispatcher goroutine. fn must not block.
func (s *Store) SubscribeEvents(fn func(Event, State)) (off func()) {
	sub := &eventSub{fn: fn}
	s.mu.Lock()
	sub.from = s.st.Version
	s.disp.addEvents(sub)
	s.mu.Unlock()
	return func() { s.disp.remove(sub) }
}

// SetHooks sets what Reconnect and SettingsChanged do.
func (s *Store) SetHooks(h Hooks) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hooks = h
}

// Close delivers what is queued to the subscribers, then stops the
// dispatcher and the pause timer; later inputs are ignored. When it returns
// no goroutine of the store is left. Safe to call twice, but not from a
// subscriber (it would wait for itself).
func (s *Store) Close() {
	s.mu.Lock()
	s.closed = true
	if s.pauseTimer != nil {
		s.pauseTimer.Stop()
		s.pauseTimer = nil
	}
	s.mu.Unlock()
	s.disp.close()
}

// change collects what one input did: dirty when State changes; inc and
// mon when a server's incidents or monitors did (then State's merged lists
// are made again, not otherwise).
type change struct {
	dirty, inc, mon bool
	events          []Event
}

func (c *change) emit(e Event) {
	c.dirty = true
	c.events = append(c.events, e)
}

// apply runs f under the lock and publishes the State if f changed it. This
// is the only place State changes.
func (s *Store) apply(f func(now time.Time, c *change)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	var c change
	now := s.clock.Now()
	s.expirePauseLocked(now, &c)
	f(now, &c)
	if !c.dirty && !c.inc && !c.mon {
		return
	}
	s.composeLocked(&c)
	s.st.Version++
	s.disp.push(s.st, c.events, nil)
}
