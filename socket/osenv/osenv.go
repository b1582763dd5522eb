package osenv

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// Target is what Watch drives. *socket.Client satisfies it.
//
// The two flags are independent pause reasons; the target combines them.
// SetAwake(false) should return once the connection is closed (or a short
// bound has passed): Watch releases the sleep inhibitor right after it.
// Watch never calls the target concurrently and keeps the order of calls.
type Target interface {
	SetOnline(online bool)
	SetAwake(awake bool)
}

// Options configures Watch. The zero value of every field means the
// documented default.
type Options struct {
	// Logger receives what Watch learns and decides. nil: slog.Default().
	Logger *slog.Logger

	// SystemBusAddress is the D-Bus system bus that logind is found on
	// (Linux). "": $DBUS_SYSTEM_BUS_ADDRESS, else the standard socket.
	SystemBusAddress string

	// SleepTimeout bounds how long Watch waits for SetAwake(false) before it
	// lets the machine sleep anyway. 0: 2s. On Linux it is further capped at
	// half of logind's InhibitDelayMaxSec.
	SleepTimeout time.Duration

	// Clock is the time source of the clock-jump detector. nil: the real
	// clock.
	Clock Clock

	// TickInterval is the clock-jump detector's tick. 0: 1s.
	TickInterval time.Duration

	// JumpThreshold is how far past the tick the wall clock must move
	// between two ticks to count as a sleep. 0: 3s.
	JumpThreshold time.Duration

	// Test hooks, set by this package's tests only.
	netns     string // Linux: path of the network namespace to watch
	noNetwork bool   // do not watch the network
	noSleep   bool   // do not watch sleep/wake (nor run the fallback)
}

const (
	defaultSleepTimeout  = 2 * time.Second
	defaultTickInterval  = time.Second
	defaultJumpThreshold = 3 * time.Second
)

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.SleepTimeout <= 0 {
		o.SleepTimeout = defaultSleepTimeout
	}
	if o.Clock == nil {
		o.Clock = realClock{}
	}
	if o.TickInterval <= 0 {
		o.TickInterval = defaultTickInterval
	}
	if o.JumpThreshold <= 0 {
		o.JumpThreshold = defaultJumpThreshold
	}
	o.Logger = o.Logger.With("component", "osenv")
	return o
}

// ErrNilTarget is returned by Watch when it is given no target.
var ErrNilTarget = errors.New("osenv: nil Target")

// Watch watches the operating system's network and power state and drives t
// until ctx ends. Call it once, typically in its own goroutine:
//
//	go osenv.Watch(ctx, client, osenv.Options{Logger: log})
//
// Watch never fails for lack of a mechanism: it logs what is missing once
// and falls back (see the package documentation). It returns nil when ctx
// ends, after every call it made into t has returned and after lifting any
// pause it put in force (SetOnline(true), SetAwake(true)), so that a client
// outliving the watcher is not left paused. No goroutine is left behind.
func Watch(ctx context.Context, t Target, opts Options) error {
	if t == nil {
		return ErrNilTarget
	}
	w := &watcher{opts: opts.withDefaults()}
	w.log = w.opts.Logger
	w.calls = newCaller(t)

	var wg sync.WaitGroup
	if !w.opts.noNetwork {
		wg.Go(func() { w.watchNetwork(ctx) })
	}
	if !w.opts.noSleep {
		wg.Go(func() { w.watchSleep(ctx) })
	}
	wg.Wait()
	w.calls.close()
	return nil
}

// watcher is one Watch call's state, shared by the platform parts.
type watcher struct {
	opts  Options
	log   *slog.Logger
	calls *caller

	// The network goroutine's last report.
	netKnown, online bool
}

// sleepNow calls SetAwake(false) and waits until it returns, bound passes or
// ctx ends. It reports whether the target answered in time.
func (w *watcher) sleepNow(ctx context.Context, bound time.Duration) (acked bool, took time.Duration) {
	start := time.Now()
	done := w.calls.setAwake(false)
	timer := time.NewTimer(bound)
	defer timer.Stop()
	select {
	case <-done:
		return true, time.Since(start)
	case <-timer.C:
	case <-ctx.Done():
	}
	return false, time.Since(start)
}

// jumped is the clock-jump detector's verdict: the machine slept.
func (w *watcher) jumped(gap time.Duration) {
	w.log.Info("wall clock jumped: the machine slept; reconnecting", "gap", gap.Round(time.Millisecond))
	w.calls.setAwake(false)
	w.calls.setAwake(true)
}
