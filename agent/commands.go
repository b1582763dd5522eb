package agent

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

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
// AckErr "offline: acknowledged here only, not sent (…)"; pressing
// Acknowledge again sends it anew. A server's refusal shows the server's
// words. Acknowledging twice is harmless on the server, so nothing more
// is needed to stay correct when a reply is lost.
//
// # Bounds
//
// Each server has its own queue (ackLane): a server that is down holds up
// its own acknowledgements only. An incident waiting or being sent is
// queued once, so the acknowledgements pending are bounded by the
// incidents the store keeps; at most ackConcurrency per server are sent
// at a time, by goroutines that end when their queue is empty. close
// drops what waits and waits for what is being sent.
type commands struct {
	a     *Agent
	log   *slog.Logger
	bound time.Duration

	ctx    context.Context // ends at close
	cancel context.CancelFunc
	mu     sync.Mutex
	closed bool
	lanes  map[string]*ackLane // by server ID: only servers with acknowledgements to send
	wg     sync.WaitGroup      // the lanes' goroutines
}

func newCommands(a *Agent) *commands {
	ctx, cancel := context.WithCancel(context.Background())
	return &commands{
		a: a, log: a.log.With("component", "commands"), bound: DefaultAckBound,
		ctx: ctx, cancel: cancel, lanes: map[string]*ackLane{},
	}
}

var _ store.Commands = (*commands)(nil)

// Acknowledge acknowledges uuid of server for everyone (see the offline
// policy). It never blocks: the request waits in its server's queue. An
// unknown server does nothing, and so does an incident already on its way.
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
	l := c.lanes[server]
	if l == nil {
		l = &ackLane{queued: map[string]bool{}}
		c.lanes[server] = l
	}
	if l.queued[uuid] {
		return // waiting or being sent: it goes once
	}
	t.feed.AckSent(uuid)
	l.queued[uuid] = true
	l.queue = append(l.queue, pendingAck{t: t, uuid: uuid, deadline: time.Now().Add(c.bound)})
	if l.senders < ackConcurrency {
		l.senders++
		c.wg.Add(1)
		go c.sendQueued(server, l)
	}
}

// AcknowledgeAllCritical acknowledges, on its server, every open critical
// incident of server ("" every server) nobody has acknowledged and none is
// being sent for. The window sends it as one command whatever the number
// of incidents; each goes through Acknowledge's queues here.
func (c *commands) AcknowledgeAllCritical(server string) {
	for _, in := range c.a.st.State().Incidents {
		if server != "" && in.Server != server {
			continue
		}
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

// close drops the acknowledgements waiting, cancels those being sent and
// waits for them.
func (c *commands) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.cancel()
	c.wg.Wait()
}
