package notify_test

import (
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/ops"
)

// The Notifier re-alerts on its one timer: it wakes when a re-alert is
// due and not in between (no ticker), and not at all once the incident is
// settled.
func TestNotifierReAlertWakesOnlyWhenDue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{}
		var looks atomic.Int64 // each pass of the delivery loop reads the clock
		n := notify.New(rec, notify.Options{Now: func() time.Time { looks.Add(1); return time.Now() }})
		defer n.Close()
		n.SetRules(notify.Rules{ReAlert: 5 * time.Minute, CriticalSound: true})
		n.Incident("prod", ops.Incident{UUID: "c1", Title: "DB down", Severity: ops.Critical})
		synctest.Wait()
		if got := rec.got(); len(got) != 1 || got[0].Sound != notify.SoundCritical || got[0].Server != "prod" {
			t.Fatalf("first: %+v", got)
		}

		time.Sleep(5*time.Minute - time.Second)
		synctest.Wait()
		before := looks.Load()
		if len(rec.got()) != 1 {
			t.Fatal("re-alerted early")
		}
		time.Sleep(time.Second)
		synctest.Wait()
		got := rec.got()
		if len(got) != 2 || got[1].ID != "c1" || got[1].Server != "prod" || got[1].Sound != notify.SoundReAlert {
			t.Fatalf("after 5 min: %+v", got)
		}
		if woke := looks.Load() - before; woke > 6 {
			t.Fatalf("the delivery loop read the clock %d times for one re-alert", woke)
		}

		n.Settled("prod", "c1")
		synctest.Wait()
		idle := looks.Load()
		time.Sleep(24 * time.Hour)
		synctest.Wait()
		if len(rec.got()) != 2 {
			t.Fatalf("re-alerted after Settled: %+v", rec.got()[2:])
		}
		if woke := looks.Load() - idle; woke != 0 {
			t.Fatalf("the notifier woke %d times in an idle day", woke)
		}
	})
}

// With several servers a notification names its server; the same UUID on
// two servers is two incidents; a muted server notifies nothing, not even
// its outage notice; a server's outage notice and recovery name it.
func TestNotifierSeveralServers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{}
		n := notify.New(rec, notify.Options{AppName: "Warpdesk", Window: time.Second, Burst: 10})
		defer n.Close()
		n.SetRules(notify.Rules{OutageNotice: time.Minute, MutedServers: []string{"lab"}})
		n.SetServers([]notify.Server{{ID: "prod", Name: "Production"}, {ID: "stg", Name: "Staging"}, {ID: "lab", Name: "Lab"}})

		same := ops.Incident{UUID: "u1", Title: "DB down", Severity: ops.Critical, Room: "ops"}
		for _, s := range []string{"prod", "stg", "prod"} {
			n.Incident(s, same)
		}
		if d := n.Incident("lab", same); d != notify.Muted {
			t.Fatalf("a muted server's incident: %v", d)
		}
		synctest.Wait()
		got := rec.got()
		if len(got) != 2 || got[0].Server != "prod" || got[1].Server != "stg" {
			t.Fatalf("%+v: want one each for prod and stg", got)
		}
		if want := "Production · ops · "; got[0].Body[:len(want)] != want {
			t.Fatalf("body %q does not name the server", got[0].Body)
		}

		for _, s := range []string{"stg", "lab"} {
			n.ConnectionLost(s, time.Now(), false) // they were up
		}
		time.Sleep(2 * time.Minute)
		n.ConnectionRestored("stg", time.Now())
		n.ConnectionRestored("lab", time.Now())
		time.Sleep(time.Second)
		synctest.Wait()
		got = rec.got()[2:]
		if len(got) != 2 || got[0].Summary != "Staging is offline" || got[0].Tag != "connection:stg" ||
			got[1].Summary != "Staging back online" || got[1].Tag != "connection:stg" {
			t.Fatalf("outage notices %+v: want Staging's only", got)
		}

		// Never connected since start: "cannot connect".
		n.ConnectionLost("prod", time.Now(), true)
		time.Sleep(2 * time.Minute)
		synctest.Wait()
		if got := rec.got(); got[len(got)-1].Summary != "Warpdesk cannot connect to Production" {
			t.Fatalf("never connected: %q", got[len(got)-1].Summary)
		}

		// One server left: no names.
		n.SetServers([]notify.Server{{ID: "prod", Name: "Production"}})
		n.Incident("prod", ops.Incident{UUID: "u2", Title: "Disk", Severity: ops.Warning, Room: "ops"})
		synctest.Wait()
		if got := rec.got(); got[len(got)-1].Body[:len("ops · ")] != "ops · " {
			t.Fatalf("with one server: body %q", got[len(got)-1].Body)
		}
	})
}
