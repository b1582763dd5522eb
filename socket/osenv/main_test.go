package osenv

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// event is one call the recording target received.
type event struct {
	call string // "online" or "awake"
	v    bool
	at   time.Time // when the call returned
}

func (e event) String() string { return fmt.Sprintf("%s(%v)", e.call, e.v) }

// recTarget records every call. SetAwake(false) runs sleepHook first when
// set (to play a client closing its socket, or one that never returns).
type recTarget struct {
	ch        chan event
	sleepHook func()

	mu  sync.Mutex
	all []event
}

func newRecTarget() *recTarget { return &recTarget{ch: make(chan event, 1024)} }

func (r *recTarget) SetOnline(v bool) { r.add(event{call: "online", v: v}) }

func (r *recTarget) SetAwake(v bool) {
	if !v && r.sleepHook != nil {
		r.sleepHook()
	}
	r.add(event{call: "awake", v: v})
}

func (r *recTarget) add(e event) {
	e.at = time.Now()
	r.mu.Lock()
	r.all = append(r.all, e)
	r.mu.Unlock()
	r.ch <- e
}

func (r *recTarget) events() []event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]event(nil), r.all...)
}

// next returns the next call, failing the test when none comes within d.
func (r *recTarget) next(t *testing.T, d time.Duration) event {
	t.Helper()
	select {
	case e := <-r.ch:
		return e
	case <-time.After(d):
		t.Fatalf("no call on the target within %v (so far: %v)", d, r.events())
		return event{}
	}
}

// expect takes the next call and checks it.
func (r *recTarget) expect(t *testing.T, call string, v bool, d time.Duration) event {
	t.Helper()
	e := r.next(t, d)
	if e.call != call || e.v != v {
		t.Fatalf("got %v, want %s(%v) (all: %v)", e, call, v, r.events())
	}
	return e
}

// none checks that no call is pending right now.
func (r *recTarget) none(t *testing.T) {
	t.Helper()
	select {
	case e := <-r.ch:
		t.Fatalf("unexpected call %v (all: %v)", e, r.events())
	default:
	}
}

// logRecorder is a slog handler that logs through t and lets a test wait
// for a message.
type logRecorder struct {
	t  *testing.T
	mu sync.Mutex
	ms []string
	c  *sync.Cond
}

func newLogRecorder(t *testing.T) *logRecorder {
	l := &logRecorder{t: t}
	l.c = sync.NewCond(&l.mu)
	return l
}

func (l *logRecorder) logger() *slog.Logger { return slog.New(l) }

func (l *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *logRecorder) WithGroup(string) slog.Handler            { return l }
func (l *logRecorder) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	l.t.Logf("%s %s: %s", r.Time.Format("15:04:05.000"), r.Level, b.String())
	l.mu.Lock()
	l.ms = append(l.ms, r.Message)
	l.mu.Unlock()
	l.c.Broadcast()
	return nil
}

// wait blocks until a message containing s was logged, or fails after d.
func (l *logRecorder) wait(t *testing.T, s string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	stop := time.AfterFunc(d, l.c.Broadcast)
	defer stop.Stop()
	l.mu.Lock()
	defer l.mu.Unlock()
	for {
		for _, m := range l.ms {
			if strings.Contains(m, s) {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no log message containing %q within %v (have %q)", s, d, l.ms)
		}
		l.c.Wait()
	}
}

// count says how many messages containing s were logged.
func (l *logRecorder) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, m := range l.ms {
		if strings.Contains(m, s) {
			n++
		}
	}
	return n
}

// startWatch runs Watch until the test ends, then checks that it returns.
func startWatch(t *testing.T, target Target, opts Options) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Watch(ctx, target, opts) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Watch: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Errorf("Watch did not return within 10s of its context ending")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// fakeClock drives the clock-jump detector: Tick moves wall time and
// delivers a tick.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
	c   chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC), c: make(chan time.Time)}
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) NewTicker(time.Duration) Ticker { return fakeTicker{f.c} }

// Tick advances wall time by d and delivers a tick (blocking until the
// detector takes it).
func (f *fakeClock) Tick(t *testing.T, d time.Duration) {
	t.Helper()
	f.mu.Lock()
	f.now = f.now.Add(d)
	now := f.now
	f.mu.Unlock()
	select {
	case f.c <- now:
	case <-time.After(5 * time.Second):
		t.Fatal("the clock-jump detector took no tick within 5s")
	}
}

// ticking reports whether a detector takes a tick within wait (the wall
// time does not move).
func (f *fakeClock) ticking(wait time.Duration) bool {
	select {
	case f.c <- f.Now():
		return true
	case <-time.After(wait):
		return false
	}
}

type fakeTicker struct{ c chan time.Time }

func (f fakeTicker) C() <-chan time.Time { return f.c }
func (fakeTicker) Stop()                 {}
