package agent

import (
	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// event hands the store's events to the notifier, on the store's
// dispatcher goroutine: frame → conn → store → here → Notifier, with the
// incident validated once, where it entered. Each incident and link notice
// carries its server's ID; the notifier names the server when there are
// several (it knows them from watchNotes, which sees a change's State
// before its events) and skips the muted ones (its rules).
func (a *Agent) event(ev store.Event, st store.State) {
	switch e := ev.(type) {
	case store.Opened:
		a.notes.Incident(e.Incident.Server, e.Incident.Incident)
	case store.Revealed:
		a.notes.Revealed(e.Server, unsettled(e.Incidents))
	case store.Settled:
		a.notes.Settled(e.Incident.Server, e.Incident.UUID)
	case store.LinkLost:
		a.notes.ConnectionLost(e.Server, e.At, e.NeverConnected)
	case store.LinkRestored:
		a.notes.ConnectionRestored(e.Server, e.At)
	case store.PauseStarted, store.PauseEnded:
		a.mu.Lock()
		cur := a.cur
		a.mu.Unlock()
		a.notes.SetRules(rules(cur, st))
	}
}

// unsettled are the incidents a catch-up found that still need someone:
// not acknowledged here (Acked) or by anyone. The others are not news, so
// no summary ("5 open incidents", "Back online — 3 new") counts them.
func unsettled(found []store.Incident) []ops.Incident {
	out := make([]ops.Incident, 0, len(found))
	for _, in := range found {
		if !in.Acked && !in.IsAcknowledged() {
			out = append(out, in.Incident)
		}
	}
	return out
}

// notifyServers are st's servers as the notifier knows them: ID and name.
func notifyServers(st store.State) []notify.Server {
	list := make([]notify.Server, len(st.Servers))
	for i, s := range st.Servers {
		list[i] = notify.Server{ID: s.ID, Name: s.Name}
	}
	return list
}
