package agent

import (
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/warpdesk/warpdesk/conn"
	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/settings/keyringtest"
	"github.com/warpdesk/warpdesk/store"
)

// notifyAgent is a whole agent for the settings s, with fake links,
// delivering to d; closed at the end of the test.
func notifyAgent(t *testing.T, s settings.Settings, d notify.Deliverer) *Agent {
	t.Helper()
	prefs := mapPrefs{}
	if err := settings.Save(prefs, s); err != nil {
		t.Fatal(err)
	}
	a, err := New(Config{}, Options{
		Prefs: prefs, Tokens: settings.NewTokenStore(settings.TokenStoreOptions{Keyring: &keyringtest.Memory{}}),
		Deliverer: d,
		Dial:      func(conn.Sink, conn.Options) (Link, error) { return &fakeLink{}, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

// liveFeed brings server id (named name) of a live and caught up, the
// snapshot listing open, and returns its Feed.
func liveFeed(t *testing.T, a *Agent, id, name string, open ...ops.Incident) *store.Feed {
	t.Helper()
	f := a.st.Feed(id, name)
	_ = f.SetLink(store.LinkStatus{Link: store.LinkLive})
	if _, err := f.CaughtUp(f.BeginCatchUp(), ops.Snapshot{Incidents: open}); err != nil {
		t.Fatal(err)
	}
	return f
}

// reAlertSettings are one server's, room "ops", re-alerting every 2 min.
func reAlertSettings() settings.Settings {
	s := *real("wss://ops.example.com/ws", "ops")
	s.ReAlert = 2 * time.Minute
	return s
}

// critical is an open critical incident uuid in room "ops", created now.
func critical(uuid string) ops.Incident {
	return ops.Incident{UUID: uuid, Title: "DB down", Severity: ops.Critical, Room: "ops", CreatedAt: time.Now().UnixMilli()}
}

// The whole agent on synctest's fake clock: a critical nobody acknowledges
// is notified again every ReAlert of the settings; acknowledged here (the
// store's Acked, no server event) its re-alerts stop; one acknowledged by
// someone else stops too.
func TestAgentReAlertUntilAcknowledged(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := reAlertSettings()
		rec := &noteRecorder{}
		a := notifyAgent(t, s, rec)
		f := liveFeed(t, a, settings.DefaultServerID, "")
		for _, u := range []string{"mine", "bobs"} {
			_ = f.IncidentCreated(ops.Incident{UUID: u, Title: u, Severity: ops.Critical, Room: "ops", CreatedAt: time.Now().UnixMilli()})
		}
		synctest.Wait()
		count := func(uuid string) int {
			n := 0
			for _, x := range rec.got() {
				if x.ID == uuid {
					n++
				}
			}
			return n
		}
		if count("mine") != 1 || count("bobs") != 1 {
			t.Fatalf("first notifications %+v", rec.got())
		}
		time.Sleep(2*time.Minute + time.Second)
		synctest.Wait()
		if count("mine") != 2 || count("bobs") != 2 {
			t.Fatalf("after one interval: %+v", rec.got())
		}

		a.st.Acknowledge(settings.DefaultServerID, "mine") // here: Acked, no event
		_ = f.IncidentAcknowledged(ops.Acknowledgement{UUID: "bobs", By: "bob", At: time.Now().UnixMilli()})
		synctest.Wait()
		time.Sleep(time.Hour)
		synctest.Wait()
		if count("mine") != 2 || count("bobs") != 2 {
			t.Fatalf("re-alerted after the acknowledgements: %d, %d", count("mine"), count("bobs"))
		}
	})
}

// A server removed while its link is down raises no outage notice later:
// the notifier learns the servers from the store's States, not only from
// its events (a removal has none). The server still watched does, and
// says "offline": it had connected (the store's NeverConnected), though
// no LinkRestored ever came for it.
func TestAgentRemovedServerNoOutageNotice(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := settings.Default()
		s.Servers = []settings.Server{
			{ID: "prod", Name: "Production", URL: "wss://prod.example.com/ws"},
			{ID: "stg", Name: "Staging", URL: "wss://stg.example.com/ws"},
		}
		rec := &noteRecorder{}
		a := notifyAgent(t, s, rec)
		for _, sv := range s.Servers {
			f := liveFeed(t, a, sv.ID, sv.Name)
			_ = f.SetLink(store.LinkStatus{Link: store.LinkReconnecting, Reason: "connection refused"})
		}
		synctest.Wait()
		a.st.RemoveFeed("stg")
		time.Sleep(settings.Default().OutageNotice + time.Minute)
		synctest.Wait()
		got := rec.got()
		// Production was live and caught up before it dropped: "offline",
		// not "cannot connect" (no LinkRestored ever came for it); the one
		// server left needs no name.
		if len(got) != 1 || got[0].Server != "prod" || got[0].Summary != "Warpdesk is offline" {
			t.Fatalf("notices %+v: want Production's only, offline", got)
		}
	})
}

