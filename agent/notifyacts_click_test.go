//go:build linux && !nodbus

package agent

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/conn"
	"github.com/warpdesk/warpdesk/internal/dbustest"
	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/notify/notifytest"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/settings/keyringtest"
	"github.com/warpdesk/warpdesk/store"
)

// Two servers, one recording notification server on a real private
// session bus: each notification names its server; the same UUID on both
// is two notifications; a click opens the dashboard on that server's
// incident (the window's openIncident), and Acknowledge goes to that
// server's link alone and marks that server's incident.
func TestNotificationActionsNameTheServer(t *testing.T) {
	bus := dbustest.Start(t, dbustest.Session)
	srv := notifytest.Start(t, bus.Address, notifytest.Options{})
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", bus.Address)
	prefs := mapPrefs{}
	s := settings.Default()
	s.Servers = []settings.Server{
		{ID: "prod", Name: "Production", URL: "wss://prod.example.com/ws", Rooms: []string{"ops"}},
		{ID: "stg", Name: "Staging", URL: "wss://stg.example.com/ws", Rooms: []string{"ops"}},
	}
	if err := settings.Save(prefs, s); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	links := map[string]*ackLink{} // by the URL dialled
	a, err := New(Config{}, Options{
		Prefs: prefs, Tokens: settings.NewTokenStore(settings.TokenStoreOptions{Keyring: &keyringtest.Memory{}}),
		Dial: func(st conn.Sink, o conn.Options) (Link, error) {
			mu.Lock()
			defer mu.Unlock()
			l := &ackLink{st: st, asked: make(chan string, 4)}
			links[o.Server] = l
			return l, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	shown := make(chan string, 4)
	a.mu.Lock()
	a.show = func(server, uuid string) { shown <- server + "/" + uuid } // what Run sets: the window's openIncident
	a.mu.Unlock()

	names := map[string]string{"prod": "Production", "stg": "Staging"}
	for _, id := range []string{"prod", "stg"} {
		f := a.st.Feed(id, names[id]) // the server's inputs, as the agent made them
		_ = f.SetLink(store.LinkStatus{Link: store.LinkLive})
		if _, err := f.CaughtUp(f.BeginCatchUp(), ops.Snapshot{}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "both servers listed", func() bool { return len(a.st.State().Servers) == 2 })
	for _, id := range []string{"prod", "stg"} {
		_ = a.st.Feed(id, names[id]).IncidentCreated(ops.Incident{UUID: "same", Title: "DB down", Severity: ops.Critical, Room: "ops", CreatedAt: time.Now().UnixMilli()})
	}
	calls := srv.WaitCalls(t, 2)
	byServer := map[string]notifytest.Call{}
	for _, c := range calls {
		for _, name := range []string{"Production", "Staging"} {
			if strings.HasPrefix(c.Body, name+" · ops · ") {
				byServer[name] = c
			}
		}
	}
	if len(byServer) != 2 {
		t.Fatalf("bodies %q, %q: want one naming each server", calls[0].Body, calls[1].Body)
	}
	prod, stg := byServer["Production"], byServer["Staging"]

	// The server records a call before the client reads its reply; an
	// action on an id the client does not know yet is ignored, so act
	// again until it lands.
	retry(t, "the click to open the dashboard", func() bool {
		_ = srv.Invoke(prod.ID, notify.ActionDefault)
		select {
		case got := <-shown:
			if got != "prod/same" {
				t.Fatalf("the dashboard opened on %q, want prod/same", got)
			}
			return true
		case <-time.After(200 * time.Millisecond):
			return false
		}
	})
	mu.Lock()
	stgLink, prodLink := links["wss://stg.example.com/ws"], links["wss://prod.example.com/ws"]
	mu.Unlock()
	// As for the click: Staging's id may not be known yet (it is acted
	// on again until it lands; an incident on its way is sent once).
	retry(t, "Acknowledge on Staging's notification to reach Staging", func() bool {
		_ = srv.Invoke(stg.ID, notify.ActionAcknowledge)
		select {
		case u := <-stgLink.asked:
			if u != "same" {
				t.Fatalf("staging was asked to acknowledge %q", u)
			}
			return true
		case <-time.After(200 * time.Millisecond):
			return false
		}
	})
	select {
	case u := <-prodLink.asked:
		t.Fatalf("Production was asked to acknowledge %q too", u)
	case <-time.After(100 * time.Millisecond):
	}
	waitFor(t, "Staging's incident acknowledged here, Production's not", func() bool {
		acked := map[string]bool{}
		for _, in := range a.st.State().Incidents {
			acked[in.Server] = in.Acked
		}
		return acked["stg"] && !acked["prod"]
	})
}

// retry calls try until it reports success, within a generous bound.
func retry(t *testing.T, what string, try func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !try(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
