package store_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

func TestTombstonesBounded(t *testing.T) {
	s := store.New(store.Options{})
	defer s.Close()
	for i := range 3 * store.MaxTombstones {
		u := fmt.Sprint(i)
		must(t, s.IncidentCreated(inc(u, int64(i), ops.Info)))
		must(t, s.IncidentResolved(u))
	}
	if n := s.Tombstones(); n > store.MaxTombstones {
		t.Errorf("%d tombstones kept, want at most %d", n, store.MaxTombstones)
	}
}

// States arrive in order, each one immutable: a subscriber may keep them.
func TestStatesInOrderAndImmutable(t *testing.T) {
	s, r := newStore(t, newFakeClock())
	must(t, s.IncidentCreated(inc("a", 1, ops.Info)))
	kept := r.state(t)
	for i := range 50 {
		must(t, s.IncidentCreated(inc(fmt.Sprint("n", i), int64(i+2), ops.Warning)))
	}
	s.Acknowledge("", "a")
	must(t, s.IncidentResolved("a"))
	prev := kept.Version
	for r.cur.Version < s.State().Version {
		st := r.state(t)
		// +1 each time, unless the dispatcher fell MaxQueuedItems behind.
		if st.Version <= prev {
			t.Fatalf("version %d after %d", st.Version, prev)
		}
		prev = st.Version
	}
	if len(kept.Incidents) != 1 || kept.Incidents[0].UUID != "a" || kept.Incidents[0].Acked {
		t.Errorf("a published State changed afterwards: %+v", kept.Incidents)
	}
}

// A panicking subscriber is isolated; a stuck one bounds the queue and gets
// the newest State when it wakes.
func TestBadSubscribers(t *testing.T) {
	s := store.New(store.Options{MaxIncidents: 10})
	defer s.Close()
	release := make(chan struct{})
	var mu sync.Mutex
	var got []store.State
	s.Subscribe(func(st store.State) {
		if st.Version == 1 {
			return
		}
		<-release
		mu.Lock()
		got = append(got, st)
		mu.Unlock()
	})
	s.Subscribe(func(store.State) { panic("boom") })
	s.SubscribeEvents(func(store.Event, store.State) {})
	const n = store.MaxQueuedEvents + 500
	for i := range n {
		must(t, s.IncidentCreated(inc(fmt.Sprint(i), int64(i), ops.Info)))
	}
	if items, events := s.QueueLen(); items > store.MaxQueuedItems || events > store.MaxQueuedEvents {
		t.Errorf("queue holds %d items, %d events; bounds are %d, %d", items, events, store.MaxQueuedItems, store.MaxQueuedEvents)
	}
	close(release)
	want := s.State().Version
	deadline := time.Now().Add(wait)
	for {
		mu.Lock()
		last := store.State{}
		if len(got) > 0 {
			last = got[len(got)-1]
		}
		mu.Unlock()
		if last.Version == want {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the stuck subscriber never got version %d (last %d)", want, last.Version)
		}
		time.Sleep(time.Millisecond)
	}
	// At most the batch the dispatcher held when the subscriber stuck, then
	// the bounded queue.
	if len(got) > 2*store.MaxQueuedItems+2 {
		t.Errorf("the stuck subscriber got %d States; the queue should have coalesced them", len(got))
	}
}

func TestUnsubscribeAndClose(t *testing.T) {
	s := store.New(store.Options{})
	calls := make(chan store.State, 10)
	off := s.Subscribe(func(st store.State) { calls <- st })
	<-calls
	off()
	off()
	must(t, s.IncidentCreated(inc("a", 1, ops.Info)))
	s.Close()
	s.Close()
	select {
	case st := <-calls:
		t.Errorf("called after off: %+v", st)
	default:
	}
	// Inputs after Close are ignored, never a panic.
	must(t, s.IncidentCreated(inc("b", 1, ops.Info)))
	s.Pause(time.Now().Add(time.Hour))
	if st := s.State(); len(st.Incidents) != 1 || !st.PausedUntil.IsZero() {
		t.Errorf("changed after Close: %+v", st)
	}
	s.Subscribe(func(store.State) { t.Error("called after Close") })()
}

func TestHooks(t *testing.T) {
	s := store.New(store.Options{})
	defer s.Close()
	s.Reconnect("") // no hook: nothing happens
	var reconnects, changes int
	s.SetHooks(store.Hooks{Reconnect: func(string) { reconnects++ }, SettingsChanged: func() { changes++ }})
	s.Reconnect("")
	s.SettingsChanged()
	s.SettingsChanged()
	if reconnects != 1 || changes != 2 {
		t.Errorf("hooks called %d, %d times; want 1, 2", reconnects, changes)
	}
}

// A Revealed weighs as many incidents as it carries, so a stuck subscriber
// cannot pile up catch-ups without bound either.
func TestStuckSubscriberBoundsRevealed(t *testing.T) {
	s := store.New(store.Options{MaxIncidents: 100})
	release := make(chan struct{})
	s.SubscribeEvents(func(store.Event, store.State) { <-release })
	for round := range 200 {
		var list []ops.Incident
		for i := range 100 {
			list = append(list, inc(fmt.Sprint(round, "-", i), int64(i), ops.Info))
		}
		if _, err := s.CaughtUp(s.BeginCatchUp(), snap(list...)); err != nil {
			t.Fatal(err)
		}
	}
	if _, events := s.QueueLen(); events > store.MaxQueuedEvents {
		t.Errorf("queued events weigh %d, bound %d", events, store.MaxQueuedEvents)
	}
	close(release)
	s.Close()
}

// An events subscriber added while a stuck one makes the queue fold
// changes together gets only the events of changes after it subscribed,
// never those folded into the same queued item before.
func TestLateSubscriberGetsNoEarlierEvents(t *testing.T) {
	s := store.New(store.Options{})
	defer s.Close()
	release := make(chan struct{})
	s.SubscribeEvents(func(store.Event, store.State) { <-release })
	for i := range 2 * store.MaxQueuedItems {
		must(t, s.IncidentCreated(inc(fmt.Sprint("before-", i), int64(i), ops.Info)))
	}
	got := make(chan store.Event, 4*store.MaxQueuedItems)
	s.SubscribeEvents(func(e store.Event, _ store.State) { got <- e })
	must(t, s.IncidentCreated(inc("after", 1000, ops.Info)))
	close(release)
	select {
	case e := <-got:
		if o, ok := e.(store.Opened); !ok || o.Incident.UUID != "after" {
			t.Errorf("first event %T %+v, want Opened after", e, e)
		}
	case <-time.After(wait):
		t.Fatal("no event")
	}
	flush(t, s)
	select {
	case e := <-got:
		t.Errorf("unexpected event %T %+v", e, e)
	default:
	}
}
