package agent

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"

	"github.com/warpdesk/warpdesk/conn"
	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/store"
)

// server is one server the agent watches: the settings it runs with (cfg,
// under Agent.mu: the token is looked up by it before every dial), its
// inputs of the store and its connection. Only enabled servers have one.
type server struct {
	cfg  settings.Server
	feed *store.Feed
	link Link
	// sent is a digest of the token last handed to its connection (under
	// Agent.mu), nil before the first: a token changed in Settings is
	// told from it without keeping the token (redialNewTokens).
	sent *[sha256.Size]byte
}

// connect starts watching sv: its server in the store (a Feed) and its
// connection, dialling at once when the agent runs, paused when the OS
// says so.
func (a *Agent) connect(sv settings.Server) error {
	url, name, err := a.endpoint(sv)
	if err != nil {
		return fmt.Errorf("server %s: %w", sv.Label(), err)
	}
	srv := &server{cfg: sv, feed: a.st.Feed(sv.ID, sv.Label())}
	a.mu.Lock()
	compress := a.cur.Compression
	a.mu.Unlock()
	link, err := a.dial(srv.feed, conn.Options{
		Server: url, Name: name, CatchUpURL: sv.CatchupURL, Rooms: rooms(sv),
		Token:  a.tokenFor(srv),
		Socket: socketOptions(compress, a.cfg.MaxReconnectDelay),
		Logger: a.log.With("component", "conn", "name", sv.Label()),
	})
	if err != nil {
		a.st.RemoveFeed(sv.ID)
		return fmt.Errorf("server %s: %w", settings.RedactURL(url), err)
	}
	srv.link = link
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closing { // a settings change racing Close: nothing may outlive it
		link.Close()
		a.st.RemoveFeed(sv.ID)
		return fmt.Errorf("server %s: %w", sv.Label(), conn.ErrClosed)
	}
	if a.conns == nil {
		a.conns = map[string]*server{}
	}
	a.conns[sv.ID] = srv
	// Under the lock, as osTarget's changes are: none falls in between.
	if a.offline {
		link.SetOnline(false)
	}
	if a.asleep {
		link.SetAwake(false)
	}
	if a.started {
		link.Start()
	}
	return nil
}

// disconnect stops watching server id: its connection closes and its
// incidents, link and knowledge leave the store.
func (a *Agent) disconnect(id string) {
	if srv := a.take(id); srv != nil {
		srv.link.Close()
		a.log.Info("disconnected", "server", srv.cfg.Label())
	}
	a.st.RemoveFeed(id)
}

// update puts sv in force for its running connection: a new URL redials
// (the list is Unknown again, then fills from the new server), a new
// catch-up URL catches up from it, new rooms are joined and left, a new
// name shows. Nothing changes when the new URL cannot be used.
func (a *Agent) update(srv *server, sv settings.Server) error {
	a.mu.Lock()
	old := srv.cfg
	srv.cfg = sv // before any dial: the token is chosen for the new URL
	a.mu.Unlock()
	undo := func(err error) error {
		a.mu.Lock()
		srv.cfg = old
		a.mu.Unlock()
		return fmt.Errorf("server %s: %w", sv.Label(), err)
	}
	d := settings.ServerChanges(old, sv)
	switch {
	case d.ServerChanged:
		url, name, err := a.endpoint(sv)
		if err == nil {
			err = srv.link.SetServer(url, name, sv.CatchupURL)
		}
		if err != nil {
			return undo(err)
		}
		srv.link.SetRooms(rooms(sv))
	default:
		if d.CatchupChanged {
			if err := srv.link.SetCatchUpURL(sv.CatchupURL); err != nil {
				return undo(err)
			}
		}
		if !slices.Equal(rooms(old), rooms(sv)) {
			srv.link.SetRooms(rooms(sv))
		}
	}
	if d.NameChanged {
		a.st.Feed(sv.ID, sv.Label()) // renames it
	}
	return nil
}

// applyServers makes the connections those of next's enabled servers:
// servers removed or disabled are disconnected, new or enabled ones
// connected, the others updated. A server that cannot be used keeps what
// it had; the others go on.
func (a *Agent) applyServers(next settings.Settings) error {
	want := next.Enabled()
	for _, id := range a.serverIDs() {
		if !slices.ContainsFunc(want, func(sv settings.Server) bool { return sv.ID == id }) {
			a.disconnect(id)
		}
	}
	var errs []error
	for _, sv := range want {
		srv := a.server(sv.ID)
		var err error
		if srv == nil {
			err = a.connect(sv)
		} else {
			err = a.update(srv, sv)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// server returns the connection of server id, nil when it has none.
func (a *Agent) server(id string) *server {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.conns[id]
}

// serverIDs are the IDs of the servers connected (in no order).
func (a *Agent) serverIDs() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	ids := make([]string, 0, len(a.conns))
	for id := range a.conns {
		ids = append(ids, id)
	}
	return ids
}

// links are the connections to every server, or to server id only ("" for
// every one).
func (a *Agent) links(id string) []Link {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []Link
	for sid, srv := range a.conns {
		if id == "" || sid == id {
			out = append(out, srv.link)
		}
	}
	return out
}

// closeServers closes every connection; none is connected after it.
func (a *Agent) closeServers() {
	a.mu.Lock()
	a.closing = true
	a.mu.Unlock()
	for _, id := range a.serverIDs() {
		if srv := a.take(id); srv != nil {
			srv.link.Close()
		}
	}
	a.log.Info("disconnected from every server")
}

// take removes server id from the connected ones and returns it (nil when
// it was not connected); its link is the caller's to close.
func (a *Agent) take(id string) *server {
	a.mu.Lock()
	defer a.mu.Unlock()
	srv := a.conns[id]
	delete(a.conns, id)
	return srv
}

// start dials every server (Run; servers connected later dial at once).
func (a *Agent) start() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.started = true
	for _, srv := range a.conns {
		srv.link.Start()
	}
}

// reconnect dials server id now, skipping the backoff, and retries a
// rejected token ("" every server).
func (a *Agent) reconnect(id string) {
	for _, l := range a.links(id) {
		l.Reconnect()
	}
}

// serverState is server id as the store shows it.
func (a *Agent) serverState(id string) (store.ServerState, bool) {
	for _, sv := range a.st.State().Servers {
		if sv.ID == id {
			return sv, true
		}
	}
	return store.ServerState{}, false
}

// ackTarget is the feed and connection of server id.
func (a *Agent) ackTarget(id string) (ackTarget, bool) {
	srv := a.server(id)
	if srv == nil {
		return ackTarget{}, false
	}
	return ackTarget{feed: srv.feed, link: srv.link}, true
}

// setOnline and setAwake pass the OS's verdicts to every connection, and
// to the ones connected later (osTarget).
func (a *Agent) setOnline(online bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.offline = !online
	for _, srv := range a.conns {
		srv.link.SetOnline(online)
	}
}

func (a *Agent) setAwake(awake bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.asleep = !awake
	for _, srv := range a.conns {
		srv.link.SetAwake(awake)
	}
}
