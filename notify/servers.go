package notify

import (
	"slices"
	"time"
)

// Server is one ops server the notifier hears from, as SetServers lists
// them.
type Server struct {
	// ID is the server's stable key (store.ServerState.ID): what Incident,
	// Revealed, ConnectionLost and Settled name, Notification.Server, and
	// what Rules.MutedServers lists. "" is the one server of a
	// single-server setup.
	ID string
	// Name is what notifications call it ("Production") when more than
	// one server is watched.
	Name string
}

// label is the name notifications show for server: its Name when more
// than one server is watched, else "" (one server needs no name). An ID
// not listed shows as nothing either: the list may lag behind by one
// change.
func (e *engine) label(server string) string {
	if len(e.servers) < 2 {
		return ""
	}
	for _, s := range e.servers {
		if s.ID == server {
			return s.Name
		}
	}
	return ""
}

// setServers replaces the servers watched and forgets the outages of those
// no longer among them, so memory follows the settings and a server gone
// raises no notice. An empty list forgets none while no server was ever
// listed (the notifier may be told of incidents and outages without a
// list); after that it forgets every one (the last server was removed or
// disabled).
func (e *engine) setServers(list []Server) {
	e.servers = slices.Clone(list)
	e.listed = e.listed || len(list) > 0
	if !e.listed {
		return
	}
	for id := range e.outs {
		if !slices.ContainsFunc(list, func(s Server) bool { return s.ID == id }) {
			delete(e.outs, id)
		}
	}
}

// outage is server's debounce, made on first use.
func (e *engine) outage(server string) *outage {
	o := e.outs[server]
	if o == nil {
		o = &outage{asleep: e.asleep}
		e.outs[server] = o
	}
	return o
}

// lost records that server's link went down at at; neverConnected says
// no connection got through since start (or a switch), which the notice
// says ("cannot connect"). A repeated call during the outage changes
// nothing.
func (e *engine) lost(server string, at time.Time, neverConnected bool) {
	o := e.outage(server)
	if !o.down {
		o.everUp = !neverConnected
	}
	o.lost(at, e.rules)
}

// restored ends server's outage at at; if its notice was shown, a
// recovery notice replaces it.
func (e *engine) restored(server string, at time.Time) {
	if shown, since, wasUp, news := e.outage(server).restored(); shown {
		e.enqueue(e.backOnline(server, since, wasUp, &news, at))
	}
}

// setAwake records that the machine went to sleep or woke up at at, for
// every server's debounce.
func (e *engine) setAwake(awake bool, at time.Time) {
	e.asleep = !awake
	for _, o := range e.outs {
		o.setAwake(awake, at, e.rules)
	}
}

// outageDue returns the first outage notice due at now, in the order of
// the server IDs. A muted server's notice, or one due during a pause or
// quiet hours, is suppressed: a tray state, not a nag.
func (e *engine) outageDue(now time.Time) (Notification, bool) {
	ids := make([]string, 0, len(e.outs))
	for id, o := range e.outs {
		if !o.due.IsZero() && !now.Before(o.due) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		o := e.outs[id]
		if now.Sub(o.due) > lateSlack {
			// The deadline timer runs on the monotonic clock, which stops
			// during suspend on Linux, while now is wall-clock time: a
			// deadline passed this long ago means the machine slept and
			// nobody called SetAwake. Count the outage from now.
			o.base = now
			o.reschedule(e.rules)
			continue
		}
		o.due = time.Time{}
		o.noticed = true
		if e.rules.silenced(now) || e.rules.serverMuted(id) {
			continue
		}
		o.shown = true
		return e.outageNotice(id, o, now), true
	}
	return Notification{}, false
}

// tagOf is the tag of a notification that replaces its predecessor for
// the same server: tag itself for the one server, tag:ID for the others.
func tagOf(tag, server string) string {
	if server == "" {
		return tag
	}
	return tag + ":" + server
}
