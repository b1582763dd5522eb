package agent

import (
	"context"
	"sync"
	"time"

	"github.com/warpdesk/warpdesk/conn"
	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// ackTimeout bounds an acknowledgement sent from a notification.
const ackTimeout = 30 * time.Second

// acknowledger is a Link that can acknowledge an incident on the server,
// for everyone (*conn.Conn).
type acknowledger interface {
	Acknowledge(ctx context.Context, uuid string) (ops.Acknowledgement, error)
}

// withdrawer closes an incident's notification (*notify.System).
type withdrawer interface{ Withdraw(server, id string) }

// notifyActs carries out a notification's actions. "Acknowledge": the
// store marks the incident of that server at once (Acked, so this desktop
// goes quiet even offline) and the link asks the server, which tells every
// desktop; the server's answer runs on a goroutine of its own, bounded by
// ackTimeout and ended by close. A click (the "default" action): the
// dashboard opens on that incident.
type notifyActs struct {
	a      *Agent
	ctx    context.Context
	cancel context.CancelFunc

	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
}

func newNotifyActs(a *Agent) *notifyActs {
	ctx, cancel := context.WithCancel(context.Background())
	return &notifyActs{a: a, ctx: ctx, cancel: cancel}
}

// acknowledge is notify.SystemOptions.OnAcknowledge: it runs on the D-Bus
// goroutine and does not block.
func (n *notifyActs) acknowledge(server, uuid string) {
	n.a.cmds.Acknowledge(server, uuid) // marked at once, sent to the server (see commands)
}

// click is notify.SystemOptions.OnClick: it opens the dashboard on the
// incident uuid of server, or on its front page for a notification about
// no one incident (uuid ""), or before Run started the windows. It runs on
// the D-Bus goroutine and does not block.
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

// close cancels the acknowledgements in flight and waits for them.
func (n *notifyActs) close() {
	n.mu.Lock()
	n.closed = true
	n.mu.Unlock()
	n.cancel()
	n.wg.Wait()
}

// settled is what happens when an incident of server needs nobody any
// more: its re-alerts stop, and its notification is withdrawn when the
// deliverer can (*notify.System).
func (a *Agent) settled(d notify.Deliverer) func(server, uuid string) {
	w, _ := d.(withdrawer)
	return func(server, uuid string) {
		a.notes.Settled(server, uuid)
		if w != nil {
			w.Withdraw(server, uuid)
		}
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
// the State) from being shown. It runs on the store's dispatcher
// goroutine; settle must not block.
func watchSettled(settle func(server, uuid string)) func(store.State) {
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
			if was, known := prev[k]; settled && (!known || !was) {
				settle(k.server, k.uuid)
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
var (
	_ acknowledger = (*conn.Conn)(nil)
	_ withdrawer   = (*notify.System)(nil)
)
