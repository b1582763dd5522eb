package agent

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/store"
)

// DefaultAckBound is how long an acknowledgement may wait for its server:
// for the link to come back, then for the answer.
const DefaultAckBound = time.Minute

// ackConcurrency bounds the acknowledgements one server is sent at once,
// so that "Acknowledge all critical" on a long list does not fill its
// send buffer; the rest wait their turn (within their bound).
const ackConcurrency = 8

// ErrAckOffline is matched by an acknowledgement that never reached its
// server: the link was down for the whole bound (or the server refused
// the token meanwhile), or the connection was replaced before it went.
var ErrAckOffline = errors.New("offline: acknowledged here only, not sent")

// ackTarget is what an acknowledgement needs of one server: its inputs of
// the store and its connection.
type ackTarget struct {
	feed *store.Feed
	link Link
}

// pendingAck is an acknowledgement waiting in its server's queue.
type pendingAck struct {
	t        ackTarget
	uuid     string
	deadline time.Time // the bound: not sent by then, it is dropped
}

// ackLane is one server's acknowledgements waiting or being sent (under
// commands.mu).
type ackLane struct {
	queue   []pendingAck
	queued  map[string]bool // the uuids in queue or being sent
	senders int             // goroutines running sendQueued, ≤ ackConcurrency
}

// sendQueued sends the acknowledgements of l one after the other until
// none is left (or the agent closes), and records each failure.
func (c *commands) sendQueued(server string, l *ackLane) {
	defer c.wg.Done()
	for {
		c.mu.Lock()
		if len(l.queue) == 0 || c.closed {
			l.senders--
			if l.senders == 0 && c.lanes[server] == l {
				delete(c.lanes, server)
			}
			c.mu.Unlock()
			return
		}
		p := l.queue[0]
		l.queue[0] = pendingAck{}
		l.queue = l.queue[1:]
		c.mu.Unlock()

		err := c.send(server, p)
		c.mu.Lock()
		delete(l.queued, p.uuid)
		if err != nil && c.ctx.Err() == nil { // quitting: nothing to tell
			c.log.Warn("acknowledge: not acknowledged on the server", "server", server, "uuid", p.uuid, "err", err, "cause", errors.Unwrap(err))
			p.t.feed.AckFailed(p.uuid, err)
		}
		c.mu.Unlock()
	}
}

// send asks the server, until p's deadline, and says in plain words why it
// did not work.
func (c *commands) send(server string, p pendingAck) error {
	ctx, cancel := context.WithDeadline(c.ctx, p.deadline)
	defer cancel()
	_, err := p.t.link.Acknowledge(ctx, p.uuid)
	if err == nil {
		return nil
	}
	sv, _ := c.a.serverState(server)
	return ackError(err, c.bound, sv)
}

// ackFailure is a failed acknowledgement as the incident shows it: Error
// is what a user reads after "Not acknowledged on the server:", Unwrap
// the cause (for errors.Is and the log).
type ackFailure struct {
	words string
	cause error
}

func (e *ackFailure) Error() string { return e.words }
func (e *ackFailure) Unwrap() error { return e.cause }

// ackError is err, an acknowledgement's failure after waiting up to
// bound, in plain words, sv being its server now: refused (the server's
// words), lost before the answer, not answered, or not sent.
func ackError(err error, bound time.Duration, sv store.ServerState) error {
	var re *socket.RemoteError
	notSent := func(why string) error {
		return &ackFailure{ErrAckOffline.Error() + " (" + why + ")", errors.Join(ErrAckOffline, err)}
	}
	switch {
	case errors.As(err, &re):
		return &ackFailure{"the server refused: " + re.Message, err}
	case errors.Is(err, socket.ErrConnectionLost):
		return &ackFailure{"the connection was lost before the server answered; acknowledge again to be sure", err}
	case errors.Is(err, socket.ErrNotConnected):
		return notSent("the connection was replaced before it went; acknowledge again")
	case errors.Is(err, socket.ErrBufferFull):
		return notSent("too much waiting to be sent to the server")
	case !errors.Is(err, context.DeadlineExceeded):
		return &ackFailure{"unexpected error: " + err.Error(), err}
	case sv.Link == store.LinkLive:
		return &ackFailure{"no answer from the server within " + words(bound) + "; acknowledge again to be sure", err}
	case sv.Reason != "":
		return notSent("no link to the server within " + words(bound) + ": " + sv.Reason)
	}
	return notSent("no link to the server within " + words(bound))
}

// words writes d as a user reads it: "1 min", "90s".
func words(d time.Duration) string {
	if d >= time.Minute && d%time.Minute == 0 {
		return fmt.Sprintf("%d min", d/time.Minute)
	}
	return d.String()
}
