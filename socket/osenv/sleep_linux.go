package osenv

import (
	"context"
	"errors"
	"os"
	"sync"
	"time"

	"github.com/godbus/dbus/v5"
)

const (
	logindName    = "org.freedesktop.login1"
	logindPath    = dbus.ObjectPath("/org/freedesktop/login1")
	logindManager = "org.freedesktop.login1.Manager"
	busName       = "org.freedesktop.DBus"

	busCallTimeout = 5 * time.Second
)

// watchSleep follows logind until ctx ends, with the clock-jump detector
// standing in whenever logind is not there.
func (w *watcher) watchSleep(ctx context.Context) {
	fb := &fallback{w: w, ctx: ctx}
	defer fb.stop()
	l := &logind{w: w, fallback: fb}
	l.run(ctx)
}

// fallback runs the clock-jump detector only while logind is missing: its
// ticker is the one periodic wakeup of an idle watcher, and a machine with
// logind should not pay it. Its methods are called from logind.run's
// goroutine only.
type fallback struct {
	w      *watcher
	ctx    context.Context
	cancel context.CancelFunc // nil while the detector is not running
	wg     sync.WaitGroup
}

// Store starts (true) or stops (false) the detector.
func (f *fallback) Store(on bool) {
	switch {
	case on && f.cancel == nil:
		ctx, cancel := context.WithCancel(f.ctx)
		f.cancel = cancel
		o := f.w.opts
		start := o.Clock.Now()
		f.wg.Go(func() {
			runJumpDetectorFrom(ctx, o.Clock, start, o.TickInterval, o.JumpThreshold, func() bool { return true }, f.w.jumped)
		})
	case !on && f.cancel != nil:
		f.cancel()
		f.cancel = nil
	}
}

// stop ends the detector and waits for it.
func (f *fallback) stop() {
	f.Store(false)
	f.wg.Wait()
}

// logind is the Linux sleep/wake source: PrepareForSleep from the current
// owner of org.freedesktop.login1, and a delay inhibitor lock.
type logind struct {
	w        *watcher
	fallback *fallback
	conn     *dbus.Conn
	owner    string   // unique name of logind's current owner, "" if none
	lock     *os.File // the delay inhibitor; nil when not held
	bound    time.Duration
	asleep   bool
	hadOwner bool // logind has been seen since Watch started
	known    bool // ownerChanged has run once
}

// connect dials the system bus. Until it returns, ending ctx closes the
// connection, so a bus that never answers the handshake cannot keep Watch
// from returning. After that the connection lives until run closes it: a
// reply carrying an inhibitor fd must not be cut off by ctx.
func (l *logind) connect(ctx context.Context) (*dbus.Conn, error) {
	connCtx, cancel := context.WithCancel(context.Background())
	stop := context.AfterFunc(ctx, cancel)
	defer stop()
	opts := []dbus.ConnOption{
		dbus.WithContext(connCtx),
		dbus.WithSignalHandler(dbus.NewSequentialSignalHandler()), // PrepareForSleep true/false must not swap
	}
	var conn *dbus.Conn
	var err error
	if a := l.w.opts.SystemBusAddress; a != "" {
		conn, err = dbus.Connect(a, opts...)
	} else {
		conn, err = dbus.ConnectSystemBus(opts...)
	}
	if err != nil {
		cancel()
	}
	return conn, err
}

func (l *logind) run(ctx context.Context) {
	log := l.w.log
	conn, err := l.connect(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		l.fallback.Store(true)
		log.Info("no system bus: sleep/wake detected from wall-clock jumps only", "err", err)
		<-ctx.Done()
		return
	}
	l.conn = conn
	defer conn.Close()
	defer l.releaseLock()

	sigs := make(chan *dbus.Signal, 16)
	conn.Signal(sigs)
	err = errors.Join(
		conn.AddMatchSignal(
			dbus.WithMatchSender(busName),
			dbus.WithMatchInterface(busName),
			dbus.WithMatchMember("NameOwnerChanged"),
			dbus.WithMatchArg(0, logindName)),
		conn.AddMatchSignal(
			dbus.WithMatchSender(logindName),
			dbus.WithMatchObjectPath(logindPath),
			dbus.WithMatchInterface(logindManager),
			dbus.WithMatchMember("PrepareForSleep")),
	)
	if err != nil {
		l.fallback.Store(true)
		log.Warn("system bus refused signal matches: sleep/wake detected from wall-clock jumps only", "err", err)
		<-ctx.Done()
		return
	}

	// The matches are in place, so any later change of owner arrives as a
	// signal; one that raced this call is handled idempotently.
	var owner string
	callCtx, cancel := context.WithTimeout(ctx, busCallTimeout)
	err = conn.BusObject().CallWithContext(callCtx, busName+".GetNameOwner", 0, logindName).Store(&owner)
	cancel()
	if err != nil {
		owner = ""
	}
	l.ownerChanged(ctx, owner)

	for {
		select {
		case <-ctx.Done():
			return
		case s, ok := <-sigs:
			if !ok {
				l.releaseLock()
				l.wakeIfAsleep()
				l.fallback.Store(true)
				log.Warn("system bus connection lost: sleep/wake detected from wall-clock jumps only")
				<-ctx.Done()
				return
			}
			l.signal(ctx, s)
		}
	}
}

