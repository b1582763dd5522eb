package conn

import (
	"context"
	"errors"
	"net/url"
	"time"

	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/store"
)

// catchUpLoop runs a catch-up after every Connected (and rooms or URL
// change), and while one fails and the link is up, again with full-jitter
// backoff (socket.Backoff with CatchUpDelay and MaxCatchUpDelay). A kick
// restarts the backoff. Without a link it waits for the next Connected.
func (c *Conn) catchUpLoop() {
	defer c.wg.Done()
	retry := time.NewTimer(time.Hour)
	retry.Stop()
	defer retry.Stop()
	attempt := 0
	for {
		select {
		case <-c.stop:
			return
		case <-c.kick:
			attempt = 0
			retry.Stop()
		case <-retry.C:
		}
		cl, base := c.current()
		if !cl.sc.IsConnected() {
			continue // the next Connected kicks
		}
		c.awaitJoins(cl)
		cu, err := c.catchUp(cl, base)
		if err == nil || c.ctx.Err() != nil {
			attempt = 0
			continue
		}
		if !cl.sc.IsConnected() {
			// The link went meanwhile: the next Connected tries again.
			c.log.Info("catch-up failed; the link is down", "err", err)
			c.st.CatchUpFailed(cu, err, time.Time{})
			continue
		}
		attempt++
		d := socket.Backoff(attempt, c.opts.CatchUpDelay, c.opts.MaxCatchUpDelay, c.rand())
		retry.Reset(d)
		c.log.Warn("catch-up failed", "err", err, "attempt", attempt, "retry in", d)
		c.st.CatchUpFailed(cu, err, time.Now().Add(d))
	}
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
func (c *Conn) awaitJoins(cl *client) {
	if cl.noSync.Load() {
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