// withdrawRecorder records what it shows and, like the D-Bus deliverer,
// shows nothing of an incident withdrawn until it is reopened.
type withdrawRecorder struct {
	noteRecorder
	mu   sync.Mutex
	gone map[[2]string]bool
}

func (w *withdrawRecorder) Deliver(n notify.Notification) error {
	w.mu.Lock()
	gone := w.gone[[2]string{n.Server, n.ID}]
	w.mu.Unlock()
	if gone {
		return nil
	}
	return w.noteRecorder.Deliver(n)
}

func (w *withdrawRecorder) Withdraw(server, id string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.gone == nil {
		w.gone = map[[2]string]bool{}
	}
	w.gone[[2]string{server, id}] = true
}

func (w *withdrawRecorder) Reopen(server, id string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.gone, [2]string{server, id})
}

// A critical dropped with its room stops re-alerting (its notification
// withdrawn); brought back by the catch-up after the room is joined
// again, still unacknowledged, it re-alerts again: not at once (it is no
// news), one interval after it came back.
func TestAgentReAlertWhenBack(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := reAlertSettings()
		rec := &withdrawRecorder{}
		a := notifyAgent(t, s, rec)
		c1 := critical("c1")
		f := liveFeed(t, a, settings.DefaultServerID, "", c1)
		synctest.Wait()
		shown := func() int { return len(rec.got()) }
		if shown() != 1 {
			t.Fatalf("first notifications %+v", rec.got())
		}
		f.Retain(func(ops.Incident) bool { return false }) // the room left
		time.Sleep(5 * time.Minute)
		synctest.Wait()
		if shown() != 1 {
			t.Fatalf("re-alerted while its room was left: %+v", rec.got())
		}
		if _, err := f.CaughtUp(f.BeginCatchUp(), ops.Snapshot{Incidents: []ops.Incident{c1}}); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if shown() != 1 {
			t.Fatalf("notified again at once when back: %+v", rec.got())
		}
		time.Sleep(2*time.Minute + time.Second)
		synctest.Wait()
		if got := rec.got(); len(got) != 2 || got[1].ID != "c1" || !strings.HasPrefix(got[1].Body, "Unacknowledged") {
			t.Fatalf("after an interval back: %d shown (last %q), want c1 re-alerted", len(got), got[len(got)-1].Body)
		}
	})
}

// An acknowledgement that failed (here: the link is down) leaves the
// server not knowing: the critical's re-alerts, stopped while it was
// pending, resume (State.Unacknowledged counts it again), and stop again
// once it is acknowledged anew.
func TestAgentReAlertAfterAFailedAcknowledgement(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := reAlertSettings()
		rec := &withdrawRecorder{}
		a := notifyAgent(t, s, rec)
		f := liveFeed(t, a, settings.DefaultServerID, "")
		_ = f.IncidentCreated(critical("c1"))
		synctest.Wait()
		a.Commands().Acknowledge(settings.DefaultServerID, "c1") // the fake link is not connected
		synctest.Wait()
		if in := a.st.State().Incidents[0]; !in.Acked || in.AckErr == "" {
			t.Fatalf("after the failed acknowledgement: %+v", in)
		}
		time.Sleep(2*time.Minute + time.Second)
		synctest.Wait()
		if got := rec.got(); len(got) != 2 || got[1].ID != "c1" {
			t.Fatalf("%d shown after an interval: want c1 re-alerted, the server does not know", len(got))
		}
		f.AckSent("c1") // acknowledged again, pending
		time.Sleep(time.Hour)
		synctest.Wait()
		if n := len(rec.got()); n != 2 {
			t.Fatalf("%d shown: re-alerted while acknowledged again", n)
		}
	})
}
