package agent

import (
	"slices"

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

// settlement is what the agent does as incidents settle and come back:
// the notifier's re-alerts, and the deliverer's notifications on screen.
type settlement struct {
	notes *notify.Notifier
	w     withdrawer // nil when the deliverer cannot withdraw
}

// settle: the incident uuid of server needs nobody any more. Its
// re-alerts stop and its notifications are withdrawn.
func (s settlement) settle(server, uuid string) {
	s.notes.Settled(server, uuid)
	if s.w != nil {
		s.w.Withdraw(server, uuid)
	}
}

// back: in needs someone, shown unsettled for the first time (it may have
// been withdrawn when it left the list before: its room was left, its
// server removed) or again (again: this desktop's acknowledgement
// failed, so the server does not know). Its notifications may show
// again; after a failed acknowledgement its re-alerts resume (the
// notifier takes it for a duplicate and watches it again). A new one
// reaches the notifier through the store's Opened or Revealed instead.
func (s settlement) back(in store.Incident, again bool) {
	if s.w != nil {
		s.w.Reopen(in.Server, in.UUID)
	}
	if again {
		s.notes.Incident(in.Server, in.Incident)
	}
}

// watchNotes returns the State subscriber that keeps the notifier in step
// with what the store shows besides its events: the servers watched (their
// names, and a removed server's outage forgotten, so no "offline" notice
// comes for a server no longer there) and the incidents that settle or
// come back (watchSettled, with a settlement on d). It runs on the store's
// dispatcher goroutine, before the events of the same change.
func (a *Agent) watchNotes(d notify.Deliverer) func(store.State) {
	w, _ := d.(withdrawer)
	s := settlement{notes: a.notes, w: w}
	settle := watchSettled(s.settle, s.back)
	var last []notify.Server
	return func(st store.State) {
		if last == nil || !sameServers(last, st.Servers) {
			last = notifyServers(st)
			a.notes.SetServers(last)
		}
		settle(st)
	}
}

// sameServers reports whether list names the servers of st, in order.
func sameServers(list []notify.Server, st []store.ServerState) bool {
	return slices.EqualFunc(list, st, func(n notify.Server, s store.ServerState) bool {
		return n.ID == s.ID && n.Name == s.Name
	})
}

// incidentKey is an incident's identity: the same UUID on two servers is
// two incidents.
type incidentKey struct{ server, uuid string }

// watchSettled returns a State subscriber that calls settle for every
// incident that needs nobody any more (acknowledged: not
// store.Incident.Unacknowledged), or is gone from the list (resolved, or
// dropped with its room or server). Each incident
// settles once; one that arrives settled settles at once, which keeps its
// notification (delivered after the State) from being shown. An incident
// listed unsettled for the first time is passed to back, again false; one
// that was settled and needs someone again (its acknowledgement failed),
// again true. It runs on the store's dispatcher goroutine; settle and back
// must not block.
func watchSettled(settle func(server, uuid string), back func(in store.Incident, again bool)) func(store.State) {
	var prev map[incidentKey]bool // → settled, in the last State
	var last []store.Incident
	return func(st store.State) {
		if prev != nil && len(st.Incidents) == len(last) && (len(last) == 0 || &st.Incidents[0] == &last[0]) {
			return // the same list: published slices are never modified
		}
		last = st.Incidents
		cur := make(map[incidentKey]bool, len(st.Incidents))
		for i := range st.Incidents {
			in := &st.Incidents[i]
			k := incidentKey{in.Server, in.UUID}
			settled := !in.Unacknowledged()
			cur[k] = settled
			switch was, known := prev[k]; {
			case settled && (!known || !was):
				settle(k.server, k.uuid)
			case !settled && (!known || was):
				back(*in, known)
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
