package store

import "time"

// server is what the store holds of one server: its link, knowledge,
// incidents and monitors, and the bookkeeping of its outages and
// catch-ups. The Store owns it under its lock. An idle server costs a few
// hundred bytes: three empty maps and this struct.
type server struct {
	name string // as given to Store.Feed; ServerState.Name falls back to st.Server
	// st holds the server's link and knowledge fields (ID, Server, Link …
	// CatchUpRetry); Name, Open and Critical are filled in by compose.
	st  ServerState
	inc incidents
	mon monitors

	epoch         uint64 // unique in the store, renewed by Reset: a catch-up of another epoch is void
	liveEpoch     uint64 // bumped every time the link goes live
	caughtUp      bool   // a catch-up succeeded on this server (not Unknown)
	current       bool   // live and caught up since the link last went live
	everLive      bool   // the link was live on this server
	lostAnnounced bool   // a LinkLost went out and no LinkRestored yet
	lostAt        time.Time
	removed       bool // RemoveFeed forgot it: its Feed does nothing
	feed          *Feed
}

// newServerLocked adds server id at the end of the list, knowing nothing
// yet: LinkConnecting, Unknown.
func (s *Store) newServerLocked(id, name, display string, now time.Time, c *change) *server {
	srv := &server{
		name: name,
		st:   ServerState{ID: id, Server: display, Link: LinkConnecting, Since: now},
		inc:  newIncidents(id, s.maxInc),
		mon:  newMonitors(id, s.maxMon),
	}
	s.epochs++
	srv.epoch = s.epochs
	srv.feed = &Feed{s: s, id: id, srv: srv}
	s.servers = append(s.servers, srv)
	if s.byID == nil {
		s.byID = map[string]*server{}
	}
	s.byID[id] = srv
	c.dirty = true
	return srv
}

// defaultLocked returns the default server "", the one Store's own inputs
// feed, adding it (at the end of the list) if it is not there.
func (s *Store) defaultLocked(now time.Time, c *change) *server {
	if srv := s.byID[""]; srv != nil {
		return srv
	}
	return s.newServerLocked("", "", s.defServer, now, c)
}

// removeLocked forgets srv: it leaves the list, and its Feed, and any
// CatchUp of it, are void from now on.
func (s *Store) removeLocked(srv *server, c *change) {
	srv.removed = true
	delete(s.byID, srv.st.ID)
	for i, x := range s.servers {
		if x == srv {
			// A new slice: a CatchUp or compose never sees it half-changed.
			s.servers = append(s.servers[:i:i], s.servers[i+1:]...)
			break
		}
	}
	c.dirty = true
	c.inc = c.inc || len(srv.inc.list) > 0
	c.mon = c.mon || len(srv.mon.m) > 0
}

// resetLocked forgets everything srv knows for a switch to display (its
// URL for display). Its epoch is renewed, so a catch-up begun before is
// void. An announced outage stays: its LinkRestored comes when the new
// server's list is Current, so the notice it raised is withdrawn then.
func (s *Store) resetLocked(srv *server, display string, now time.Time, c *change) {
	c.dirty = true
	c.inc = c.inc || len(srv.inc.list) > 0
	c.mon = c.mon || len(srv.mon.m) > 0
	s.epochs++
	srv.epoch = s.epochs
	srv.inc = newIncidents(srv.st.ID, s.maxInc)
	srv.mon = newMonitors(srv.st.ID, s.maxMon)
	srv.caughtUp, srv.current, srv.everLive = false, false, false
	srv.st = ServerState{ID: srv.st.ID, Server: display, Link: LinkConnecting, Since: now}
}

// knowledge brings st's Knowledge up to date with caughtUp and current.
func (srv *server) knowledge() {
	switch {
	case !srv.caughtUp:
		srv.st.Knowledge, srv.st.AsOf = Unknown, time.Time{}
	case srv.current:
		srv.st.Knowledge = Current
	default:
		srv.st.Knowledge = Stale
	}
}

// lost publishes LinkLost once per outage.
func (srv *server) lost(now time.Time, c *change) {
	if srv.lostAnnounced {
		return
	}
	srv.lostAnnounced, srv.lostAt = true, now
	c.emit(LinkLost{Server: srv.st.ID, Link: srv.st.Link, Reason: srv.st.Reason, NeverConnected: !srv.caughtUp, At: now})
}
