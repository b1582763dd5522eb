//go:build (linux || freebsd || netbsd || openbsd || illumos) && !nodbus

package notify_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/internal/dbustest"
	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/notify/notifytest"
	"github.com/warpdesk/warpdesk/ops"
)

// The Notifier and the D-Bus deliverer together: a storm, and a
// notification server that comes up after the app.

// TestStormEndToEnd: a storm of 200 incidents through the Notifier and the
// production deliverer reaches the server as a burst plus one summary; the
// catch-up replay after a reconnect adds nothing.
func TestStormEndToEnd(t *testing.T) {
	bus := dbustest.Start(t, dbustest.Session)
	srv := notifytest.Start(t, bus.Address, notifytest.Options{})
	s := notify.NewSystem(notify.SystemOptions{BusAddress: bus.Address})
	defer s.Close()
	n := notify.New(s, notify.Options{Window: time.Second})
	defer n.Close()

	send := func() time.Duration {
		start := time.Now()
		for i := range 200 {
			sev := "info"
			if i%40 == 0 {
				sev = "critical"
			}
			n.Incident("", ops.Incident{UUID: fmt.Sprintf("inc-%d", i), Title: fmt.Sprintf("incident %d", i), Severity: ops.Severity(sev), Room: "ops"})
		}
		return time.Since(start)
	}
	if took := send(); took > 500*time.Millisecond {
		t.Logf("200 Incident calls took %v; the assertions below need them inside one window", took)
	}
	calls := srv.WaitCalls(t, notify.DefaultBurst+1)
	time.Sleep(1500 * time.Millisecond) // nothing more may come
	n.ConnectionLost("", time.Now(), false)
	n.ConnectionRestored("", time.Now())
	send() // catch-up replay
	time.Sleep(1500 * time.Millisecond)
	if got := srv.Calls(); len(got) != notify.DefaultBurst+1 {
		for _, c := range got {
			t.Log(c.Summary)
		}
		t.Fatalf("%d Notify calls for 200 incidents + replay, want %d", len(got), notify.DefaultBurst+1)
	}
	sum := calls[notify.DefaultBurst]
	u, _ := sum.Urgency()
	if sum.Summary != "197 new incidents, 4 critical" || u != 2 || sum.Body == "" {
		t.Fatalf("summary %q urgency %d", sum.Summary, u)
	}
}

// At login the app may start before the desktop's notification server: the
// first delivery fails (nobody owns the name yet) and the Notifier's retry
// reaches the server once it is up.
func TestDBusRetryReachesALateServer(t *testing.T) {
	bus := dbustest.Start(t, dbustest.Session)
	d := notify.NewDBus(notify.SystemOptions{BusAddress: bus.Address})
	defer d.Close()
	failed := make(chan error, 8)
	n := notify.New(notifytest.DelivererFunc(func(x notify.Notification) error {
		err := d.Deliver(x)
		if err != nil {
			failed <- err
		}
		return err
	}), notify.Options{})
	defer n.Close()
	n.Incident("", ops.Incident{UUID: "late-1", Title: "DB down", Severity: "critical"})
	select {
	case err := <-failed:
		t.Logf("first attempt, no server yet: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("the first attempt neither failed nor reached a server")
	}
	srv := notifytest.Start(t, bus.Address, notifytest.Options{})
	if c := srv.WaitCalls(t, 1)[0]; c.Summary != "Critical: DB down" {
		t.Fatalf("retried call %+v", c)
	}
}
