package store

import (
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// Bounds of the dispatcher's queue. A subscriber that falls this far behind
// gets the newest State in place of the ones in between (events are kept,
// up to maxQueuedEvents — a Revealed weighs one per incident it carries —
// then dropped and logged): a stuck subscriber slows itself, never the
// store, and never grows memory without bound.
const (
	maxQueuedItems  = 64
	maxQueuedEvents = 8192
)

// weight is what an event counts against maxQueuedEvents.
func weight(e Event) int {
	if r, ok := e.(Revealed); ok {
		return 1 + len(r.Incidents)
	}
	return 1
}

// item is one published change (or several folded into one by a stuck
// subscriber): the State it produced and its events.
type item struct {
	state  State
	events []queued
	only   *stateSub // Subscribe's first call: this subscriber only
}

// queued is an event with the Version of the change that caused it: a
// subscriber gets only the events of Versions after it subscribed, also
// when changes from before and after were folded into one item.
type queued struct {
	ev Event
	v  uint64
}

type stateSub struct {
	fn   func(State)
	from uint64 // the Version it was first given
	off  atomic.Bool
}

type eventSub struct {
	fn   func(Event, State)
	from uint64 // events of later Versions only
	off  atomic.Bool
}

// dispatcher delivers items in order on one goroutine, through a queue that
// pushing never blocks on (gorilla's chat hub, centrifuge's ordered
// callback queue). Subscribers run one at a time; a panic in one is logged
// and the others still run.
type dispatcher struct {
	log *slog.Logger

	mu      sync.Mutex
	queue   []item
	nEvents int
	states  []*stateSub
	events  []*eventSub
	closed  bool

	wake chan struct{} // cap 1
	stop chan struct{}
	done chan struct{}
}

func newDispatcher(log *slog.Logger) *dispatcher {
	d := &dispatcher{log: log, wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go d.run()
	return d
}

// push queues st and its events (or, with only, st for that subscriber
// alone); it never blocks.
func (d *dispatcher) push(st State, events []Event, only *stateSub) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	if n := len(d.queue); n >= maxQueuedItems && only == nil && d.queue[n-1].only == nil {
		last := &d.queue[n-1]
		last.state = st
		last.events = d.appendEvents(last.events, events, st.Version)
	} else {
		d.queue = append(d.queue, item{state: st, events: d.appendEvents(nil, events, st.Version), only: only})
	}
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// appendEvents adds evs, of Version v, to dst while the queue's events
// weigh less than maxQueuedEvents.
func (d *dispatcher) appendEvents(dst []queued, evs []Event, v uint64) []queued {
	for i, e := range evs {
		w := weight(e)
		if d.nEvents+w > maxQueuedEvents {
			d.log.Warn("store: a subscriber is stuck; events dropped", "dropped", len(evs)-i)
			return dst
		}
		d.nEvents += w
		dst = append(dst, queued{ev: e, v: v})
	}
	return dst
}

func (d *dispatcher) addState(s *stateSub, first State) {
	d.mu.Lock()
	if !d.closed {
		d.states = append(d.states, s)
	}
	d.mu.Unlock()
	d.push(first, nil, s)
}

func (d *dispatcher) addEvents(s *eventSub) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.closed {
		d.events = append(d.events, s)
	}
}

func (d *dispatcher) remove(s any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch s := s.(type) {
	case *stateSub:
		s.off.Store(true)
		d.states = without(d.states, s)
	case *eventSub:
		s.off.Store(true)
		d.events = without(d.events, s)
	}
}

func without[T comparable](l []T, x T) []T {
	out := make([]T, 0, len(l))
	for _, y := range l {
		if y != x {
			out = append(out, y)
		}
	}
	return out
}

func (d *dispatcher) run() {
	defer close(d.done)
	for {
		select {
		case <-d.wake:
		case <-d.stop:
			d.drain()
			return
		}
		d.drain()
	}
}

// drain delivers everything queued: each subscriber is called straight
// from here, through a method that recovers its panic (no closure, no
// extra call on the path of an event).
func (d *dispatcher) drain() {
	for {
		d.mu.Lock()
		q := d.queue
		d.queue, d.nEvents = nil, 0
		states, events := d.states, d.events
		d.mu.Unlock()
		if len(q) == 0 {
			return
		}
		for i := range q {
			it := &q[i]
			if it.only != nil {
				d.callState(it.only, it.state)
				continue
			}
			for _, s := range states {
				if it.state.Version > s.from {
					d.callState(s, it.state)
				}
			}
			for _, ev := range it.events {
				for _, s := range events {
					if ev.v > s.from {
						d.callEvent(s, ev.ev, it.state)
					}
				}
			}
		}
	}
}

func (d *dispatcher) callState(s *stateSub, st State) {
	if s.off.Load() {
		return
	}
	defer d.recover()
	s.fn(st)
}

func (d *dispatcher) callEvent(s *eventSub, ev Event, st State) {
	if s.off.Load() {
		return
	}
	defer d.recover()
	s.fn(ev, st)
}

// recover logs a subscriber's panic; the others still run.
func (d *dispatcher) recover() {
	if v := recover(); v != nil {
		d.log.Error("store: a subscriber panicked", "panic", v, "stack", string(debug.Stack()))
	}
}

// close delivers what is queued, then stops; it returns when the goroutine
// has ended. Safe to call twice.
func (d *dispatcher) close() {
	d.mu.Lock()
	already := d.closed
	d.closed = true
	d.mu.Unlock()
	if !already {
		close(d.stop)
	}
	<-d.done
}
