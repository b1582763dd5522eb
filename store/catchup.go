package store

import (
	"errors"
	"fmt"
	"time"

	"github.com/warpdesk/warpdesk/ops"
)

// ErrSuperseded is returned by CaughtUp for a catch-up begun before a
// server switch (Reset) or of a server removed since (RemoveFeed): its
// snapshot is of a server no longer shown and is dropped.
var ErrSuperseded = errors.New("store: catch-up superseded by a server switch")

// CatchUp marks when a catch-up fetch began; pass it to CaughtUp or
// CatchUpFailed of the same Feed.
type CatchUp struct {
	epoch uint64    // the server's epoch at the start (unique in the store)
	live  uint64    // the server's liveEpoch if the link was live, else 0
	seq   uint64    // the incident set's live-event sequence
	at    time.Time // when it began
}

// BeginCatchUp: see Store.BeginCatchUp.
func (f *Feed) BeginCatchUp() (cu CatchUp) {
	f.apply(func(srv *server, now time.Time, _ *change) {
		cu = CatchUp{epoch: srv.epoch, seq: srv.inc.seq, at: now}
		if srv.st.Link == LinkLive {
			cu.live = srv.liveEpoch
		}
	})
	return cu
}

// CaughtUp: see Store.CaughtUp. A catch-up of a removed server, or begun
// before its Reset, returns ErrSuperseded.
func (f *Feed) CaughtUp(cu CatchUp, snap ops.Snapshot) (dropped int, err error) {
	clean, dropped := snap.Clean()
	var invalid map[string]bool // uuids the snapshot lists, but not validly
	if dropped > 0 {
		invalid = map[string]bool{}
		for _, in := range snap.Incidents {
			invalid[in.UUID] = true
		}
		for _, in := range clean.Incidents {
			delete(invalid, in.UUID)
		}
	}
	err = ErrSuperseded
	f.apply(func(srv *server, now time.Time, c *change) {
		if cu.epoch != srv.epoch {
			return
		}
		err = nil
		srv.merge(cu, clean, invalid, now, c)
	})
	return dropped, err
}

// merge merges a valid snapshot of the server's epoch. An incident it no
// longer lists was resolved, unless the snapshot listed it in a form that
// is not valid (invalid): that one leaves the list all the same, but
// without a Settled, since it is not known to be resolved.
func (srv *server) merge(cu CatchUp, clean ops.Snapshot, invalid map[string]bool, now time.Time, c *change) {
	c.dirty, c.inc = true, true
	r := srv.inc.merge(cu.seq, clean.Incidents)
	added := r.added
	for _, m := range clean.Monitors {
		if srv.mon.update(m) {
			c.mon = true
		}
	}
	first := !srv.caughtUp
	srv.caughtUp = true
	srv.st.CatchUpErr, srv.st.CatchUpRetry = "", time.Time{}
	continuous := cu.live != 0 && cu.live == srv.liveEpoch && srv.st.Link == LinkLive
	switch {
	case continuous:
		srv.current, srv.st.AsOf = true, now
	case srv.st.AsOf.Before(cu.at):
		srv.st.AsOf = cu.at
	}
	settledAway(r, invalid, now, c)
	if len(added) > 0 {
		c.emit(Revealed{Server: srv.st.ID, Incidents: added, First: first})
	}
	if continuous && srv.lostAnnounced {
		srv.lostAnnounced = false
		c.emit(LinkRestored{Server: srv.st.ID, NewWhileOffline: len(added), LostAt: srv.lostAt, At: now})
	}
}

// settledAway publishes Settled (Away) for what the catch-up found
// settled: resolved (gone, unless listed invalid), then acknowledged, at
// most MaxSettledPerCatchUp in all.
func settledAway(r merged, invalid map[string]bool, now time.Time, c *change) {
	n := 0
	for _, in := range r.gone {
		if n == MaxSettledPerCatchUp {
			return
		}
		if !invalid[in.UUID] {
			c.emit(Settled{Incident: in, Resolved: true, Away: true, At: now})
			n++
		}
	}
	for _, in := range r.acked {
		if n == MaxSettledPerCatchUp {
			return
		}
		c.emit(Settled{Incident: in, Away: true, At: now})
		n++
	}
}

// CatchUpFailed: see Store.CatchUpFailed.
func (f *Feed) CatchUpFailed(cu CatchUp, why error, retry time.Time) {
	if why == nil {
		why = errors.New("unknown error")
	}
	f.apply(func(srv *server, now time.Time, c *change) {
		if cu.epoch != srv.epoch {
			return
		}
		c.dirty = true
		srv.st.CatchUpErr, srv.st.CatchUpRetry = fmt.Sprint(why), retry
		if srv.current {
			srv.current, srv.st.AsOf = false, now
		}
	})
}