func (l *logind) signal(ctx context.Context, s *dbus.Signal) {
	switch s.Name {
	case busName + ".NameOwnerChanged":
		var name, old, neu string
		if s.Sender != busName || dbus.Store(s.Body, &name, &old, &neu) != nil || name != logindName {
			return
		}
		l.ownerChanged(ctx, neu)
	case logindManager + ".PrepareForSleep":
		var start bool
		if dbus.Store(s.Body, &start) != nil || s.Path != logindPath {
			return
		}
		if l.owner == "" || s.Sender != l.owner {
			l.w.log.Warn("ignored PrepareForSleep from a sender that does not own "+logindName,
				"sender", s.Sender, "owner", l.owner)
			return
		}
		if start {
			l.prepareForSleep(ctx)
		} else {
			l.woke()
		}
	}
}

// ownerChanged follows logind appearing, disappearing or restarting.
func (l *logind) ownerChanged(ctx context.Context, owner string) {
	if l.known && owner == l.owner && (owner == "" || l.lock != nil) {
		return
	}
	l.known = true
	l.owner = owner
	l.releaseLock() // a lock taken from a previous logind means nothing now
	if owner == "" {
		l.fallback.Store(true)
		// Nobody will say "woke" now; we are running, so we are awake.
		l.wakeIfAsleep()
		if !l.hadOwner {
			l.w.log.Info("logind is not running: sleep/wake detected from wall-clock jumps until it appears")
		} else {
			l.w.log.Warn("logind went away: sleep/wake detected from wall-clock jumps until it returns")
		}
		return
	}
	l.hadOwner = true
	l.fallback.Store(false)
	l.wakeIfAsleep()
	l.bound = l.sleepBound(ctx)
	l.w.log.Info("following logind for sleep/wake", "owner", owner, "bound", l.bound)
	l.takeLock()
}

// sleepBound is SleepTimeout, capped at half of logind's InhibitDelayMaxSec.
func (l *logind) sleepBound(ctx context.Context) time.Duration {
	bound := l.w.opts.SleepTimeout
	callCtx, cancel := context.WithTimeout(ctx, busCallTimeout)
	defer cancel()
	var v dbus.Variant
	err := l.conn.Object(logindName, logindPath).CallWithContext(callCtx,
		"org.freedesktop.DBus.Properties.Get", 0, logindManager, "InhibitDelayMaxUSec").Store(&v)
	if err != nil {
		return bound
	}
	if usec, ok := v.Value().(uint64); ok && usec > 0 {
		if half := time.Duration(usec) * time.Microsecond / 2; half < bound {
			bound = half
		}
	}
	return bound
}

func (l *logind) takeLock() {
	if l.lock != nil {
		return
	}
	// Not bounded by Watch's ctx: a call abandoned while its reply is on
	// the way would leave the reply's fd open in this process, and with it
	// a lock that delays every sleep until the process exits. Letting the
	// call finish (logind answers in milliseconds) lets releaseLock close it.
	callCtx, cancel := context.WithTimeout(context.Background(), busCallTimeout)
	defer cancel()
	var fd dbus.UnixFD
	err := l.conn.Object(logindName, logindPath).CallWithContext(callCtx, logindManager+".Inhibit", 0,
		"sleep", "Warpdesk", "close the connection cleanly before sleep", "delay").Store(&fd)
	if err != nil {
		l.w.log.Warn("logind refused a delay inhibitor: the connection may not close before sleep", "err", err)
		return
	}
	l.lock = os.NewFile(uintptr(fd), "logind-inhibitor")
	l.w.log.Debug("holding a sleep delay inhibitor", "fd", int(fd))
}

func (l *logind) releaseLock() {
	if l.lock != nil {
		l.w.log.Debug("releasing the sleep delay inhibitor", "fd", l.lock.Fd())
		_ = l.lock.Close()
		l.lock = nil
	}
}

func (l *logind) prepareForSleep(ctx context.Context) {
	l.asleep = true
	acked, took := l.w.sleepNow(ctx, l.bound)
	l.releaseLock()
	if acked {
		l.w.log.Info("going to sleep: connection closed, sleep released", "took", took.Round(time.Microsecond))
	} else {
		l.w.log.Warn("going to sleep: the client did not close in time; sleep released anyway", "bound", l.bound)
	}
}

func (l *logind) woke() {
	l.w.log.Info("woke from sleep: reconnecting")
	l.asleep = false
	l.w.calls.setAwake(true)
	l.takeLock()
}

func (l *logind) wakeIfAsleep() {
	if l.asleep {
		l.asleep = false
		l.w.calls.setAwake(true)
	}
}
