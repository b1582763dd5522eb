package conn

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/store"
)

// catchUpTransport fetches every own-client Conn's catch-ups, without
// keep-alive: a catch-up comes once per connect, and a kept-alive idle
// connection would hold two goroutines and its buffers per server.
var catchUpTransport = func() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DisableKeepAlives = true
	return t
}()

// catchUps says when catch-ups run: one after every Connected (and rooms
// or URL change), and while one fails and the link is up, again with
// full-jitter backoff (socket.Backoff with CatchUpDelay and
// MaxCatchUpDelay). A request restarts the backoff. Without a link it
// waits for the next Connected. They run on a goroutine started on demand,
// and a timer waits for a retry: an idle Conn holds no goroutine of its
// own (issue 12: what each extra server costs).
type catchUps struct {
	mu      sync.Mutex
	running bool        // a goroutine runs catch-ups (runCatchUps)
	again   bool        // asked for while it ran: once more
	fresh   bool        // … by a request: the backoff restarts
	attempt int         // failures in a row while connected
	retry   *time.Timer // the next try after a failure; nil when none is due
	closed  bool
}

// requestCatchUp asks for a catch-up now (or right after the one
// running), restarting the backoff.
func (c *Conn) requestCatchUp() { c.wantCatchUp(true) }

func (c *Conn) wantCatchUp(fresh bool) {
	q := &c.cu
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	if fresh {
		q.attempt = 0
		if q.retry != nil {
			q.retry.Stop()
			q.retry = nil
		}
	}
	if q.running {
		q.again, q.fresh = true, q.fresh || fresh
		return
	}
	q.running = true
	c.wg.Add(1)
	go c.runCatchUps()
}

// runCatchUps runs catch-ups until none is asked for, then arms the retry
// timer if the last one failed while connected.
func (c *Conn) runCatchUps() {
	defer c.wg.Done()
	q := &c.cu
	q.mu.Lock()
	attempt := q.attempt
	q.mu.Unlock()
	for {
		retryIn, next := c.catchUpOnce(attempt)
		q.mu.Lock()
		if q.fresh {
			next, q.fresh = 0, false
		}
		q.attempt, attempt = next, next
		if q.again && !q.closed {
			q.again = false
			q.mu.Unlock()
			continue
		}
		q.running = false
		if retryIn > 0 && !q.closed {
			q.retry = time.AfterFunc(retryIn, func() { c.wantCatchUp(false) })
		}
		q.mu.Unlock()
		return
	}
}

// stopCatchUps: no catch-up starts from now on (Close waits for the one
// running).
func (c *Conn) stopCatchUps() {
	q := &c.cu
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	if q.retry != nil {
		q.retry.Stop()
		q.retry = nil
	}
}

// catchUpOnce runs one catch-up after attempt failures in a row; it
// returns when to try again (0: not until asked) and the failures now.
func (c *Conn) catchUpOnce(attempt int) (retryIn time.Duration, failures int) {
	cl, base := c.current()
	if !cl.sc.IsConnected() {
		return 0, attempt // the next Connected asks
	}
	c.awaitJoins(cl)
	cu, err := c.catchUp(cl, base)
	if err == nil || c.ctx.Err() != nil {
		return 0, 0
	}
	if !cl.sc.IsConnected() {
		// The link went meanwhile: the next Connected tries again.
		c.log.Info("catch-up failed; the link is down", "err", err)
		c.st.CatchUpFailed(cu, err, time.Time{})
		return 0, attempt
	}
	attempt++
	d := socket.Backoff(attempt, c.opts.CatchUpDelay, c.opts.MaxCatchUpDelay, c.rand())
	c.log.Warn("catch-up failed", "err", err, "attempt", attempt, "retry in", d)
	c.st.CatchUpFailed(cu, err, time.Now().Add(d))
	return d, attempt
}

// joinsApplied is a request that needs no handler on the server: any
// answer, even "unknown_request", is written after the server read the
// frames before it, the room joins among them, since a connection's
// frames are read in order.
var joinsApplied = socket.DefineRequest[struct{}, struct{}]("warpdesk.sync")

// syncTimeout bounds the wait for joinsApplied's answer; a server that
// does not answer requests is not asked again on that connection's client.
const syncTimeout = 2 * time.Second

// awaitJoins waits until the server has applied the room joins written so
// far. Connected (and SetRooms) means the joins were written, not applied:
// a snapshot taken before the server applied them misses what is raised in
// between, which no broadcast brings either (the cause of
// TestOpenAtStartAreRevealed's flake under load).
//
// Without rooms there is nothing to wait for, and nothing is sent: a
// frame written while the server refuses the token can cost the client
// the close code (the socket then reports a lost connection, and the
// rejection only on the next dial).
func (c *Conn) awaitJoins(cl *client) {
	if cl.noSync.Load() || len(*c.rooms.Load()) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(c.ctx, syncTimeout)
	defer cancel()
	_, err := socket.Call(ctx, cl.sc, joinsApplied, struct{}{})
	var re *socket.RemoteError
	switch {
	case err == nil, errors.As(err, &re):
	case errors.Is(err, context.DeadlineExceeded):
		cl.noSync.Store(true)
		c.log.Info("the server does not answer requests; catching up without waiting for the room joins")
	default:
		c.log.Debug("waiting for the room joins", "err", err)
	}
}

// catchUp fetches the open incidents and hands them to the store.
func (c *Conn) catchUp(cl *client, base *url.URL) (store.CatchUp, error) {
	ctx, cancel := context.WithTimeout(c.ctx, c.opts.CatchUpTimeout)
	defer cancel()
	cu := c.st.BeginCatchUp()
	tok, err := c.token(ctx)
	if err != nil {
		return cu, err
	}
	c.roomsMu.RLock()
	rooms, gen := *c.rooms.Load(), c.roomsGen
	c.roomsMu.RUnlock()
	snap, err := FetchSnapshot(ctx, c.hc, withRooms(base, rooms), tok)
	if err != nil {
		return cu, &catchUpError{err}
	}
	c.roomsMu.RLock()
	if gen != c.roomsGen {
		c.roomsMu.RUnlock()
		// The rooms changed during the fetch: the snapshot holds rooms
		// just left. SetRooms asked for the catch-up that follows.
		c.log.Debug("catch-up of rooms since changed: dropped")
		return cu, nil
	}
	dropped, err := c.st.CaughtUp(cu, snap)
	c.roomsMu.RUnlock()
	if errors.Is(err, store.ErrSuperseded) {
		return cu, nil // the server changed: the new one catches up itself
	}
	if dropped > 0 {
		c.log.Warn("catch-up: dropped invalid entries", "count", dropped)
	}
	c.log.Info("caught up", "open", len(snap.Incidents)-dropped, "server", displayName(cl.sc.URL(), ""))
	return cu, nil
}

// catchUpError says in a few words why a catch-up failed (State.CatchUpErr)
// and keeps the cause for errors.Is.
type catchUpError struct{ err error }

func (e *catchUpError) Error() string { return describe(e.err, e.err.Error()) }
func (e *catchUpError) Unwrap() error { return e.err }
