package notify

import (
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/warpdesk/warpdesk/ops"
)

// Defaults for Options.
const (
	DefaultWindow   = 4 * time.Second
	DefaultBurst    = 3
	DefaultRemember = 1024
	DefaultAppName  = "Warpdesk"
)

// Options configure a Notifier. The zero value is ready to use; each field
// says what its zero value means.
type Options struct {
	// Window is the burst window. The first Burst incidents shown in a
	// window notify one by one at once; the rest are counted into one
	// summary at the window's end ("12 new incidents, 3 critical"). While
	// a storm lasts there is one summary per Window. Zero means
	// DefaultWindow (4 s).
	Window time.Duration
	// Burst is how many incidents per Window notify on their own. Zero
	// means DefaultBurst (3).
	Burst int
	// Remember is how many recent incident UUIDs are kept to drop
	// duplicates (a reconnect catch-up replays incidents). Zero means
	// DefaultRemember (1024).
	Remember int
	// Icon is the app icon as PNG bytes, attached to every notification.
	// Nil leaves the icon to the Deliverer.
	Icon []byte
	// AppName names the app in the outage notice. Empty means
	// DefaultAppName ("Warpdesk").
	AppName string
	// Now returns the current time; nil means time.Now. Rules are
	// evaluated in the location of the times it returns. Tests that also
	// need the Notifier's timers to move use testing/synctest instead.
	Now func() time.Time
	// Logger receives decisions (debug) and delivery failures (warn). It
	// never sees incident titles, only UUIDs. Nil discards.
	Logger *slog.Logger
}

// Notifier decides which incidents become desktop notifications and when,
// and hands them to a Deliverer on its own goroutine.
//
// All methods are safe for concurrent use and none of them waits for a
// delivery: Incident takes a mutex, updates counters and returns, so 200
// incidents in a second cost the socket goroutine microseconds and the user
// a handful of notifications. Memory stays bounded whatever the rate or the
// deliverer's speed.
type Notifier struct {
	d   Deliverer
	log *slog.Logger
	now func() time.Time

	mu     sync.Mutex
	eng    *engine
	closed bool

	kick    chan struct{} // cap 1: "the engine changed, look again"
	quit    chan struct{}
	stopped chan struct{}
	once    sync.Once
}

