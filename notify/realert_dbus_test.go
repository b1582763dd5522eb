//go:build (linux || freebsd || netbsd || openbsd || illumos) && !nodbus

package notify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/internal/dbustest"
	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/notify/notifytest"
	"github.com/warpdesk/warpdesk/ops"
)

// A critical nobody acknowledges, over a real private session bus into
// the recording server: its notification carries the sound hint and the
// critical urgency and names its server; it is notified again, with the
// re-alert sound, each re-alert replacing the last on screen, until it is
// settled, and then its notifications close and no more come. A click and Acknowledge on a re-alert report the
// incident's server and UUID.
func TestDBusReAlert(t *testing.T) {
	bus := dbustest.Start(t, dbustest.Session)
	srv := notifytest.Start(t, bus.Address, notifytest.Options{})
	opened, acked := newClicks(), newClicks()
	sys := notify.NewDBus(notify.SystemOptions{BusAddress: bus.Address, OnClick: opened.OnClick, OnAcknowledge: acked.OnClick})
	defer sys.Close()
	const every = 300 * time.Millisecond
	n := notify.New(sys, notify.Options{})
	defer n.Close()
	n.SetRules(notify.Rules{ReAlert: every, CriticalSound: true})
	n.SetServers([]notify.Server{{ID: "prod", Name: "Production"}, {ID: "stg", Name: "Staging"}})

	n.Incident("prod", ops.Incident{UUID: "c-1", Title: "DB primary down", Severity: ops.Critical, Room: "ops", CreatedAt: time.Now().UnixMilli()})
	n.Incident("prod", ops.Incident{UUID: "w-1", Title: "Disk 85%", Severity: ops.Warning, Room: "ops"})
	calls := srv.WaitCalls(t, 3)
	first, warn, again := calls[0], calls[1], calls[2]
	for _, c := range []notifytest.Call{first, again} {
		if c.Summary != "Critical: DB primary down" || !strings.Contains(c.Body, "Production · ops · ") {
			t.Fatalf("call %+v", c)
		}
		if u, _ := c.Urgency(); u != 2 {
			t.Fatalf("urgency %d, want critical", u)
		}
	}
	if s, _ := first.Sound(); s != notify.SoundCritical {
		t.Fatalf("first sound-name %q, want %q", s, notify.SoundCritical)
	}
	if s, ok := warn.Sound(); ok {
		t.Fatalf("a warning carries sound-name %q", s)
	}
	if s, _ := again.Sound(); s != notify.SoundReAlert || !strings.HasPrefix(again.Body, "Unacknowledged for ") {
		t.Fatalf("re-alert: sound-name %q, body %q", s, again.Body)
	}
	// The interval counts from the decision, the server stamps delivery.
	if gap := again.At.Sub(first.At); gap < every/2 {
		t.Fatalf("re-alert %v after the first, want about %v", gap, every)
	}

	// The next re-alert replaces this one on screen: critical
	// notifications do not expire, and one per interval would pile up.
	next := srv.WaitCalls(t, 4)[3]
	if next.ReplacesID != again.ID || next.ID != again.ID {
		t.Fatalf("the next re-alert: replaces %d, id %d; want both %d", next.ReplacesID, next.ID, again.ID)
	}
	waitClickable(t, sys, next.ID)
	if err := srv.Click(next.ID); err != nil {
		t.Fatal(err)
	}
	if id := opened.wait(t); id != "prod/c-1" {
		t.Fatalf("click on the re-alert: OnClick %q, want prod/c-1", id)
	}

	// Acknowledge on a later re-alert (a new one: the last was
	// dismissed by the click) reports the same incident.
	later := srv.WaitCalls(t, 5)[4]
	waitClickable(t, sys, later.ID)
	if err := srv.Invoke(later.ID, notify.ActionAcknowledge); err != nil {
		t.Fatal(err)
	}
	if id := acked.wait(t); id != "prod/c-1" {
		t.Fatalf("Acknowledge on a re-alert: %q, want prod/c-1", id)
	}

	// Settled (acknowledged or resolved): what is still on screen closes,
	// and no more re-alerts come.
	n.Settled("prod", "c-1")
	sys.Withdraw("prod", "c-1")
	waitOpen(t, srv, warn.ID)
	settled := len(srv.Calls())
	time.Sleep(3 * every)
	if got := len(srv.Calls()); got != settled {
		t.Fatalf("%d calls after Settled, want none", got-settled)
	}
}
