package socket

import (
	"bytes"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
)

// dispatchSlots bounds how many received messages may wait for their
// handlers. A reader that finds them all taken waits, so a flood pushes
// back on the TCP connection instead of growing memory without limit.
const dispatchSlots = 1024

// dispatcher runs every callback of a client (message handlers, lifecycle
// events, state, status and error callbacks) one at a time, in the order they
// were queued, on a goroutine of its own. While the client runs (Connect to
// Disconnect) the goroutine stays, waiting for work; otherwise it exists only
// while there is work. Starting one per burst would cost a goroutine start
// and a goroutine-id lookup per message at low rates.
type dispatcher struct {
	mu      sync.Mutex
	deliver func(Envelope) // runs the handlers of a received message
	q       []task
	spare   []task
	running bool
	keep    bool         // stay while idle (the client is running)
	work    *sync.Cond   // signalled when q gains work or keep is cleared
	idle    *sync.Cond   // broadcast when running becomes false
	goid    atomic.Int64 // id of the running goroutine, 0 when none

	// Received messages are counted, not wrapped: pushMessage counts them
	// in (queued: in q, taken: in the batch being run) and run counts a
	// batch's out when it is done, so the bound costs no channel operation
	// per message. A reader that finds no slot waits on space.
	queued, taken int
	waiting       bool
	space         chan struct{} // cap 1: slots were freed
	bad           *badFrames    // the queued report of bad frames, if any
}

// task is one queued callback: f, or when f is nil the delivery of env (a
// received message, queued without a closure of its own).
type task struct {
	f   func()
	env Envelope
}

func newDispatcher(deliver func(Envelope)) *dispatcher {
	d := &dispatcher{deliver: deliver, space: make(chan struct{}, 1)}
	d.idle = sync.NewCond(&d.mu)
	d.work = sync.NewCond(&d.mu)
	return d
}

// startLocked makes sure the goroutine runs or will see new work; d.mu is
// held.
func (d *dispatcher) startLocked() {
	if !d.running {
		d.running = true
		go d.run()
		return
	}
	d.work.Signal()
}

// setKeep says whether the goroutine should stay while idle.
func (d *dispatcher) setKeep(keep bool) {
	d.mu.Lock()
	d.keep = keep
	if keep {
		d.startLocked()
		d.idle.Broadcast() // a wait() for the old session stops waiting
	} else {
		d.work.Broadcast()
	}
	d.mu.Unlock()
}

// push queues f; it never blocks.
func (d *dispatcher) push(f func()) {
	d.mu.Lock()
	d.q = append(d.q, task{f: f})
	d.startLocked()
	d.mu.Unlock()
}

// pushMessage queues the delivery of env, a received message, once a slot
// is free; while it waits, live (if not nil) counts the reader as stalled.
// It gives up and reports false when abort is closed first.
func (d *dispatcher) pushMessage(env Envelope, abort <-chan struct{}, live *liveness) bool {
	d.mu.Lock()
	if !d.waitSlotLocked(abort, live) {
		return false
	}
	d.queued++
	d.q = append(d.q, task{env: env})
	d.startLocked()
	d.mu.Unlock()
	return true
}

// waitSlotLocked waits, d.mu held, until a slot is free. It returns with
// d.mu held and true, or with d.mu released and false when abort closed.
func (d *dispatcher) waitSlotLocked(abort <-chan struct{}, live *liveness) bool {
	if d.queued+d.taken < dispatchSlots {
		return true
	}
	if live != nil {
		live.stall()
		defer live.unstall()
	}
	for d.queued+d.taken >= dispatchSlots {
		d.waiting = true
		d.mu.Unlock()
		select {
		case <-d.space:
		case <-abort:
			return false
		}
		d.mu.Lock()
	}
	return true
}

// badFrames is one queued report of bad frames. Frames that go bad before
// it runs are added to it, so a flood of junk costs one slot, not one per
// frame, and is still counted exactly.
type badFrames struct {
	n    int
	last error
}

// pushBadFrame adds err to the queued report of bad frames or, when none is
// waiting, queues a new one once a slot is free (as pushMessage). report
// runs on the dispatcher with the frames it stands for.
func (d *dispatcher) pushBadFrame(err error, report func(n int, last error), abort <-chan struct{}, live *liveness) bool {
	d.mu.Lock()
	if b := d.bad; b != nil {
		b.n++
		b.last = err
		d.mu.Unlock()
		return true
	}
	if !d.waitSlotLocked(abort, live) {
		return false
	}
	b := &badFrames{n: 1, last: err}
	d.bad = b
	d.queued++
	d.q = append(d.q, task{f: func() {
		d.mu.Lock()
		if d.bad == b {
			d.bad = nil // later bad frames start a new report
		}
		n, last := b.n, b.last
		d.mu.Unlock()
		report(n, last)
	}})
	d.startLocked()
	d.mu.Unlock()
	return true
}

func (d *dispatcher) run() {
	d.goid.Store(goid())
	for {
		d.mu.Lock()
		for len(d.q) == 0 && d.keep {
			d.work.Wait()
		}
		if len(d.q) == 0 {
			d.running = false
			d.goid.Store(0)
			d.idle.Broadcast()
			d.mu.Unlock()
			return
		}
		batch := d.q
		d.q = d.spare[:0]
		d.taken, d.queued = d.queued, 0
		d.mu.Unlock()
		for i := range batch {
			if t := &batch[i]; t.f != nil {
				t.f()
			} else {
				d.deliver(t.env)
			}
			batch[i] = task{}
		}
		d.mu.Lock()
		d.spare = batch[:0]
		d.taken = 0
		if d.waiting {
			d.waiting = false
			select {
			case d.space <- struct{}{}:
			default:
			}
		}
		d.mu.Unlock()
	}
}

// onDispatcher reports whether the caller is running on the dispatcher
// goroutine, i.e. inside a callback.
func (d *dispatcher) onDispatcher() bool {
	id := d.goid.Load()
	return id != 0 && id == goid()
}

// wait blocks until every queued callback has run and the goroutine has
// ended; call setKeep(false) first. Called from inside a callback it returns
// at once (waiting would deadlock).
func (d *dispatcher) wait() {
	if d.onDispatcher() {
		return
	}
	d.mu.Lock()
	for d.running && !d.keep { // keep again: a new session owns it
		d.idle.Wait()
	}
	d.mu.Unlock()
}

// goid returns the current goroutine's id. It is used only to tell whether
// Disconnect was called from inside a callback, where it must not wait for
// the callbacks to finish.
func goid() int64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, _ := strconv.ParseInt(string(b), 10, 64)
	return id
}
