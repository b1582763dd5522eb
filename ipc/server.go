package ipc

import (
	"context"
	"io"
	"sync"
	"time"

	"github.com/warpdesk/warpdesk/store"
)

// Server is the agent's end of the link to one window process: it sends
// the Source's States (coalesced) and "show" requests, and turns the
// window's commands into calls on Commands.
type Server struct {
	src  store.Source
	cmd  store.Commands
	opts Options

	wake    chan struct{} // cap 1: something is pending for the writer
	replies chan message  // history answers, from the reader to the writer

	mu      sync.Mutex
	pending *store.State // newest State not yet written
	queued  bool         // a State was queued since Run began
	newest  uint64       // Version of the newest State queued
	show    bool         // a "show" is pending
	setts   bool         // a "showSettings" is pending
	inc     *IncidentRef // a "showIncident" is pending (the newest)
}

// NewServer returns a Server for src and cmd; Run starts it. A nil cmd
// ignores the window's commands (a read-only window).
func NewServer(src store.Source, cmd store.Commands, opts Options) *Server {
	if cmd == nil {
		cmd = ignore{}
	}
	return &Server{src: src, cmd: cmd, opts: opts, wake: make(chan struct{}, 1), replies: make(chan message)}
}

// ignore is the Commands of a Server given none.
type ignore struct{}

func (ignore) Acknowledge(_, _ string)       {}
func (ignore) AcknowledgeAllCritical(string) {}
func (ignore) Reconnect(string)              {}
func (ignore) Pause(time.Time)               {}
func (ignore) SettingsChanged()              {}

// Show asks the window to raise itself and take focus. It never blocks;
// several calls before the next write become one request. A call while
// no Run is active is sent when the next Run starts.
func (s *Server) Show() {
	s.mu.Lock()
	s.show = true
	s.mu.Unlock()
	s.signal()
}

// ShowSettings asks the window to open its Settings window (the tray's
// "Settings…"), like Show otherwise.
func (s *Server) ShowSettings() {
	s.mu.Lock()
	s.setts = true
	s.mu.Unlock()
	s.signal()
}

// Run serves one window process: r reads what the window writes, w writes
// to the window. It sends the current State at once and every newer one
// after, and returns when ctx is done (ctx's cause) or the link ends
// (ErrPeerClosed, ErrLineTooLong, ErrMalformed). Before returning it
// closes r and w if they are io.Closers, which tells the window to exit,
// and waits for its goroutines; an r that is not a Closer keeps Run
// waiting until its Read returns. Run one at a time per Server.
func (s *Server) Run(ctx context.Context, r io.Reader, w io.Writer) error {
	s.mu.Lock()
	s.queued, s.newest, s.pending = false, 0, nil
	s.mu.Unlock()
	off := s.src.Subscribe(s.offer)
	s.offer(s.src.State())

	ctx, cancel := context.WithCancel(ctx)
	errc := make(chan error, 2)
	var wg sync.WaitGroup
	wg.Go(func() { errc <- s.readLoop(ctx, r) })
	wg.Go(func() { errc <- s.writeLoop(ctx, w) })

	var err error
	select {
	case err = <-errc:
	case <-ctx.Done():
		err = context.Cause(ctx)
	}
	cancel()
	off()
	closeIfCloser(r)
	closeIfCloser(w)
	wg.Wait()
	return err
}

// offer queues st for writing unless a State at least as new is queued or
// written already. It is the Source's subscriber: it never blocks.
func (s *Server) offer(st store.State) {
	s.mu.Lock()
	if s.queued && st.Version <= s.newest {
		s.mu.Unlock()
		return
	}
	s.pending, s.queued, s.newest = &st, true, st.Version
	s.mu.Unlock()
	s.signal()
}

func (s *Server) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// writeLoop writes the pending State, then a pending show, each time it
// is woken, until ctx is done or a write fails.
func (s *Server) writeLoop(ctx context.Context, w io.Writer) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case m := <-s.replies:
			if err := writeMessage(w, m); err != nil {
				return err
			}
			continue
		case <-s.wake:
		}
		s.mu.Lock()
		st, show, setts, inc := s.pending, s.show, s.setts, s.inc
		s.pending, s.show, s.setts, s.inc = nil, false, false, nil
		s.mu.Unlock()
		if st != nil {
			if err := writeMessage(w, message{T: typeState, State: st}); err != nil {
				return err
			}
		}
		for _, m := range []struct {
			on bool
			t  string
		}{{show, typeShow}, {setts, typeShowSettings}} {
			if !m.on {
				continue
			}
			if err := writeMessage(w, message{T: m.t}); err != nil {
				return err
			}
		}
		if inc != nil {
			if err := writeMessage(w, message{T: typeShowIncident, Server: inc.Server, UUID: inc.UUID}); err != nil {
				return err
			}
		}
	}
}

// readLoop turns the window's messages into Commands until the link ends.
func (s *Server) readLoop(ctx context.Context, r io.Reader) error {
	lr := newLineReader(r, s.opts.commandLine())
	for {
		m, err := lr.next()
		if err != nil {
			return err
		}
		if err := m.check(typeAck, typeAckAllCritical, typeReconnect, typePause, typeSettingsChanged, typeHistory); err != nil {
			return err
		}
		switch m.T {
		case typeAck:
			s.cmd.Acknowledge(m.Server, m.UUID)
		case typeAckAllCritical:
			s.cmd.AcknowledgeAllCritical(m.Server)
		case typeReconnect:
			s.cmd.Reconnect(m.Server)
		case typePause:
			s.cmd.Pause(m.Until)
		case typeSettingsChanged:
			s.cmd.SettingsChanged()
		case typeHistory:
			s.answerHistory(ctx, m)
		}
	}
}
