package ipc

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// Remote is the window process's end of the link: a store.Source fed by
// the agent's States and a store.Commands that sends to the agent.
type Remote struct {
	r    io.Reader
	w    io.Writer
	opts Options

	out   *outbox          // commands waiting for the writer (outbox.go)
	shows chan struct{}    // cap 1; closed when the link ends
	setts chan struct{}    // cap 1; closed when the link ends
	incs  chan IncidentRef // cap 1, the newest; closed when the link ends
	ready chan struct{}    // closed at the first State
	done  chan struct{}    // closed when the link ends
	wg    sync.WaitGroup

	searches searches // history searches waiting (history.go)

	mu     sync.Mutex
	state  store.State
	subs   map[int]func(store.State)
	nextID int
	err    error
	ended  bool
}

var (
	_ store.Source   = (*Remote)(nil)
	_ store.Commands = (*Remote)(nil)
)

// NewRemote starts the window's end of the link on r (the process's
// stdin) and w (its stdout). Close it when the window goes.
func NewRemote(r io.Reader, w io.Writer, opts Options) *Remote {
	rm := &Remote{
		r: r, w: w, opts: opts,
		out:   newOutbox(),
		shows: make(chan struct{}, 1),
		setts: make(chan struct{}, 1),
		incs:  make(chan IncidentRef, 1),
		ready: make(chan struct{}),
		done:  make(chan struct{}),
		subs:  map[int]func(store.State){},
	}
	rm.wg.Go(rm.readLoop)
	rm.wg.Go(rm.writeLoop)
	return rm
}

// State returns the newest State received; the zero State (connecting,
// Unknown) before the first.
func (rm *Remote) State() store.State {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	return rm.state
}

// Subscribe calls fn with every State received from now on, in order, on
// the link's reader goroutine; fn must not block. off stops it. States may
// arrive before the first Subscribe: read State after subscribing, and
// skip a State whose Version is not newer than the one drawn.
func (rm *Remote) Subscribe(fn func(store.State)) (off func()) {
	rm.mu.Lock()
	id := rm.nextID
	rm.nextID++
	rm.subs[id] = fn
	rm.mu.Unlock()
	return func() {
		rm.mu.Lock()
		delete(rm.subs, id)
		rm.mu.Unlock()
	}
}

// Shows receives a value each time the agent asks the window to raise
// itself (requests close together may arrive as one). It is closed when
// the link ends.
func (rm *Remote) Shows() <-chan struct{} { return rm.shows }

// SettingsShows receives a value each time the agent asks the window to
// open Settings (Server.ShowSettings), like Shows.
func (rm *Remote) SettingsShows() <-chan struct{} { return rm.setts }

// Ready is closed once the first State has arrived.
func (rm *Remote) Ready() <-chan struct{} { return rm.ready }

// Done is closed when the link has ended; Err then says why.
func (rm *Remote) Done() <-chan struct{} { return rm.done }

// Err is why the link ended (ErrPeerClosed, ErrLineTooLong, ErrMalformed,
// ErrClosed by Close); nil while it lives.
func (rm *Remote) Err() error {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	return rm.err
}

// Close ends the link, closes r and w if they are io.Closers, and waits
// for the link's goroutines. An r that is not a Closer keeps Close
// waiting until its Read returns. Close can be called more than once.
func (rm *Remote) Close() error {
	rm.end(ErrClosed)
	rm.wg.Wait()
	return nil
}

// Acknowledge asks the agent to acknowledge the incident; what
// TryAcknowledge refuses is logged (Options.Logger).
func (rm *Remote) Acknowledge(server, uuid string) {
	rm.logRefusal("acknowledge", rm.TryAcknowledge(server, uuid))
}

// TryAcknowledge asks the agent to acknowledge the incident, or says why
// it will not be sent: ops.ErrInvalid for a uuid no incident can have
// ("" or too long; the agent would end the link on it) or a server ID
// too long, ErrBusy while MaxPendingAcks wait for an agent that is not
// reading, the link's error (Err) once it has ended. It never blocks.
func (rm *Remote) TryAcknowledge(server, uuid string) error {
	if uuid == "" || len(uuid) > ops.MaxUUIDLen || len(server) > maxServerLen {
		return fmt.Errorf("ipc: acknowledge %q of server %q: %w", uuid, server, ops.ErrInvalid)
	}
	return rm.send(message{T: typeAck, Server: server, UUID: uuid})
}

