package agent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/store"
)

// DefaultAckBound is how long an acknowledgement may wait for its server:
// for the link to come back, then for the answer.
const DefaultAckBound = time.Minute

// ackConcurrency bounds the acknowledgements in flight at once, so that
// "Acknowledge all critical" on a long list does not fill a server's send
// buffer; the rest wait their turn (within their bound).
const ackConcurrency = 8

// ErrAckOffline is matched by an acknowledgement that never reached its
// server: the link was down for the whole bound, or was replaced.
var ErrAckOffline = errors.New("offline: acknowledged here only, not sent")

// ackTarget is what an acknowledgement needs of one server: its inputs of
// the store and its connection.
type ackTarget struct {
	feed *store.Feed
	link Link
}

// commands is the agent's store.Commands, handed to the tray, the window
// process (ipc) and the notifications' actions: Acknowledge goes to the
// incident's server, Reconnect to the server's connection, Pause to the
// store and SettingsChanged to the agent.
//
// # Offline policy (issue 11)
//
// Acknowledge marks the incident at once (Acked and AckPending: this
// desktop goes quiet whatever happens next) and asks the server. While the
// link is down the request waits in the socket's send buffer and goes out
// as soon as the link is back, within the bound (DefaultAckBound, one
// minute): retried when back, within a bound. Past the bound it is dropped
// unsent (an acknowledgement made minutes ago is no longer a decision made
// now: someone else may be on it) and the incident says so plainly,
// AckErr "offline: acknowledged here only, not sent"; pressing Acknowledge
// again sends it anew. A server's refusal shows the server's words.
// Acknowledging twice is harmless on the server, so nothing more is
// needed to stay correct when a reply is lost.
type commands struct {
	a     *Agent
	log   *slog.Logger
	bound time.Duration
	sem   chan struct{}

	ctx    context.Context // ends at close
	cancel context.CancelFunc
	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
}

func newCommands(a *Agent) *commands {
	ctx, cancel := context.WithCancel(context.Background())
	return &commands{
		a: a, log: a.log.With("component", "commands"), bound: DefaultAckBound,
		sem: make(chan struct{}, ackConcurrency), ctx: ctx, cancel: cancel,
	}
}

var _ store.Commands = (*commands)(nil)

// Acknowledge acknowledges uuid of server for everyone (see the offline
// policy). It never blocks: the request runs on a goroutine of its own,
// which close ends and waits for. An unknown server does nothing.
func (c *commands) Acknowledge(server, uuid string) {
	t, ok := c.a.ackTarget(server)
	if !ok {
		c.log.Warn("acknowledge: no such server", "server", server)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	t.feed.AckSent(uuid)
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		if err := c.send(t, uuid); err != nil {
			if c.ctx.Err() != nil {
				return // quitting: nothing to tell
			}
			c.log.Warn("acknowledge: not acknowledged on the server", "server", server, "uuid", uuid, "err", err)
			t.feed.AckFailed(uuid, err)
		}
	}()
}

// send asks the server, within the bound, and says in plain words why it
// did not work.
func (c *commands) send(t ackTarget, uuid string) error {
	ctx, cancel := context.WithTimeout(c.ctx, c.bound)
	defer cancel()
	select {
	case c.sem <- struct{}{}:
		defer func() { <-c.sem }()
	case <-ctx.Done():
		return ackError(ctx.Err(), c.bound)
	}
	_, err := t.link.Acknowledge(ctx, uuid)
	return ackError(err, c.bound)
}

// ackError is err as the incident shows it (Incident.AckErr): offline, the
// connection lost before the answer, or the server's own words.
func ackError(err error, bound time.Duration) error {
	var re *socket.RemoteError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &re):
		return fmt.Errorf("the server refused: %s", re.Message)
	case errors.Is(err, socket.ErrConnectionLost):
		return fmt.Errorf("the connection was lost before the server answered; acknowledge again to be sure: %w", err)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, socket.ErrNotConnected),
		errors.Is(err, socket.ErrBufferFull):
		return fmt.Errorf("%w (no link to the server within %v)", ErrAckOffline, bound)
	}
	return err
}

// AcknowledgeAllCritical acknowledges, on its server, every open critical
// incident nobody has acknowledged and none is being sent for.
func (c *commands) AcknowledgeAllCritical() {
	for _, in := range c.a.st.State().Incidents {
		if in.Severity == ops.Critical && in.AcknowledgedBy == "" && !in.AckPending {
			c.Acknowledge(in.Server, in.UUID)
		}
	}
}

// Reconnect dials server now ("" every server).
func (c *commands) Reconnect(server string) { c.a.reconnect(server) }

// Pause pauses notifications (store.Store.Pause).
func (c *commands) Pause(until time.Time) { c.a.st.Pause(until) }

// SettingsChanged reloads and applies the settings (Agent.SettingsChanged).
func (c *commands) SettingsChanged() { c.a.SettingsChanged() }

// close cancels the acknowledgements in flight and waits for them.
func (c *commands) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.cancel()
	c.wg.Wait()
}
