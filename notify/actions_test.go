//go:build (linux || freebsd || netbsd || openbsd || illumos) && !nodbus

package notify_test

import (
	"slices"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/internal/dbustest"
	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/notify/notifytest"
)

// waitClickable waits until d stored the reply to the Notify call of nid.
func waitClickable(t *testing.T, d *notify.DBus, nid uint32) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !notify.Clickable(d, nid); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the reply to Notify %d was never stored", nid)
		}
	}
}

// waitOpen waits until the server's open notifications are want.
func waitOpen(t *testing.T, srv *notifytest.Server, want ...uint32) {
	t.Helper()
	slices.Sort(want)
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		got := srv.Open()
		if slices.Equal(got, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("open notifications %v, want %v", got, want)
		}
	}
}

func labelOf(c notifytest.Call, key string) string {
	for i := 0; i+1 < len(c.Actions); i += 2 {
		if c.Actions[i] == key {
			return c.Actions[i+1]
		}
	}
	return ""
}

// An incident's notification offers Acknowledge besides the click; each
// reports the incident's UUID to its own callback. A notification about no
// one incident offers the click only.
func TestDBusAcknowledgeAction(t *testing.T) {
	bus := dbustest.Start(t, dbustest.Session)
	srv := notifytest.Start(t, bus.Address, notifytest.Options{})
	opened, acked := newClicks(), newClicks()
	d := notify.NewDBus(notify.SystemOptions{BusAddress: bus.Address, OnClick: opened.OnClick, OnAcknowledge: acked.OnClick})
	defer d.Close()

	for _, n := range []notify.Notification{
		{Summary: "Critical: DB down", ID: "c-1", Urgency: notify.Critical},
		{Summary: "Warning: disk", ID: "w-1", Urgency: notify.Normal},
		{Summary: "5 new incidents", Tag: "summary"},
	} {
		if err := d.Deliver(n); err != nil {
			t.Fatal(err)
		}
	}
	calls := srv.WaitCalls(t, 3)
	for i, c := range calls[:2] {
		if labelOf(c, notify.ActionAcknowledge) != "Acknowledge" || labelOf(c, notify.ActionDefault) != "Open dashboard" {
			t.Errorf("incident %d: actions %q", i, c.Actions)
		}
	}
	if calls[2].HasAction(notify.ActionAcknowledge) || !calls[2].HasAction(notify.ActionDefault) {
		t.Errorf("summary: actions %q, want the click only", calls[2].Actions)
	}

	// Acknowledge on the summary (no incident) or on another app's
	// notification reaches no callback: the first one called is c-1's.
	for _, nid := range []uint32{calls[2].ID, 999, calls[0].ID} {
		if err := srv.Invoke(nid, notify.ActionAcknowledge); err != nil {
			t.Fatal(err)
		}
	}
	if id := acked.wait(t); id != "c-1" {
		t.Fatalf("OnAcknowledge(%q), want c-1", id)
	}
	if err := srv.Invoke(calls[1].ID, notify.ActionDefault); err != nil {
		t.Fatal(err)
	}
	if id := opened.wait(t); id != "w-1" {
		t.Fatalf("OnClick(%q), want w-1", id)
	}
	select {
	case id := <-acked.ch:
		t.Fatalf("OnAcknowledge(%q) as well", id)
	case id := <-opened.ch:
		t.Fatalf("OnClick(%q) as well", id)
	default:
	}
}

// Without OnAcknowledge there is no Acknowledge action.
func TestDBusNoAcknowledgeAction(t *testing.T) {
	bus := dbustest.Start(t, dbustest.Session)
	srv := notifytest.Start(t, bus.Address, notifytest.Options{})
	d := notify.NewDBus(notify.SystemOptions{BusAddress: bus.Address})
	defer d.Close()
	if err := d.Deliver(notify.Notification{Summary: "x", ID: "c-1"}); err != nil {
		t.Fatal(err)
	}
	if c := srv.WaitCalls(t, 1)[0]; len(c.Actions) != 0 {
		t.Fatalf("actions %q, want none", c.Actions)
	}
}

// Withdraw closes the incident's notification on the server and no other,
// and a notification for an incident already withdrawn is never shown.
func TestDBusWithdraw(t *testing.T) {
	bus := dbustest.Start(t, dbustest.Session)
	srv := notifytest.Start(t, bus.Address, notifytest.Options{})
	d := notify.NewDBus(notify.SystemOptions{BusAddress: bus.Address, OnAcknowledge: func(string, string) {}})
	defer d.Close()

	d.Withdraw("", "nothing-shown") // harmless before any connection
	for _, id := range []string{"a", "b"} {
		if err := d.Deliver(notify.Notification{Summary: id, ID: id}); err != nil {
			t.Fatal(err)
		}
	}
	calls := srv.WaitCalls(t, 2)
	waitClickable(t, d, calls[1].ID)
	waitOpen(t, srv, calls[0].ID, calls[1].ID)

	d.Withdraw("", "a")
	if c := srv.WaitClosing(t, calls[0].ID); c.Sender != calls[0].Sender || !c.WasOpen {
		t.Fatalf("closing %+v, want the notifying client's, of an open notification", c)
	}
	waitOpen(t, srv, calls[1].ID)
	d.Withdraw("", "a") // again: nothing left to close
	d.Withdraw("", "")

	if err := d.Deliver(notify.Notification{Summary: "a again", ID: "a"}); err != nil {
		t.Fatal(err)
	}
	d.Withdraw("", "c")
	if err := d.Deliver(notify.Notification{Summary: "c", ID: "c"}); err != nil {
		t.Fatal(err)
	}
	if err := d.Deliver(notify.Notification{Summary: "b replaced", ID: "b2"}); err != nil {
		t.Fatal(err)
	}
	calls = srv.WaitCalls(t, 3)
	if len(calls) != 3 || calls[2].Summary != "b replaced" {
		t.Fatalf("calls %+v: withdrawn incidents were shown", calls)
	}
	d.Withdraw("", "b")
	waitOpen(t, srv, calls[2].ID)

	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	d.Withdraw("", "b2") // after Close: ignored, no goroutine started
}

