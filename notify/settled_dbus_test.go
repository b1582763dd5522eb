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

// What settled while it waited for a burst summary or a pause's digest
// is left out of it, over a real private session bus into the recording
// server: the summary and the digest say what is still open.
func TestDBusSettledLeavesSummaryAndDigest(t *testing.T) {
	bus := dbustest.Start(t, dbustest.Session)
	srv := notifytest.Start(t, bus.Address, notifytest.Options{})
	sys := notify.NewDBus(notify.SystemOptions{BusAddress: bus.Address})
	defer sys.Close()
	n := notify.New(sys, notify.Options{Window: 500 * time.Millisecond, Burst: 1})
	defer n.Close()
	warn := func(id string) ops.Incident {
		return ops.Incident{UUID: id, Title: "title " + id, Severity: ops.Warning, Room: "ops"}
	}
	mentions := func(c notifytest.Call, id string) bool {
		return strings.Contains(c.Summary+"\n"+c.Body, "title "+id)
	}

	// A burst: b1 notifies, b2–b4 wait for the summary; b2 and b3 are
	// resolved meanwhile, so the window ends with b4 alone, on its own.
	for _, id := range []string{"b1", "b2", "b3", "b4"} {
		n.Incident("", warn(id))
	}
	n.Settled("", "b2")
	n.Settled("", "b3")
	calls := srv.WaitCalls(t, 2)
	if !mentions(calls[0], "b1") {
		t.Fatalf("first call %+v, want b1", calls[0])
	}
	if c := calls[1]; !mentions(c, "b4") || mentions(c, "b2") || mentions(c, "b3") || strings.Contains(c.Summary, "3 new") {
		t.Fatalf("the burst's summary names settled incidents: %q / %q", c.Summary, c.Body)
	}

	// A pause: p1–p3 are held for the digest; p1 and p2 are resolved
	// before it ends, so the digest names p3 alone.
	n.SetRules(notify.Rules{PausedUntil: time.Now().Add(time.Second)})
	for _, id := range []string{"p1", "p2", "p3"} {
		n.Incident("", warn(id))
	}
	n.Settled("", "p1")
	n.Settled("", "p2")
	c := srv.WaitCalls(t, 3)[2]
	if c.Summary != "1 incident while notifications were paused" || !mentions(c, "p3") || mentions(c, "p1") || mentions(c, "p2") {
		t.Fatalf("the digest names settled incidents: %q / %q", c.Summary, c.Body)
	}

	// All of them settled: no digest at all.
	n.SetRules(notify.Rules{PausedUntil: time.Now().Add(500 * time.Millisecond)})
	n.Incident("", warn("q1"))
	n.Settled("", "q1")
	time.Sleep(time.Second)
	if calls := srv.Calls(); len(calls) != 3 {
		t.Fatalf("%d calls, want no digest of settled incidents: %+v", len(calls), calls[3:])
	}
}
