package socket

import (
	"runtime/debug"
	"slices"
	"sync"
)

// callbacks is the registry of everything a client calls back. The
// handler lists are copied on write, so that the dispatcher reads one per
// message without copying it.
type callbacks struct {
	mu       sync.RWMutex
	nextID   uint64
	handlers map[string][]*handler // by registry key, in registration order
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
		r.handlers = map[string][]*handler{}
	}
	// Clip: append must not write into an array a reader may hold.
	r.handlers[key] = append(slices.Clip(r.handlers[key]), h)
	var once sync.Once
	return func() {
		once.Do(func() {
			r.mu.Lock()
			defer r.mu.Unlock()
			list := slices.DeleteFunc(slices.Clone(r.handlers[key]), func(x *handler) bool { return x == h })
			if len(list) == 0 {
				delete(r.handlers, key)
			} else {
				r.handlers[key] = list
			}
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

// handlersFor returns the handlers registered for key, in registration
// order. The slice is shared: the caller must not modify it.
func (c *Client) handlersFor(key string) []*handler {
	r := &c.cb
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.handlers[key]
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
		err := c.decodeAndRun(h, env)
		if err != nil && !slices.Contains(reported, err.Error()) {
			reported = append(reported, err.Error())
			c.deliverError(err)
		}
	}
}

// decodeAndRun runs one handler on env, turning a panic into a reported
// *HandlerPanicError. It is guard without a closure, as it runs for every
// message.
func (c *Client) decodeAndRun(h *handler, env Envelope) error {
	defer func() {
		if v := recover(); v != nil {
			c.deliverError(&HandlerPanicError{Name: env.Name, Value: v, Stack: debug.Stack()})
		}
	}()
	return h.fromJSON(env)
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
