package ipc

import (
	"strconv"
	"sync"
)

// MaxPendingAcks bounds the acknowledgements (ack and ackAllCritical)
// waiting for the pipe to the agent. Past it, while the agent is not
// reading, an acknowledgement is refused with ErrBusy, never dropped
// silently: the user is told it was not sent and can press again.
const MaxPendingAcks = 64

// maxPendingReconnects bounds the per-server reconnects waiting; past it
// they become one reconnect of every server, which does what each asked.
const maxPendingReconnects = 16

// outbox holds the window's commands until the writer sends them, in
// order, bounded so that a stuck agent cannot grow the window's memory:
//
//   - settingsChanged, reconnect and ackAllCritical of a server, and ack
//     of an incident are idempotent: one waiting is as good as two, so a
//     repeat joins the one waiting;
//   - pause keeps the newest instant (the user's latest choice);
//   - reconnects of more than maxPendingReconnects servers become one
//     reconnect of every server;
//   - acknowledgements past MaxPendingAcks are refused with ErrBusy.
//
// History searches wait each on its own, at most maxSearches (then
// ErrTooManySearches). So at most MaxPendingAcks + maxPendingReconnects + 3
// commands wait, plus the searches and the one message being written.
type outbox struct {
	mu         sync.Mutex
	queue      []*message
	byKey      map[string]*message
	acks       int
	reconnects int
	searches   int
	wake       chan struct{} // cap 1: something waits
}

func newOutbox() *outbox {
	return &outbox{byKey: map[string]*message{}, wake: make(chan struct{}, 1)}
}

// key is what makes two commands the same command.
func key(m message) string {
	switch m.T {
	case typeAck:
		return m.T + "\x00" + m.Server + "\x00" + m.UUID
	case typeAckAllCritical, typeReconnect:
		return m.T + "\x00" + m.Server
	case typeHistory:
		return m.T + "\x00" + strconv.FormatUint(m.ID, 10) // each search its own (searches bounds them)
	}
	return m.T // pause, settingsChanged
}

// put queues m, joins it to the same command waiting, or refuses it with
// ErrBusy (acknowledgements only, when MaxPendingAcks wait).
func (o *outbox) put(m message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	k := key(m)
	if w := o.byKey[k]; w != nil {
		*w = m // the same command; for pause the newest instant
		return nil
	}
	switch m.T {
	case typeAck, typeAckAllCritical:
		if o.acks >= MaxPendingAcks {
			return ErrBusy
		}
		o.acks++
	case typeReconnect:
		if o.byKey[key(message{T: typeReconnect})] != nil {
			return nil // every server's reconnect waits already
		}
		if o.reconnects >= maxPendingReconnects {
			o.dropReconnects()
			m.Server, k = "", key(message{T: typeReconnect})
		}
		o.reconnects++
	case typeHistory:
		// A search given up on still waits here: bound them too.
		if o.searches >= maxSearches {
			return ErrTooManySearches
		}
		o.searches++
	}
	p := &m
	o.queue = append(o.queue, p)
	o.byKey[k] = p
	select {
	case o.wake <- struct{}{}:
	default:
	}
	return nil
}

// dropReconnects removes the reconnects waiting (a reconnect of every
// server replaces them).
func (o *outbox) dropReconnects() {
	kept := o.queue[:0]
	for _, p := range o.queue {
		if p.T == typeReconnect {
			delete(o.byKey, key(*p))
			continue
		}
		kept = append(kept, p)
	}
	clear(o.queue[len(kept):])
	o.queue, o.reconnects = kept, 0
}

// take removes and returns the oldest command waiting; ok is false when
// none waits.
func (o *outbox) take() (m message, ok bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.queue) == 0 {
		return message{}, false
	}
	p := o.queue[0]
	o.queue[0] = nil
	o.queue = o.queue[1:]
	if len(o.queue) == 0 {
		o.queue = nil // let the array go
	}
	delete(o.byKey, key(*p))
	switch p.T {
	case typeAck, typeAckAllCritical:
		o.acks--
	case typeReconnect:
		o.reconnects--
	case typeHistory:
		o.searches--
	}
	return *p, true
}
