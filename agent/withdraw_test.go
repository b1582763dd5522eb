package agent

import (
	"slices"
	"testing"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

func settleState(l ...store.Incident) store.State { return store.State{Incidents: l} }

func openInc(uuid string) store.Incident { return store.Incident{Incident: ops.Incident{UUID: uuid}} }

// Each incident settles once, when it needs nobody any more: acknowledged
// here or by anyone, resolved, or already settled when first seen; never
// while still open, nor again once settled unless its acknowledgement
// failed. One first seen unsettled is reported back (it may have been
// withdrawn before), and so is one whose acknowledgement failed. An incident is its server and
// UUID: the same UUID on another server settles on its own.
func TestWatchSettled(t *testing.T) {
	var got []string
	record := func(mark string) func(server, uuid string) {
		return func(server, uuid string) {
			if server != "" {
				uuid = server + "/" + uuid
			}
			got = append(got, mark+uuid)
		}
	}
	back := func(in store.Incident, again bool) {
		mark := "+" // listed unsettled for the first time
		if again {
			mark = "!" // settled, and needs someone again
		}
		record(mark)(in.Server, in.UUID)
	}
	sub := watchSettled(record(""), back)
	acked, byBob := openInc("acked"), openInc("bob")
	acked.Acked = true
	byBob.AcknowledgedBy = "bob"
	failed := acked
	failed.AckErr = "offline"
	onStaging := func(in store.Incident) store.Incident { in.Server = "staging"; return in }

	steps := []struct {
		st   store.State
		want []string
	}{
		{settleState(openInc("a"), openInc("b"), byBob), []string{"+a", "+b", "bob"}},
		{settleState(openInc("a"), openInc("b"), byBob), nil},
		{settleState(openInc("b"), byBob), []string{"a"}}, // resolved
		{settleState(openInc("b")), nil},                  // bob's, gone after it settled
		{settleState(func() store.Incident { i := openInc("b"); i.AcknowledgedBy = "alice"; return i }()), []string{"b"}},
		{settleState(acked, openInc("c")), []string{"+c", "acked"}}, // b gone settled; acked arrives settled
		{settleState(acked), []string{"c"}},
		{settleState(acked, openInc("d"), onStaging(openInc("d"))), []string{"+d", "+staging/d"}},
		{settleState(acked, openInc("d")), []string{"staging/d"}}, // same UUID, other server
		{settleState(acked, openInc("d"), onStaging(acked)), []string{"staging/acked"}},
		{settleState(), []string{"d"}},
		{settleState(acked), []string{"acked"}},
		{settleState(failed), []string{"!acked"}}, // its acknowledgement failed
		{settleState(failed), nil},
		{settleState(acked), []string{"acked"}}, // acknowledged again
		{settleState(failed), []string{"!acked"}},
		{settleState(), []string{"acked"}},
	}
	for i, s := range steps {
		got = nil
		sub(s.st)
		slices.Sort(got)
		if !slices.Equal(got, s.want) {
			t.Fatalf("step %d: settled %q, want %q", i, got, s.want)
		}
	}
}
