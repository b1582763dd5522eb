package agent

import (
	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/store"
)

// withdrawer closes an incident's notification, and lets its
// notifications show again once it is back unacknowledged
// (*notify.System).
type withdrawer interface {
	Withdraw(server, id string)
	Reopen(server, id string)
}

// notifyActs carries out a notification's actions. "Acknowledge" goes
// through the agent's Commands: marked here at once, sent to the
// incident's server, which tells every desktop (see commands for the
// offline policy). A click (the "default" action) opens the dashboard on
// that incident. Both run on a D-Bus goroutine and never block.
type notifyActs struct{ a *Agent }

func newNotifyActs(a *Agent) *notifyActs { return &notifyActs{a: a} }

// acknowledge is notify.SystemOptions.OnAcknowledge.
func (n *notifyActs) acknowledge(server, uuid string) {
	n.a.cmds.Acknowledge(server, uuid)
}

// click is notify.SystemOptions.OnClick: it opens the dashboard on the
// incident uuid of server (the window's openIncident), or on its front
// page for a notification about no one incident (uuid ""), or before Run
// started the windows.
func (n *notifyActs) click(server, uuid string) {
	n.a.mu.Lock()
	show := n.a.show
	n.a.mu.Unlock()
	if uuid == "" || show == nil {
		n.a.Open(false)
		return
	}
	show(server, uuid)
}

// settled is what happens when an incident of server needs nobody any
// more: its re-alerts stop, and its notification is withdrawn when the
// deliverer can (*notify.System). reopened is what happens when one shows
// up needing someone: a notification of it may show again (it may have
// been withdrawn when it left the list before; the notifier watches it
// again for re-alerts when the store's Opened or Revealed tells it).
func (a *Agent) settled(d notify.Deliverer) (settled, reopened func(server, uuid string)) {
	w, _ := d.(withdrawer)
	if w == nil {
		return func(server, uuid string) { a.notes.Settled(server, uuid) }, func(string, string) {}
	}
	return func(server, uuid string) {
		a.notes.Settled(server, uuid)
		w.Withdraw(server, uuid)
	}, w.Reopen
}

// watchNotes returns the State subscriber that keeps the notifier in step
// with what the store shows besides its events: the servers watched (their
// names, and a removed server's outage forgotten, so no "offline" notice
// comes for a server no longer there) and the incidents that settle
// (watchSettled, with settled(d)). It runs on the store's dispatcher
// goroutine, before the events of the same change.
func (a *Agent) watchNotes(d notify.Deliverer) func(store.State) {
	settle := watchSettled(a.settled(d))
	var last []store.ServerState
	return func(st store.State) {
		if last == nil || len(st.Servers) != len(last) || (len(last) > 0 && &st.Servers[0] != &last[0]) {
			last = st.Servers
			a.notes.SetServers(notifyServers(st))
		}
		settle(st)
	}
}

// incidentKey is an incident's identity: the same UUID on two servers is
// two incidents.
type incidentKey struct{ server, uuid string }

// watchSettled returns a State subscriber that calls settle for every
// incident that needs nobody any more: acknowledged here (Acked) or by
// anyone (AcknowledgedBy), or gone from the list (resolved, or dropped
// with its room or server). Each incident settles once; one that arrives
// settled settles at once, which keeps its notification (delivered after
// the State) from being shown. An incident that arrives unsettled is
// passed to back: it may be one that settled by leaving the list and is
// back (its room joined again, a catch-up). It runs on the store's
// dispatcher goroutine; settle and back must not block.
func watchSettled(settle, back func(server, uuid string)) func(store.State) {
	var prev map[incidentKey]bool // → settled, in the last State
	var last []store.Incident
	return func(st store.State) {
		if prev != nil && len(st.Incidents) == len(last) && (len(last) == 0 || &st.Incidents[0] == &last[0]) {
			return // the same list: published slices are never modified
		}
		last = st.Incidents
		cur := make(map[incidentKey]bool, len(st.Incidents))
		for _, in := range st.Incidents {
			k := incidentKey{in.Server, in.UUID}
			settled := in.Acked || in.IsAcknowledged()
			cur[k] = settled
			switch was, known := prev[k]; {
			case settled && (!known || !was):
				settle(k.server, k.uuid)
			case !settled && !known:
				back(k.server, k.uuid)
			}
		}
		for k, settled := range prev {
			if _, open := cur[k]; !open && !settled {
				settle(k.server, k.uuid)
			}
		}
		prev = cur
	}
}

// What production passes satisfies what the agent looks for.
var _ withdrawer = (*notify.System)(nil)
