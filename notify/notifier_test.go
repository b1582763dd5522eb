package notify_test

import (
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/notify/notifytest"
	"github.com/warpdesk/warpdesk/ops"
)

// recorder is a Deliverer that remembers what it was given.
type recorder struct {
	mu    sync.Mutex
	notes []notify.Notification
	gate  chan struct{} // when non-nil, Deliver waits for it to close
}

func (r *recorder) Deliver(n notify.Notification) error {
	if r.gate != nil {
		<-r.gate
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.notes = append(r.notes, n)
	return nil
}

func (r *recorder) got() []notify.Notification {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]notify.Notification(nil), r.notes...)
}

// The Notifier's timers run on testing/synctest's fake clock: these tests
// cover seconds and minutes in milliseconds.

func TestNotifierStorm(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{}
		n := notify.New(rec, notify.Options{})
		defer n.Close()
		crit := 0
		for i := range 200 {
			sev := ops.Warning
			if i%50 == 49 {
				sev = ops.Critical
				crit++
			}
			n.Incident("", ops.Incident{UUID: fmt.Sprint(i), Title: "disk full", Severity: sev, Room: "ops"})
			time.Sleep(5 * time.Millisecond) // 200 in a second
		}
		synctest.Wait()
		if got := rec.got(); len(got) != notify.DefaultBurst {
			t.Fatalf("%d notifications during the storm, want %d", len(got), notify.DefaultBurst)
		}
		time.Sleep(notify.DefaultWindow)
		synctest.Wait()
		got := rec.got()
		if len(got) != notify.DefaultBurst+1 {
			t.Fatalf("%d notifications after the window, want burst + 1 summary", len(got))
		}
		want := fmt.Sprintf("%d new incidents, %d critical", 200-notify.DefaultBurst, crit)
		if s := got[len(got)-1]; s.Summary != want || s.Urgency != notify.Critical {
			t.Fatalf("summary %+v, want %q", s, want)
		}
		// The reconnect catch-up replays the same incidents: nothing new.
		for i := range 200 {
			if d := n.Incident("", ops.Incident{UUID: fmt.Sprint(i), Severity: ops.Critical}); d != notify.Duplicate {
				t.Fatalf("replay %d: %v", i, d)
			}
		}
		time.Sleep(time.Minute)
		synctest.Wait()
		if len(rec.got()) != notify.DefaultBurst+1 {
			t.Fatal("catch-up re-notified")
		}
	})
}

// A stuck deliverer must not stall the caller (the socket's dispatcher).
func TestIncidentNeverBlocks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{gate: make(chan struct{})}
		n := notify.New(rec, notify.Options{})
		start := time.Now()
		for i := range 10_000 {
			n.Incident("", ops.Incident{UUID: fmt.Sprint(i), Severity: ops.Critical})
		}
		if time.Since(start) != 0 {
			t.Fatal("Incident waited on the fake clock")
		}
		synctest.Wait() // the delivery goroutine is blocked in Deliver; the caller is not
		close(rec.gate)
		time.Sleep(time.Minute)
		synctest.Wait()
		total := 0
		for _, note := range rec.got() {
			if note.Tag == "summary" {
				var k int
				fmt.Sscanf(note.Summary, "%d", &k)
				total += k
			} else {
				total++
			}
		}
		if total != 10_000 {
			t.Fatalf("%d of 10000 criticals shown or counted", total)
		}
		n.Close()
	})
}

