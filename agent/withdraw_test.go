package agent

import (
	"slices"
	"testing"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

type recordedWithdrawals []string

func (w *recordedWithdrawals) Withdraw(id string) { *w = append(*w, id) }

func settleState(l ...store.Incident) store.State { return store.State{Incidents: l} }

func openInc(uuid string) store.Incident { return store.Incident{Incident: ops.Incident{UUID: uuid}} }

// Each incident's notification is withdrawn once, when it settles:
// acknowledged here or by anyone, resolved, or already settled when first
// seen; never for one still open, nor again once settled.
func TestWithdrawSettled(t *testing.T) {
	var got recordedWithdrawals
	sub := withdrawSettled(&got)
	acked, byBob := openInc("acked"), openInc("bob")
	acked.Acked = true
	byBob.AcknowledgedBy = "bob"

	steps := []struct {
		st   store.State
		want []string
	}{
		{settleState(openInc("a"), openInc("b"), byBob), []string{"bob"}},
		{settleState(openInc("a"), openInc("b"), byBob), nil},
		{settleState(openInc("b"), byBob), []string{"a"}}, // resolved
		{settleState(openInc("b")), nil},                  // bob's, gone after it settled
		{settleState(func() store.Incident { i := openInc("b"); i.AcknowledgedBy = "alice"; return i }()), []string{"b"}},
		{settleState(acked, openInc("c")), []string{"acked"}}, // b gone settled; acked arrives settled
		{settleState(acked), []string{"c"}},
		{settleState(), nil},
	}
	for i, s := range steps {
		got = nil
		sub(s.st)
		slices.Sort(got)
		if !slices.Equal(got, s.want) {
			t.Fatalf("step %d: withdrew %q, want %q", i, got, s.want)
		}
	}
}
