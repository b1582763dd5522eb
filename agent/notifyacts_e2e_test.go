//go:build linux && !nodbus

package agent

import (
	"context"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/internal/dbustest"
	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/notify/notifytest"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/settings/keyringtest"
	"github.com/warpdesk/warpdesk/store"
)

// liveAgent is an agent with its real connection started (Run's tray,
// window and OS watcher left out), notifying on the session bus in the
// environment.
func liveAgent(t *testing.T, srv *demo.Server, token string) *Agent {
	t.Helper()
	catchUp := srv.HTTPURL() + ops.IncidentsPath
	a, err := New(Config{
		Server: srv.URL(), EnvToken: settings.Secret(token), Rooms: []string{"ops"}, RoomsGiven: true,
		CatchUpURL: catchUp, CatchUpGiven: true,
	}, Options{
		Prefs:  mapPrefs{},
		Tokens: settings.NewTokenStore(settings.TokenStoreOptions{Keyring: &keyringtest.Memory{}}),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	a.start()
	waitFor(t, "caught up", func() bool { st := a.st.State(); return st.Link == store.LinkLive && st.Knowledge == store.Current })
	return a
}

// Two desktops on one server as alice and bob, one recording notification
// server: Acknowledge on alice's notification of a critical acknowledges it
// on the server, bob's desktop learns "acknowledged by alice" and closes
// its own notification of it; an incident resolved on the server has its
// notification closed on both.
func TestNotificationAcknowledgeReachesEveryDesktop(t *testing.T) {
	bus := dbustest.Start(t, dbustest.Session)
	notes := notifytest.Start(t, bus.Address, notifytest.Options{})
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", bus.Address)
	srv, err := demo.Start(context.Background(), "127.0.0.1:0", demo.Options{
		Users: map[string]string{"T-alice": "alice", "T-bob": "bob"}, Rooms: []string{"ops"},
		Interval: -1, BurstEvery: -1, DropEvery: -1, Initial: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	alice, bob := liveAgent(t, srv, "T-alice"), liveAgent(t, srv, "T-bob")

	inc, err := srv.Create(ops.Incident{Title: "DB primary down", Severity: ops.Critical, Room: "ops"})
	if err != nil {
		t.Fatal(err)
	}
	calls := notes.WaitCalls(t, 2)
	byDesktop := map[string]notifytest.Call{}
	for _, c := range calls {
		byDesktop[c.Sender] = c
	}
	if len(byDesktop) != 2 {
		t.Fatalf("calls %+v: want one from each desktop", calls)
	}
	// Acknowledge on the first desktop's notification. The server records
	// a call before its client reads the reply, and an action on an id the
	// client does not know yet is ignored, so invoke again until it lands
	// (acknowledging twice is harmless). Which desktop it was shows in who
	// acknowledged.
	acker, other := alice, bob
	var invoked time.Time
	acked := func() bool {
		for _, in := range srv.Open() {
			if in.UUID == inc.UUID && in.AcknowledgedBy != "" {
				if in.AcknowledgedBy == "bob" {
					acker, other = bob, alice
				}
				return true
			}
		}
		return false
	}
	for deadline := time.Now().Add(20 * time.Second); !acked(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("Acknowledge on the notification never reached the server")
		}
		if time.Since(invoked) > 200*time.Millisecond {
			invoked = time.Now()
			if err := notes.Invoke(calls[0].ID, notify.ActionAcknowledge); err != nil {
				t.Fatal(err)
			}
		}
	}
	theirs := calls[1]
	closing := notes.WaitClosing(t, theirs.ID)
	if closing.Sender != theirs.Sender || !closing.WasOpen {
		t.Fatalf("closing %+v of %+v: want the other desktop closing its own", closing, theirs)
	}
	t.Logf("the other desktop closed its notification %v after the action", closing.At.Sub(invoked))
	for _, a := range []*Agent{acker, other} {
		waitFor(t, "acknowledged by the acker on both desktops", func() bool {
			st := a.st.State()
			return len(st.Incidents) == 1 && st.Incidents[0].AcknowledgedBy != ""
		})
	}
	if st := acker.st.State(); !st.Incidents[0].Acked {
		t.Errorf("the acknowledging desktop's own mark is not set: %+v", st.Incidents[0])
	}
	if st := other.st.State(); st.Incidents[0].Acked {
		t.Errorf("the other desktop marked it acknowledged by its own user: %+v", st.Incidents[0])
	}

	// Resolved on the server: both desktops close their notification.
	inc2, err := srv.Create(ops.Incident{Title: "Payments 500s", Severity: ops.Critical, Room: "ops"})
	if err != nil {
		t.Fatal(err)
	}
	notes.WaitCalls(t, 4)
	waitFor(t, "both notified of the second incident", func() bool { return len(notes.Open()) == 2 })
	if !srv.Resolve(inc2.UUID) {
		t.Fatal("the demo server did not resolve it")
	}
	waitFor(t, "both notifications closed on resolution", func() bool { return len(notes.Open()) == 0 })
}
