package agent

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// noteRecorder is a notify.Deliverer that remembers what it was given.
type noteRecorder struct {
	mu    sync.Mutex
	notes []notify.Notification
}

func (r *noteRecorder) Deliver(n notify.Notification) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.notes = append(r.notes, n)
	return nil
}

func (r *noteRecorder) got() []notify.Notification {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]notify.Notification(nil), r.notes...)
}

// eventAgent is an agent with only its notifier, for the event handler.
func eventAgent(t *testing.T, r notify.Rules) (*Agent, *noteRecorder) {
	rec := &noteRecorder{}
	a := &Agent{notes: notify.New(rec, notify.Options{AppName: "Warpdesk"})}
	t.Cleanup(func() { _ = a.notes.Close() })
	a.notes.SetRules(r)
	return a, rec
}

// found is n incidents a catch-up of server revealed, the first acked here
// and the next byOthers acknowledged by someone else.
func found(server string, n, acked, byOthers int) []store.Incident {
	out := make([]store.Incident, n)
	for i := range out {
		out[i] = store.Incident{Server: server, Incident: ops.Incident{
			UUID: fmt.Sprint("u", i), Title: fmt.Sprint("incident ", i), Severity: ops.Critical, Room: "ops",
		}}
		switch {
		case i < acked:
			out[i].Acked = true
		case i < acked+byOthers:
			out[i].AcknowledgedBy = "bob"
		}
	}
	return out
}

// A catch-up's summary counts only the incidents that still need someone:
// not those acknowledged here or by anyone.
func TestEventRevealedSkipsAcknowledged(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, rec := eventAgent(t, notify.Rules{})
		a.event(store.Revealed{Incidents: found("", 8, 3, 1)}, store.State{})
		time.Sleep(time.Minute)
		synctest.Wait()
		got := rec.got()
		if len(got) != 1 || !strings.HasPrefix(got[0].Summary, "4 open incidents, 4 critical") {
			t.Fatalf("%+v: want one summary of the 4 nobody acknowledged", got)
		}
	})
}

// "Back online — N new while offline" counts the same way.
func TestEventBackOnlineSkipsAcknowledged(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, rec := eventAgent(t, notify.Rules{OutageNotice: time.Minute})
		a.event(store.LinkRestored{At: time.Now()}, store.State{}) // it was up
		a.event(store.LinkLost{Link: store.LinkReconnecting, At: time.Now()}, store.State{})
		time.Sleep(2 * time.Minute)
		a.event(store.Revealed{Incidents: found("", 5, 2, 1)}, store.State{})
		a.event(store.LinkRestored{NewWhileOffline: 5, At: time.Now()}, store.State{})
		synctest.Wait()
		got := rec.got()
		if len(got) != 2 || got[0].Summary != "Warpdesk is offline" || !strings.HasPrefix(got[1].Summary, "Back online — 2 new while offline") {
			t.Fatalf("%+v: want the outage notice, then back online with the 2 nobody acknowledged", got)
		}
	})
}

// Events carry their server: notifications name it when there are
// several, a link notice says whose link it is, the same UUID on two
// servers notifies twice, and a Settled incident stops re-alerting.
func TestEventServers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, rec := eventAgent(t, notify.Rules{OutageNotice: time.Minute, ReAlert: 5 * time.Minute})
		st := store.State{Servers: []store.ServerState{{ID: "prod", Name: "Production"}, {ID: "stg", Name: "Staging"}}}
		a.notes.SetServers(notifyServers(st)) // watchNotes' part
		in := ops.Incident{UUID: "u1", Title: "DB down", Severity: ops.Critical, Room: "ops"}
		a.event(store.Opened{Incident: store.Incident{Server: "prod", Incident: in}}, st)
		a.event(store.Opened{Incident: store.Incident{Server: "stg", Incident: in}}, st)
		a.event(store.LinkRestored{Server: "stg", At: time.Now()}, st)
		a.event(store.LinkLost{Server: "stg", Link: store.LinkReconnecting, At: time.Now()}, st)
		a.event(store.Settled{Incident: store.Incident{Server: "stg", Incident: in}}, st)
		time.Sleep(2 * time.Minute)
		synctest.Wait()
		got := rec.got()
		if len(got) != 3 || got[0].Server != "prod" || got[1].Server != "stg" ||
			!strings.HasPrefix(got[0].Body, "Production · ops") || got[2].Summary != "Staging is offline" {
			t.Fatalf("%+v", got)
		}
		time.Sleep(5 * time.Minute)
		synctest.Wait()
		again := rec.got()[3:]
		if len(again) != 1 || again[0].Server != "prod" || again[0].ID != "u1" {
			t.Fatalf("re-alerts %+v: want prod's only (stg's settled)", again)
		}
	})
}
