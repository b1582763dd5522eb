package socket

import (
	"bytes"
	"runtime"
	"runtime/debug"
	"slices"
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
	q       []func()
	spare   []func()
	running bool
	keep    bool         // stay while idle (the client is running)
	work    *sync.Cond   // signalled when q gains work or keep is cleared
	idle    *sync.Cond   // broadcast when running becomes false
	goid    atomic.Int64 // id of the running goroutine, 0 when none

	// Received messages are counted, not wrapped: pushBounded counts them
	// in (queued: in q, taken: in the batch being run) and run counts a
	// batch's out when it is done, so the bound costs no channel operation
	// per message. A reader that finds no slot waits on space.
	queued, taken int
	waiting       bool
	space         chan struct{} // cap 1: slots were freed
	bad           *badFrames    // the queued report of bad frames, if any
}

func newDispatcher() *dispatcher {
	d := &dispatcher{space: make(chan struct{}, 1)}
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
	d.q = append(d.q, f)
	d.startLocked()
	d.mu.Unlock()
}

// pushBounded queues f, a received message, once a slot is free; while it
// waits, live (if not nil) counts the reader as stalled. It gives up and
// reports false when abort is closed first.
func (d *dispatcher) pushBounded(f func(), abort <-chan struct{}, live *liveness) bool {
	d.mu.Lock()
	if !d.waitSlotLocked(abort, live) {
		return false
	}
	d.queued++
	d.q = append(d.q, f)
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
// waiting, queues a new one once a slot is free (as pushBounded). report
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
	d.q = append(d.q, func() {
		d.mu.Lock()
		if d.bad == b {
			d.bad = nil // later bad frames start a new report
		}
		n, last := b.n, b.last
		d.mu.Unlock()
		report(n, last)
	})
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
		for i, f := range batch {
			f()
			batch[i] = nil
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

// callbacks is the registry of everything a client calls back.
type callbacks struct {
	mu       sync.RWMutex
	nextID   uint64
	handlers map[string]map[uint64]*handler
	order    map[string][]uint64
	state    map[uint64]func(State)
	status   map[uint64]func(Status)
	errs     map[uint64]func(error)
	stateIDs []uint64
	statIDs  []uint64
	errIDs   []uint64
}

func (c *Client) addHandler(key string, h *handler) func() {
	r := &c.cb
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.handlers == nil {
		r.handlers = map[string]map[uint64]*handler{}
		r.order = map[string][]uint64{}
	}
	r.nextID++
	id := r.nextID
	if r.handlers[key] == nil {
		r.handlers[key] = map[uint64]*handler{}
	}
	r.handlers[key][id] = h
	r.order[key] = append(r.order[key], id)
	var once sync.Once
	return func() {
		once.Do(func() {
			r.mu.Lock()
			defer r.mu.Unlock()
			delete(r.handlers[key], id)
			r.order[key] = removeID(r.order[key], id)
		})
	}
}

func removeID(ids []uint64, id uint64) []uint64 {
	out := ids[:0:0]
	for _, x := range ids {
		if x != id {
			out = append(out, x)
		}
	}
	return out
}

// handlersFor returns the handlers registered for key, in registration order.
func (c *Client) handlersFor(key string) []*handler {
	r := &c.cb
	r.mu.RLock()
	defer r.mu.RUnlock()
	ids := r.order[key]
	if len(ids) == 0 {
		return nil
	}
	out := make([]*handler, 0, len(ids))
	for _, id := range ids {
		if h := r.handlers[key][id]; h != nil {
			out = append(out, h)
		}
	}
	return out
}

// addCallback registers f in one of the plain callback lists.
func addCallback[F any](c *Client, m *map[uint64]F, ids *[]uint64, f F) func() {
	r := &c.cb
	r.mu.Lock()
	defer r.mu.Unlock()
	if *m == nil {
		*m = map[uint64]F{}
	}
	r.nextID++
	id := r.nextID
	(*m)[id] = f
	*ids = append(*ids, id)
	var once sync.Once
	return func() {
		once.Do(func() {
			r.mu.Lock()
			defer r.mu.Unlock()
			delete(*m, id)
			*ids = removeID(*ids, id)
		})
	}
}

// snapshot copies one callback list under the registry lock; pick selects
// the list, so that the map and ids are read under the lock too.
func snapshot[F any](c *Client, pick func(*callbacks) (map[uint64]F, []uint64)) []F {
	c.cb.mu.RLock()
	defer c.cb.mu.RUnlock()
	m, ids := pick(&c.cb)
	out := make([]F, 0, len(ids))
	for _, id := range ids {
		if f, ok := m[id]; ok {
			out = append(out, f)
		}
	}
	return out
}

func errCallbacks(r *callbacks) (map[uint64]func(error), []uint64)     { return r.errs, r.errIDs }
func stateCallbacks(r *callbacks) (map[uint64]func(State), []uint64)   { return r.state, r.stateIDs }
func statusCallbacks(r *callbacks) (map[uint64]func(Status), []uint64) { return r.status, r.statIDs }

// OnStateChange registers f to be called with every new State. It runs on
// the dispatcher goroutine, in order with the other callbacks.
func (c *Client) OnStateChange(f func(State)) (unsubscribe func()) {
	return addCallback(c, &c.cb.state, &c.cb.stateIDs, f)
}

// OnStatusChange registers f to be called with the whole Status whenever any
// part of it changes (state, pause reasons, attempt count, stop reason).
func (c *Client) OnStatusChange(f func(Status)) (unsubscribe func()) {
	return addCallback(c, &c.cb.status, &c.cb.statIDs, f)
}

// OnError registers f for every error the client reports: failed dials,
// timeouts, malformed frames, decode and validation failures, panicking
// handlers, rejections. Errors wrap the package's sentinels and types, so
// test them with errors.Is and errors.As. Without any error callback, errors
// go to the Logger.
func (c *Client) OnError(f func(error)) (unsubscribe func()) {
	return addCallback(c, &c.cb.errs, &c.cb.errIDs, f)
}

// reportBadFrames reports n bad frames, the last of which failed with
// last: alone as is, several as one *MalformedFramesError.
func (c *Client) reportBadFrames(n int, last error) {
	if n == 1 {
		c.deliverError(last)
		return
	}
	c.deliverError(&MalformedFramesError{Count: n, Last: last})
}

// report queues err for the error callbacks.
func (c *Client) report(err error) {
	c.disp.push(func() { c.deliverError(err) })
}

func (c *Client) deliverError(err error) {
	fs := snapshot(c, errCallbacks)
	if len(fs) == 0 {
		c.log.Warn("websocket error", "err", err)
		return
	}
	for _, f := range fs {
		func() {
			defer func() {
				if v := recover(); v != nil {
					c.log.Error("error callback panicked", "panic", v)
				}
			}()
			f(err)
		}()
	}
}

// guard runs f, turning a panic into a reported *HandlerPanicError.
func (c *Client) guard(name string, f func()) {
	defer func() {
		if v := recover(); v != nil {
			c.deliverError(&HandlerPanicError{Name: name, Value: v, Stack: debug.Stack()})
		}
	}()
	f()
}

// deliver runs the handlers of one received envelope.
// Each handler decodes for itself; a payload that fails to decode or
// validate is reported once, not once per handler.
func (c *Client) deliver(env Envelope) {
	var reported []string
	for _, h := range c.handlersFor(env.Name) {
		var err error
		c.guard(env.Name, func() { err = h.fromJSON(env) })
		if err != nil && !slices.Contains(reported, err.Error()) {
			reported = append(reported, err.Error())
			c.deliverError(err)
		}
	}
}

// dispatchValue queues a lifecycle event for the handlers of key.
func (c *Client) dispatchValue(key string, v any, env Envelope) {
	c.disp.push(func() {
		for _, h := range c.handlersFor(key) {
			c.guard(env.Name, func() { h.fromValue(v, env) })
		}
	})
}

// notifyState queues the state and status callbacks.
func (c *Client) notifyState(st Status, stateChanged bool) {
	c.disp.push(func() {
		if stateChanged {
			for _, f := range snapshot(c, stateCallbacks) {
				c.guard("state", func() { f(st.State) })
			}
		}
		for _, f := range snapshot(c, statusCallbacks) {
			c.guard("status", func() { f(st) })
		}
	})
}
