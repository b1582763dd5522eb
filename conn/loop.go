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

// catchUp fetches the open incidents and hands them to the store.
func (c *Conn) catchUp(cl *client, base *url.URL) (store.CatchUp, error) {
	ctx, cancel := context.WithTimeout(c.ctx, c.opts.CatchUpTimeout)
	defer cancel()
	cu := c.st.BeginCatchUp()
	tok, err := c.token(ctx)
	if err != nil {
		return cu, err
	}
	snap, err := FetchSnapshot(ctx, c.hc, withRooms(base, *c.rooms.Load()), tok)
	if err != nil {
		return cu, &catchUpError{err}
	}
	dropped, err := c.st.CaughtUp(cu, snap)
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