// An incident is its server and UUID: withdrawing one server's closes its
// notification only, not the other server's of the same UUID, and keeps
// only its own from being shown later.
func TestDBusWithdrawPerServer(t *testing.T) {
	bus := dbustest.Start(t, dbustest.Session)
	srv := notifytest.Start(t, bus.Address, notifytest.Options{})
	d := notify.NewDBus(notify.SystemOptions{BusAddress: bus.Address})
	defer d.Close()
	for _, server := range []string{"prod", "stg"} {
		if err := d.Deliver(notify.Notification{Summary: server, ID: "u1", Server: server}); err != nil {
			t.Fatal(err)
		}
	}
	calls := srv.WaitCalls(t, 2)
	waitClickable(t, d, calls[1].ID)
	d.Withdraw("prod", "u1")
	waitOpen(t, srv, calls[1].ID)

	for _, server := range []string{"prod", "stg"} {
		if err := d.Deliver(notify.Notification{Summary: server + " again", ID: "u1", Server: server}); err != nil {
			t.Fatal(err)
		}
	}
	if calls = srv.WaitCalls(t, 3); len(calls) != 3 || calls[2].Summary != "stg again" {
		t.Fatalf("calls %+v: want stg's shown again, prod's withdrawn", calls)
	}
}

// A dismissed notification is forgotten: withdrawing its incident later
// sends nothing, and an action on it reaches no callback.
func TestDBusDismissedForgotten(t *testing.T) {
	bus := dbustest.Start(t, dbustest.Session)
	srv := notifytest.Start(t, bus.Address, notifytest.Options{})
	acked := newClicks()
	d := notify.NewDBus(notify.SystemOptions{BusAddress: bus.Address, OnAcknowledge: acked.OnClick})
	defer d.Close()
	if err := d.Deliver(notify.Notification{Summary: "a", ID: "a"}); err != nil {
		t.Fatal(err)
	}
	c := srv.WaitCalls(t, 1)[0]
	waitClickable(t, d, c.ID)
	if err := srv.Dismiss(c.ID, 2); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); notify.Clickable(d, c.ID); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("a dismissed notification is still remembered")
		}
	}
}

// An incident withdrawn and then back, unacknowledged (its room joined
// again, its server added again, opened anew), is shown again once
// Reopen says so (a re-alert of it would otherwise never appear); the
// same UUID on another server stays withdrawn.
func TestDBusReopen(t *testing.T) {
	bus := dbustest.Start(t, dbustest.Session)
	srv := notifytest.Start(t, bus.Address, notifytest.Options{})
	d := notify.NewDBus(notify.SystemOptions{BusAddress: bus.Address})
	defer d.Close()
	d.Withdraw("prod", "a")
	d.Withdraw("stg", "a")
	d.Reopen("prod", "a")
	d.Reopen("", "never-withdrawn")
	for _, server := range []string{"stg", "prod"} {
		if err := d.Deliver(notify.Notification{Summary: server, ID: "a", Server: server}); err != nil {
			t.Fatal(err)
		}
	}
	if calls := srv.WaitCalls(t, 1); len(calls) != 1 || calls[0].Summary != "prod" {
		t.Fatalf("calls %+v: want prod's shown again, stg's still withdrawn", calls)
	}
}

// A click that races the withdrawal (the user clicks as the incident
// settles, or the server delivers the click after the close) still opens
// the dashboard on the incident: a click never does nothing. Its
// Acknowledge is moot and dropped.
func TestDBusClickAfterWithdraw(t *testing.T) {
	bus := dbustest.Start(t, dbustest.Session)
	srv := notifytest.Start(t, bus.Address, notifytest.Options{})
	opened, acked := newClicks(), newClicks()
	d := notify.NewDBus(notify.SystemOptions{BusAddress: bus.Address, OnClick: opened.OnClick, OnAcknowledge: acked.OnClick})
	defer d.Close()
	if err := d.Deliver(notify.Notification{Summary: "a", ID: "a"}); err != nil {
		t.Fatal(err)
	}
	call := srv.WaitCalls(t, 1)[0]
	waitClickable(t, d, call.ID)
	d.Withdraw("", "a")
	srv.WaitClosing(t, call.ID)
	for _, key := range []string{notify.ActionAcknowledge, notify.ActionDefault} {
		if err := srv.Invoke(call.ID, key); err != nil {
			t.Fatal(err)
		}
	}
	if id := opened.wait(t); id != "a" {
		t.Fatalf("OnClick(%q), want a", id)
	}
	select {
	case id := <-acked.ch:
		t.Fatalf("OnAcknowledge(%q) for a withdrawn notification", id)
	default:
	}
}