// New returns a running Notifier that delivers through d, with the zero
// Rules (notify everything) until SetRules. Close it when done.
func New(d Deliverer, opts Options) *Notifier {
	if opts.Window <= 0 {
		opts.Window = DefaultWindow
	}
	if opts.Burst <= 0 {
		opts.Burst = DefaultBurst
	}
	if opts.Remember <= 0 {
		opts.Remember = DefaultRemember
	}
	if opts.AppName == "" {
		opts.AppName = DefaultAppName
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	n := &Notifier{
		d:       d,
		log:     opts.Logger,
		now:     opts.Now,
		eng:     newEngine(opts),
		kick:    make(chan struct{}, 1),
		quit:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
	go n.run()
	return n
}

// Incident tells the notifier an incident of server (its ID; "" with one
// server) arrived, and returns what it decided: Notify (its own
// notification follows), Coalesced (counted into the next summary) or the
// reason it stays silent. A critical one is notified again every
// Rules.ReAlert until Settled; a duplicate one that settled before (it
// left the list and is back, unacknowledged) is watched again, without
// a notification now. It never blocks on delivery.
func (n *Notifier) Incident(server string, inc ops.Incident) Decision {
	n.mu.Lock()
	var d Decision
	if n.closed {
		d = Closed
	} else {
		d = n.eng.incident(server, inc, n.now())
	}
	n.mu.Unlock()
	if d.Shown() || inc.Severity == ops.Critical { // a critical may be watched for re-alerts
		n.poke()
	}
	n.log.Debug("notify: incident", "server", server, "uuid", inc.UUID, "severity", string(inc.Severity), "decision", d.String())
	return d
}

// Settled tells the notifier that the incident uuid of server needs
// nobody any more: acknowledged (here or by anyone) or resolved. Its
// re-alerts stop, and what is still to come leaves it out: the burst
// summary and the digest of a pause or quiet hours say what is still open
// ("1 incident while notifications were paused" when two of three were
// resolved meanwhile; none at all when every one was), and its
// notification waiting to be retried after a refusal is dropped. (Closing
// what is on screen is the Deliverer's part: System.Withdraw.)
func (n *Notifier) Settled(server, uuid string) {
	n.update(func(e *engine) { e.settled(server, uuid) })
}

// SetServers tells the notifier which servers are watched, by ID and name.
// With more than one, every notification names its server ("Production ·
// ops · 14:02", "Production is offline"); with one or none, none does.
// A server left out has its outage state forgotten: no notice comes for
// it (an empty list forgets every one, once a list named any). The
// Notifier keeps its own copy.
func (n *Notifier) SetServers(list []Server) {
	n.mu.Lock()
	same := slices.Equal(n.eng.servers, list)
	n.mu.Unlock()
	if !same { // the agent calls this with every event: usually the same list
		n.update(func(e *engine) { e.setServers(list) })
	}
}

// SetRules replaces the rules; they apply to the next incident. The
// Notifier keeps its own copy.
func (n *Notifier) SetRules(r Rules) {
	n.update(func(e *engine) { e.setRules(r, n.now()) })
}

// Rules returns a copy of the rules in force.
func (n *Notifier) Rules() Rules {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.eng.rules.clone()
}

// SetPausedUntil sets Rules.PausedUntil alone, so the tray's pause items
// need no read-modify-write of the whole rules. Zero resumes.
func (n *Notifier) SetPausedUntil(t time.Time) {
	n.update(func(e *engine) {
		r := e.rules
		r.PausedUntil = t
		e.setRules(r, n.now())
	})
}

// ConnectionLost tells the notifier the connection to server (its ID;
// "" with one server) went down at at, or, at start, that it is not up
// yet. If it stays down for Rules.OutageNotice, one notice says so:
// "cannot connect" when neverConnected (no connection got through since
// start or a server switch: store.LinkLost.NeverConnected), else
// "offline", naming the server when several are watched; a muted server
// raises none. Repeated calls during one outage keep the first. Each
// server has its own outage.
func (n *Notifier) ConnectionLost(server string, at time.Time, neverConnected bool) {
	n.update(func(e *engine) { e.lost(server, at, neverConnected) })
}

// ConnectionRestored tells the notifier the connection to server is back.
// A notice not yet raised is cancelled, so brief blips raise nothing; a
// notice that was raised is replaced by "Back online", with what Revealed
// found while it was up ("Back online — 3 new while offline").
func (n *Notifier) ConnectionRestored(server string, at time.Time) {
	n.update(func(e *engine) { e.restored(server, at) })
}

// Revealed tells the notifier what a catch-up of server found: open
// incidents it was not told about (opened while Warpdesk was offline, not
// running, or pointed elsewhere). They go through the same duplicates,
// acknowledgements and rules as Incident (one acknowledged already is not
// counted); a few notify one by one, more as one summary ("5 open
// incidents, 2 critical — opened while Warpdesk was offline"), and a
// notification says how old an old incident is. Call it before
// ConnectionRestored for the catch-up that ends an outage, so that the
// recovery notice carries them.
func (n *Notifier) Revealed(server string, found []ops.Incident) {
	n.update(func(e *engine) { e.revealed(server, found, n.now()) })
}

// SetAwake tells the notifier the machine goes to sleep (false) or woke up
// (true) at at. No outage notice is raised while asleep, and after waking
// the outage debounce starts again from the wake-up, so the reconnect that
// follows a resume raises nothing.
func (n *Notifier) SetAwake(awake bool, at time.Time) {
	n.update(func(e *engine) { e.setAwake(awake, at) })
}

// Close stops the notifier: notifications already decided are delivered;
// the pending summary, the digest, a notification waiting to be retried and
// any outage notice are dropped; and Close waits for the delivery
// goroutine. It does not close the Deliverer. Safe to call more than once;
// later Incident calls return Closed.
func (n *Notifier) Close() error {
	n.once.Do(func() {
		n.mu.Lock()
		n.closed = true
		n.mu.Unlock()
		close(n.quit)
	})
	<-n.stopped
	return nil
}

func (n *Notifier) update(f func(*engine)) {
	n.mu.Lock()
	if !n.closed {
		f(n.eng)
	}
	n.mu.Unlock()
	n.poke()
}

func (n *Notifier) poke() {
	select {
	case n.kick <- struct{}{}:
	default:
	}
}

// run is the delivery goroutine: it takes due notifications from the engine
// and delivers them one at a time, sleeping until the engine's next
// deadline or the next poke.
func (n *Notifier) run() {
	defer close(n.stopped)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		n.drain(false)
		n.mu.Lock()
		dl := n.eng.deadline(n.now())
		n.mu.Unlock()
		if !dl.IsZero() {
			timer.Reset(max(dl.Sub(n.now()), 0))
		}
		select {
		case <-n.kick:
		case <-timer.C:
		case <-n.quit:
			n.drain(true)
			return
		}
		timer.Stop()
	}
}

// drain delivers everything due now; when closing, only what was already
// decided (the outbox). A refused notification is handed back to the engine
// for a later attempt, and the drain stops there: the run loop sleeps until
// the retry is due.
func (n *Notifier) drain(closing bool) {
	for {
		n.mu.Lock()
		var note Notification
		var ok bool
		if closing {
			note, ok = n.eng.takeOutbox()
		} else {
			note, ok = n.eng.next(n.now())
		}
		n.mu.Unlock()
		if !ok {
			return
		}
		err := n.d.Deliver(note)
		if err == nil {
			continue
		}
		if closing {
			n.log.Warn("notify: delivery failed while closing", "id", note.ID, "urgency", note.Urgency.String(), "err", err)
			continue
		}
		n.mu.Lock()
		wait, again := n.eng.failed(note, n.now())
		n.mu.Unlock()
		if !again {
			n.log.Warn("notify: delivery failed; giving up on this notification", "id", note.ID, "urgency", note.Urgency.String(), "err", err)
			continue
		}
		n.log.Warn("notify: delivery failed; retrying", "id", note.ID, "urgency", note.Urgency.String(), "in", wait, "err", err)
		return
	}
}