func TestNotifierOutage(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{}
		n := notify.New(rec, notify.Options{AppName: "Warpdesk"})
		defer n.Close()
		n.SetRules(notify.Rules{OutageNotice: time.Minute})

		n.ConnectionLost("", time.Now(), true)
		time.Sleep(30 * time.Second)
		n.ConnectionRestored("", time.Now()) // a blip
		time.Sleep(time.Hour)
		synctest.Wait()
		if len(rec.got()) != 0 {
			t.Fatalf("notice after a blip: %+v", rec.got())
		}

		n.SetAwake(false, time.Now())
		n.ConnectionLost("", time.Now(), false)
		time.Sleep(8 * time.Hour) // overnight
		n.SetAwake(true, time.Now())
		time.Sleep(10 * time.Second)
		n.ConnectionRestored("", time.Now())
		time.Sleep(time.Hour)
		synctest.Wait()
		if len(rec.got()) != 0 {
			t.Fatalf("notice around sleep: %+v", rec.got())
		}

		n.ConnectionLost("", time.Now(), false)
		time.Sleep(time.Hour)
		synctest.Wait()
		got := rec.got()
		if len(got) != 1 || got[0].Summary != "Warpdesk is offline" || got[0].Tag != "connection" {
			t.Fatalf("long outage: %+v", got)
		}
	})
}

func TestNotifierRulesAndClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{}
		n := notify.New(rec, notify.Options{})
		r := notify.Rules{MutedRooms: []string{"ci"}}
		n.SetRules(r)
		r.MutedRooms[0] = "ops" // the caller's copy is its own
		if got := n.Rules().MutedRooms; got[0] != "ci" {
			t.Fatalf("rules aliased the caller's slice: %v", got)
		}
		if d := n.Incident("", ops.Incident{UUID: "1", Room: "ci"}); d != notify.Muted {
			t.Fatalf("muted room: %v", d)
		}
		n.SetPausedUntil(notify.PauseFor(time.Now(), time.Hour))
		if d := n.Incident("", ops.Incident{UUID: "2", Severity: ops.Warning}); d != notify.Paused {
			t.Fatalf("paused: %v", d)
		}
		if n.Rules().MutedRooms[0] != "ci" {
			t.Fatal("SetPausedUntil lost the other rules")
		}
		time.Sleep(time.Hour + time.Second)
		synctest.Wait() // the pause's end delivers its digest
		if d := n.Incident("", ops.Incident{UUID: "3", Severity: "critical"}); d != notify.Notify {
			t.Fatalf("after the pause: %v", d)
		}
		// Close delivers what was decided, then refuses. The pause's end
		// brought the digest of what it held.
		n.Close()
		if got := rec.got(); len(got) != 2 || got[0].Tag != "digest" || got[1].ID != "3" {
			t.Fatalf("delivered %+v", got)
		}
		if d := n.Incident("", ops.Incident{UUID: "4"}); d != notify.Closed {
			t.Fatalf("after Close: %v", d)
		}
		n.Close()
	})
}

// A notification the Deliverer refuses is tried again after 2 s, 10 s and
// 30 s, ahead of the ones that came meanwhile, then given up; nothing else
// is delivered while it waits.
func TestNotifierRetriesRefusedDelivery(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var tries []string // "id@seconds", every attempt
		refuse := map[string]int{"a": 2, "dead": 100}
		start := time.Now()
		d := notifytest.DelivererFunc(func(n notify.Notification) error {
			mu.Lock()
			defer mu.Unlock()
			tries = append(tries, fmt.Sprintf("%s@%d", n.ID, int(time.Since(start).Seconds())))
			if refuse[n.ID] > 0 {
				refuse[n.ID]--
				return fmt.Errorf("server restarting")
			}
			return nil
		})
		n := notify.New(d, notify.Options{})
		defer n.Close()
		n.Incident("", ops.Incident{UUID: "a", Severity: "critical"})
		synctest.Wait()
		n.Incident("", ops.Incident{UUID: "b", Severity: "critical"}) // waits behind a's retry
		time.Sleep(time.Minute)
		synctest.Wait()
		n.Incident("", ops.Incident{UUID: "dead", Severity: "critical"})
		n.Incident("", ops.Incident{UUID: "c", Severity: "critical"})
		time.Sleep(2 * time.Minute)
		synctest.Wait()
		mu.Lock()
		defer mu.Unlock()
		want := []string{"a@0", "a@2", "a@12", "b@12", "dead@60", "dead@62", "dead@72", "dead@102", "c@102"}
		if fmt.Sprint(tries) != fmt.Sprint(want) {
			t.Fatalf("attempts %v\nwant     %v", tries, want)
		}
	})
}
