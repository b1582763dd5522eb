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
type withdrawer interface{ Withdraw(id string) }

// notifyActs carries out a notification's "Acknowledge": the store marks
// the incident at once (Acked, so this desktop goes quiet even offline)
// and the link asks the server, which tells every desktop. The server's
// answer runs on a goroutine of its own, bounded by ackTimeout and ended by
// close.
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
func (n *notifyActs) acknowledge(uuid string) {
	n.a.st.Acknowledge("", uuid)
	ack, ok := n.a.link.(acknowledger)
	n.mu.Lock()
	defer n.mu.Unlock()
	if !ok || n.closed {
		return
	}
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		ctx, cancel := context.WithTimeout(n.ctx, ackTimeout)
		defer cancel()
		if _, err := ack.Acknowledge(ctx, uuid); err != nil {
			n.a.log.Warn("acknowledge from a notification: acknowledged here only", "uuid", uuid, "err", err)
		}
	}()
}

// close cancels the acknowledgements in flight and waits for them.
func (n *notifyActs) close() {
	n.mu.Lock()
	n.closed = true
	n.mu.Unlock()
	n.cancel()
	n.wg.Wait()
}

// withdrawSettled returns a State subscriber that withdraws the
// notification of every incident that needs nobody any more: acknowledged
// here (Acked) or by anyone (AcknowledgedBy), or gone from the list
// (resolved, or dropped with its room or server). Each incident is
// withdrawn once, when it settles; one that arrives settled is withdrawn
// at once, which keeps its notification (delivered after the State) from
// being shown. It runs on the store's dispatcher goroutine; Withdraw never
// blocks.
func withdrawSettled(w withdrawer) func(store.State) {
	var prev map[string]bool // uuid → settled, in the last State
	var last []store.Incident
	return func(st store.State) {
		if prev != nil && len(st.Incidents) == len(last) && (len(last) == 0 || &st.Incidents[0] == &last[0]) {
			return // the same list: published slices are never modified
		}
		last = st.Incidents
		cur := make(map[string]bool, len(st.Incidents))
		for _, in := range st.Incidents {
			settled := in.Acked || in.AcknowledgedBy != ""
			cur[in.UUID] = settled
			if was, known := prev[in.UUID]; settled && (!known || !was) {
				w.Withdraw(in.UUID)
			}
		}
		for uuid, settled := range prev {
			if _, open := cur[uuid]; !open && !settled {
				w.Withdraw(uuid)
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
