package store

import (
	"errors"
	"fmt"
	"time"

	"github.com/warpdesk/warpdesk/ops"
)

// ErrSuperseded is returned by CaughtUp for a catch-up begun before a
// server switch (Reset): its snapshot is of the old server and is dropped.
var ErrSuperseded = errors.New("store: catch-up superseded by a server switch")

// CatchUp marks when a catch-up fetch began; pass it to CaughtUp or
// CatchUpFailed.
type CatchUp struct {
	epoch uint64    // Store.epoch at the start
	live  uint64    // Store.liveEpoch if the link was live, else 0
	seq   uint64    // the incident set's live-event sequence
	at    time.Time // when it began
}

// BeginCatchUp is called right before a catch-up fetch is sent.
func (s *Store) BeginCatchUp() CatchUp {
	s.mu.Lock()
	defer s.mu.Unlock()
	cu := CatchUp{epoch: s.epoch, seq: s.inc.seq, at: s.clock.Now()}
	if s.st.Link == LinkLive {
		cu.live = s.liveEpoch
	}
	return cu
}

// CaughtUp merges a snapshot fetched since cu began: by uuid, keeping the
// live events seen during the fetch (see the incident set's rules). Invalid
// and duplicate entries are dropped (dropped says how many). The list
// becomes Current if the link stayed live throughout; otherwise it is Stale
// as of the fetch. Incidents not shown before publish Revealed (First on the
// first success on this server), and the end of an announced outage
// publishes LinkRestored.
func (s *Store) CaughtUp(cu CatchUp, snap ops.Snapshot) (dropped int, err error) {
	clean, dropped := snap.Clean()
	s.apply(func(now time.Time, c *change) {
		if cu.epoch != s.epoch {
			err = ErrSuperseded
			return
		}
		c.dirty = true
		added := s.inc.merge(cu.seq, clean.Incidents)
		for _, m := range clean.Monitors {
			s.mon.update(m)
		}
		first := !s.caughtUp
		s.caughtUp = true
		s.st.CatchUpErr, s.st.CatchUpRetry = "", time.Time{}
		continuous := cu.live != 0 && cu.live == s.liveEpoch && s.st.Link == LinkLive
		switch {
		case continuous:
			s.current, s.st.AsOf = true, now
		case s.st.AsOf.Before(cu.at):
			s.st.AsOf = cu.at
		}
		if len(added) > 0 {
			c.emit(Revealed{Incidents: added, First: first})
		}
		if continuous && s.lostAnnounced {
			s.lostAnnounced = false
			c.emit(LinkRestored{NewWhileOffline: len(added), LostAt: s.lostAt, At: now})
		}
	})
	return dropped, err
}

// CatchUpFailed records a failed catch-up: why (State.CatchUpErr) and when
// it is tried again (retry, zero for not). A Current list becomes Stale; an
// Unknown one stays Unknown, so the next success is still the first.
func (s *Store) CatchUpFailed(cu CatchUp, why error, retry time.Time) {
	if why == nil {
		why = errors.New("unknown error")
	}
	s.apply(func(now time.Time, c *change) {
		if cu.epoch != s.epoch {
			return
		}
		c.dirty = true
		s.st.CatchUpErr, s.st.CatchUpRetry = fmt.Sprint(why), retry
		if s.current {
			s.current, s.st.AsOf = false, now
		}
	})
}
