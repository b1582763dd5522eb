package store_test

import (
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// fakeClock is a store.Clock whose time moves only by Advance, which runs
// the timers that fall due, in order, on the caller's goroutine.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	c    *fakeClock
	at   time.Time
	f    func()
	done bool
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 12, 1, 17, 35, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) store.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{c: c, at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	return t
}

func (t *fakeTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := !t.done
	t.done = true
	return was
}

// Advance moves the time on by d and runs the timers due by then.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	var due []*fakeTimer
	for _, t := range c.timers {
		if !t.done && !t.at.After(c.now) {
			t.done = true
			due = append(due, t)
		}
	}
	c.mu.Unlock()
	for _, t := range due {
		t.f()
	}
}

// recorder subscribes to a store's States and Events.
type recorder struct {
	cur    store.State // the last State taken from states
	states chan store.State
	events chan store.Event
}

const wait = 5 * time.Second

func newStore(t *testing.T, clk store.Clock) (*store.Store, *recorder) {
	t.Helper()
	s := store.New(store.Options{Server: "ws://test", Clock: clk})
	t.Cleanup(s.Close)
	r := &recorder{states: make(chan store.State, 1000), events: make(chan store.Event, 1000)}
	s.Subscribe(func(st store.State) { r.states <- st })
	s.SubscribeEvents(func(e store.Event, _ store.State) { r.events <- e })
	r.state(t) // the initial one
	return s, r
}

// state returns the next published State.
func (r *recorder) state(t *testing.T) store.State {
	t.Helper()
	select {
	case st := <-r.states:
		r.cur = st
		return st
	case <-time.After(wait):
		t.Fatal("no State published")
	}
	return store.State{}
}

// last waits until the publications settle (until s.State's version
// arrives) and returns the last one.
func (r *recorder) last(t *testing.T, s *store.Store) store.State {
	t.Helper()
	want := s.State().Version
	for r.cur.Version < want {
		r.state(t)
	}
	return r.cur
}

// event returns the next Event.
func (r *recorder) event(t *testing.T) store.Event {
	t.Helper()
	select {
	case e := <-r.events:
		return e
	case <-time.After(wait):
		t.Fatal("no Event published")
	}
	return nil
}

// noEvent checks that nothing was published since (after the store's
// queue has drained up to s.State's version).
func (r *recorder) noEvent(t *testing.T, s *store.Store) {
	t.Helper()
	r.last(t, s)
	flush(t, s)
	select {
	case e := <-r.events:
		t.Errorf("unexpected event %T %+v", e, e)
	default:
	}
}

// eventOf returns the next Event, which must be of type T.
func eventOf[T store.Event](t *testing.T, r *recorder) T {
	t.Helper()
	e := r.event(t)
	v, ok := e.(T)
	if !ok {
		var want T
		t.Fatalf("event %T %+v, want %v", e, e, reflect.TypeOf(want))
	}
	return v
}

func inc(uuid string, at int64, sev ops.Severity) ops.Incident {
	return ops.Incident{UUID: uuid, Title: "incident " + uuid, Severity: sev, Room: "ops", CreatedAt: at}
}

func uuids(l []store.Incident) string {
	var s []string
	for _, in := range l {
		s = append(s, in.UUID)
	}
	return strings.Join(s, ",")
}

func snap(in ...ops.Incident) ops.Snapshot { return ops.Snapshot{Incidents: in} }

// live brings the store to Current: link live, one catch-up of snapshot.
func live(t *testing.T, s *store.Store, sn ops.Snapshot) {
	t.Helper()
	must(t, s.SetLink(store.LinkStatus{Link: store.LinkLive}))
	if _, err := s.CaughtUp(s.BeginCatchUp(), sn); err != nil {
		t.Fatal(err)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// flush waits until everything the store queued so far was delivered: a new
// subscriber's first call comes after them.
func flush(t *testing.T, s *store.Store) {
	t.Helper()
	done := make(chan struct{})
	var once sync.Once
	off := s.Subscribe(func(store.State) { once.Do(func() { close(done) }) })
	defer off()
	select {
	case <-done:
	case <-time.After(wait):
		t.Fatal("the store's dispatcher is stuck")
	}
}