// AcknowledgeAllCritical asks the agent to acknowledge every critical of
// server ("" every server); what TryAcknowledgeAllCritical refuses is
// logged.
func (rm *Remote) AcknowledgeAllCritical(server string) {
	rm.logRefusal("acknowledge all critical", rm.TryAcknowledgeAllCritical(server))
}

// TryAcknowledgeAllCritical asks the agent to acknowledge every critical
// of server ("" every server) in one message, or says why it will not be
// sent, like TryAcknowledge.
func (rm *Remote) TryAcknowledgeAllCritical(server string) error {
	if len(server) > maxServerLen {
		return fmt.Errorf("ipc: acknowledge all critical of server %q: %w", server, ops.ErrInvalid)
	}
	return rm.send(message{T: typeAckAllCritical, Server: server})
}

// Reconnect asks the agent to dial server now ("" every server). Repeats
// while the agent is busy join the one waiting.
func (rm *Remote) Reconnect(server string) {
	if len(server) > maxServerLen {
		rm.logRefusal("reconnect", fmt.Errorf("ipc: reconnect server %q: %w", server, ops.ErrInvalid))
		return
	}
	rm.logRefusal("reconnect", rm.send(message{T: typeReconnect, Server: server}))
}

// Pause asks the agent to pause notifications until the instant (zero
// resumes). While the agent is busy the newest instant waits.
func (rm *Remote) Pause(until time.Time) {
	rm.logRefusal("pause", rm.send(message{T: typePause, Until: until}))
}

// SettingsChanged tells the agent that the settings file changed.
func (rm *Remote) SettingsChanged() {
	rm.logRefusal("settings changed", rm.send(message{T: typeSettingsChanged}))
}

// send queues m for the writer without blocking (see outbox for what
// joins, replaces or is refused); once the link has ended it returns the
// link's error.
func (rm *Remote) send(m message) error {
	select {
	case <-rm.done:
		return rm.Err()
	default:
	}
	return rm.out.put(m)
}

// logRefusal logs a command that will not be sent.
func (rm *Remote) logRefusal(what string, err error) {
	if err != nil {
		rm.opts.logger().Warn("ipc: command not sent to the agent", "command", what, "err", err)
	}
}

// end records why the link ended (the first reason wins), closes the
// pipes so that both loops and the agent notice, and closes Done.
func (rm *Remote) end(err error) {
	rm.mu.Lock()
	if rm.ended {
		rm.mu.Unlock()
		return
	}
	rm.ended, rm.err = true, err
	rm.mu.Unlock()
	close(rm.done)
	closeIfCloser(rm.r)
	closeIfCloser(rm.w)
}

func (rm *Remote) readLoop() {
	defer close(rm.shows)
	defer close(rm.setts)
	defer close(rm.incs)
	lr := newLineReader(rm.r, rm.opts.maxLine())
	first := true
	for {
		m, err := lr.next()
		if err == nil {
			err = m.check(typeState, typeShow, typeShowSettings, typeShowIncident, typeHistoryResult)
		}
		if err != nil {
			rm.end(err)
			return
		}
		if ch := map[string]chan struct{}{typeShow: rm.shows, typeShowSettings: rm.setts}[m.T]; ch != nil {
			select {
			case ch <- struct{}{}:
			default:
			}
			continue
		}
		if m.T == typeHistoryResult {
			rm.searches.answer(m)
			continue
		}
		if m.T == typeShowIncident {
			rm.offerIncident(IncidentRef{Server: m.Server, UUID: m.UUID})
			continue
		}
		rm.publish(*m.State)
		if first {
			first = false
			close(rm.ready)
		}
	}
}

// publish stores st and hands it to every subscriber, outside the lock so
// that a subscriber may Subscribe or read State.
func (rm *Remote) publish(st store.State) {
	rm.mu.Lock()
	rm.state = st
	fns := make([]func(store.State), 0, len(rm.subs))
	for _, fn := range rm.subs {
		fns = append(fns, fn)
	}
	rm.mu.Unlock()
	for _, fn := range fns {
		fn(st)
	}
}

func (rm *Remote) writeLoop() {
	for {
		select {
		case <-rm.done:
			return
		case <-rm.out.wake:
		}
		for m, ok := rm.out.take(); ok; m, ok = rm.out.take() {
			if err := writeMessage(rm.w, m); err != nil {
				rm.end(err)
				return
			}
		}
	}
}
