package agent

import (
	"context"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/notify/notifytest"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/settings/keyringtest"
	"github.com/warpdesk/warpdesk/store"
)

// quietServer is a demo server on loopback driven by hand, accepting token.
func quietServer(t *testing.T, token string) *demo.Server {
	t.Helper()
	srv, err := demo.Start(context.Background(), "127.0.0.1:0", demo.Options{
		Token: token, Rooms: []string{"ops", "payments"}, Interval: -1, BurstEvery: -1, DropEvery: -1, Initial: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// multiAgent is an agent on saved settings s with real connections,
// started, whose keyring holds tokens (URL → token).
func multiAgent(t *testing.T, s settings.Settings, tokens map[string]string) (*Agent, mapPrefs) {
	t.Helper()
	prefs := mapPrefs{}
	if err := settings.Save(prefs, s); err != nil {
		t.Fatal(err)
	}
	ts := settings.NewTokenStore(settings.TokenStoreOptions{Keyring: &keyringtest.Memory{}})
	for u, tok := range tokens {
		if err := ts.Set(context.Background(), u, settings.Secret(tok)); err != nil {
			t.Fatal(err)
		}
	}
	return startedAgent(t, Config{}, prefs, ts), prefs
}

// startedAgent is an agent for cfg (reconnecting within 200 ms) with real
// connections, dialled, its notifications dropped; closed at the end of
// the test.
func startedAgent(t *testing.T, cfg Config, prefs settings.Prefs, tokens *settings.TokenStore) *Agent {
	t.Helper()
	cfg.MaxReconnectDelay = 200 * time.Millisecond
	a, err := New(cfg, Options{
		Prefs: prefs, Tokens: tokens, Deliverer: notifytest.DelivererFunc(func(notify.Notification) error { return nil }),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	a.start()
	return a
}

func servers(list ...settings.Server) settings.Settings {
	s := settings.Default()
	s.Servers = list
	return s
}

func live(a *Agent, ids ...string) func() bool {
	return func() bool {
		for _, id := range ids {
			if sv, ok := a.serverState(id); !ok || sv.Link != store.LinkLive || sv.Knowledge != store.Current {
				return false
			}
		}
		return true
	}
}

func create(t *testing.T, srv *demo.Server, title string) ops.Incident {
	t.Helper()
	in, err := srv.Create(ops.Incident{Title: title, Severity: ops.Critical, Room: "ops"})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func arrives(a *Agent, server, uuid string) func() bool {
	return func() bool {
		for _, in := range a.st.State().Incidents {
			if in.Server == server && in.UUID == uuid {
				return true
			}
		}
		return false
	}
}

// Issue 12: each server has its own connection, status and list. One
// server killed is Reconnecting and its list Stale (the summary shows the
// worst), while the other's incidents keep arriving.
func TestServersOneDownOthersGoOn(t *testing.T) {
	sa, sb := quietServer(t, "T-a"), quietServer(t, "T-b")
	a, _ := multiAgent(t, servers(
		settings.Server{ID: "a", Name: "Alpha", URL: sa.URL(), Rooms: []string{"ops"}},
		settings.Server{ID: "b", Name: "Beta", URL: sb.URL(), Rooms: []string{"ops"}},
	), map[string]string{sa.URL(): "T-a", sb.URL(): "T-b"})
	waitFor(t, "both live and current", live(a, "a", "b"))
	if sv, _ := a.serverState("b"); sv.Name != "Beta" {
		t.Errorf("server b named %q", sv.Name)
	}
	ia := create(t, sa, "on alpha")
	waitFor(t, "alpha's incident", arrives(a, "a", ia.UUID))

	sa.Stop()
	waitFor(t, "alpha reconnecting, its list stale", func() bool {
		sv, _ := a.serverState("a")
		return sv.Link == store.LinkReconnecting && sv.Knowledge == store.Stale
	})
	ib := create(t, sb, "on beta")
	waitFor(t, "beta's incident while alpha is down", arrives(a, "b", ib.UUID))
	st := a.st.State()
	if sv, _ := a.serverState("b"); sv.Link != store.LinkLive || sv.Knowledge != store.Current {
		t.Errorf("beta: %+v", sv)
	}
	if st.Link != store.LinkReconnecting || st.Knowledge != store.Stale {
		t.Errorf("the summary hides the worst server: link %v knowledge %v", st.Link, st.Knowledge)
	}
	if !arrives(a, "a", ia.UUID)() {
		t.Error("alpha's stale list lost its incident")
	}
	if err := sa.Restart(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "alpha back", live(a, "a", "b"))
}

// A server that rejects its token stops alone and says so; a disabled
// server has no connection at all.
func TestServersRejectedTokenStopsAlone(t *testing.T) {
	sa, sb, sc := quietServer(t, "T-a"), quietServer(t, "T-b"), quietServer(t, "T-c")
	a, _ := multiAgent(t, servers(
		settings.Server{ID: "a", URL: sa.URL(), Rooms: []string{"ops"}},
		settings.Server{ID: "b", URL: sb.URL(), Rooms: []string{"ops"}},
		settings.Server{ID: "c", URL: sc.URL(), Rooms: []string{"ops"}, Disabled: true},
	), map[string]string{sa.URL(): "T-a", sb.URL(): "wrong", sc.URL(): "T-c"})
	waitFor(t, "b rejected, a live", func() bool {
		sv, _ := a.serverState("b")
		return sv.Link == store.LinkRejected && live(a, "a")()
	})
	if sv, _ := a.serverState("b"); sv.Reason != "server rejected the token" {
		t.Errorf("b: %+v", sv)
	}
	ia := create(t, sa, "still arriving")
	waitFor(t, "a's incident", arrives(a, "a", ia.UUID))
	if _, ok := a.serverState("c"); ok || a.server("c") != nil || sc.Socket().Accepts() != 0 {
		t.Errorf("the disabled server is watched (%d accepts)", sc.Socket().Accepts())
	}
}

// Settings reloads add, edit and remove servers, touching only the ones
// that changed: the others keep their connection.
func TestServersSettingsReload(t *testing.T) {
	sa, sb, sc := quietServer(t, "T-a"), quietServer(t, "T-b"), quietServer(t, "T-c")
	tokens := map[string]string{sa.URL(): "T-a", sb.URL(): "T-b", sc.URL(): "T-c"}
	one := settings.Server{ID: "a", URL: sa.URL(), Rooms: []string{"ops"}}
	a, prefs := multiAgent(t, servers(one), tokens)
	waitFor(t, "a live", live(a, "a"))
	dialsA := sa.Socket().Accepts()
	save := func(s settings.Settings) {
		t.Helper()
		if err := settings.Save(prefs, s); err != nil {
			t.Fatal(err)
		}
		a.SettingsChanged()
	}

	// Added.
	two := settings.Server{ID: "b", Name: "Beta", URL: sb.URL(), Rooms: []string{"ops"}}
	save(servers(one, two))
	waitFor(t, "b added and live", live(a, "a", "b"))
	ib := create(t, sb, "on b")
	waitFor(t, "b's incident", arrives(a, "b", ib.UUID))

	// Edited: b renamed and moved to another room, then to another URL.
	two.Name, two.Rooms = "Bee", []string{"payments"}
	save(servers(one, two))
	waitFor(t, "b renamed, its ops incident left with the room", func() bool {
		sv, _ := a.serverState("b")
		return sv.Name == "Bee" && !arrives(a, "b", ib.UUID)()
	})
	two.URL, two.Rooms = sc.URL(), []string{"ops"}
	ic := create(t, sc, "on c")
	save(servers(one, two))
	waitFor(t, "b now follows server c", func() bool { return arrives(a, "b", ic.UUID)() && live(a, "b")() })

	// Removed: its incidents and status leave; a is untouched throughout.
	save(servers(one))
	waitFor(t, "b removed", func() bool { _, ok := a.serverState("b"); return !ok && !arrives(a, "b", ic.UUID)() })
	if got := sa.Socket().Accepts(); got != dialsA {
		t.Errorf("a was redialled by the changes of b: %d dials, want %d", got, dialsA)
	}

	// Disabled, then enabled again.
	off := one
	off.Disabled = true
	save(servers(off))
	waitFor(t, "a gone", func() bool { _, ok := a.serverState("a"); return !ok && a.server("a") == nil })
	save(servers(one))
	waitFor(t, "a back", live(a, "a"))
}

// Reconnect reaches only the server it names: a server refused for its
// token is retried once the token is fixed, the others are not redialled.
func TestServersReconnectOne(t *testing.T) {
	sa, sb := quietServer(t, "T-a"), quietServer(t, "T-b")
	a, _ := multiAgent(t, servers(
		settings.Server{ID: "a", URL: sa.URL(), Rooms: []string{"ops"}},
		settings.Server{ID: "b", URL: sb.URL(), Rooms: []string{"ops"}},
	), map[string]string{sa.URL(): "T-a", sb.URL(): "wrong"})
	waitFor(t, "b rejected, a live", func() bool {
		sv, _ := a.serverState("b")
		return sv.Link == store.LinkRejected && live(a, "a")()
	})
	dialsA := sa.Socket().Accepts()
	if err := a.tokens.Set(context.Background(), sb.URL(), "T-b"); err != nil {
		t.Fatal(err)
	}
	a.Commands().Reconnect("b")
	waitFor(t, "b live with the new token", live(a, "a", "b"))
	if got := sa.Socket().Accepts(); got != dialsA {
		t.Errorf("a redialled by Reconnect(b): %d dials, want %d", got, dialsA)
	}
}

// The OS watcher pauses and resumes every server, and a server added
// while paused starts paused.
func TestServersPauseTogether(t *testing.T) {
	sa, sb, sc := quietServer(t, "T-a"), quietServer(t, "T-b"), quietServer(t, "T-c")
	one := settings.Server{ID: "a", URL: sa.URL(), Rooms: []string{"ops"}}
	two := settings.Server{ID: "b", URL: sb.URL(), Rooms: []string{"ops"}}
	a, prefs := multiAgent(t, servers(one, two), map[string]string{sa.URL(): "T-a", sb.URL(): "T-b", sc.URL(): "T-c"})
	waitFor(t, "both live", live(a, "a", "b"))
	offline := func(ids ...string) func() bool {
		return func() bool {
			for _, id := range ids {
				if sv, ok := a.serverState(id); !ok || sv.Link != store.LinkOffline || sv.Reason != "no network" {
					return false
				}
			}
			return true
		}
	}
	osTarget{a}.SetOnline(false)
	waitFor(t, "both offline", offline("a", "b"))
	three := settings.Server{ID: "c", URL: sc.URL(), Rooms: []string{"ops"}}
	if err := settings.Save(prefs, servers(one, two, three)); err != nil {
		t.Fatal(err)
	}
	a.SettingsChanged()
	waitFor(t, "the new server offline too", offline("a", "b", "c"))
	osTarget{a}.SetOnline(true)
	waitFor(t, "all live again", live(a, "a", "b", "c"))
}

// A token changed in Settings for a server that is live is used at once:
// Settings stores it in the keyring and tells the agent (SettingsChanged,
// the file unchanged), which redials that server alone, so what is done
// as the token's user from then on is done as the new user; a token
// replaced by one the server refuses shows the refusal at once. The
// other server is never redialled.
func TestServersTokenChangedRedials(t *testing.T) {
	sa, sb := twoUsers(t), quietServer(t, "T-b")
	in := create(t, sa, "DB down")
	a, _ := multiAgent(t, servers(
		settings.Server{ID: "a", URL: sa.URL(), Rooms: []string{"ops"}},
		settings.Server{ID: "b", URL: sb.URL(), Rooms: []string{"ops"}},
	), map[string]string{sa.URL(): "T-alice", sb.URL(): "T-b"})
	waitFor(t, "both live", live(a, "a", "b"))
	dialsB := sb.Socket().Accepts()

	if err := a.tokens.Set(context.Background(), sa.URL(), "T-bob"); err != nil {
		t.Fatal(err)
	}
	a.SettingsChanged()
	a.Commands().Acknowledge("a", in.UUID)
	waitFor(t, "acknowledged on the server as bob, the new token's user", func() bool {
		open := sa.Open()
		return len(open) == 1 && open[0].AcknowledgedBy != ""
	})
	if by := sa.Open()[0].AcknowledgedBy; by != "bob" {
		t.Fatalf("acknowledged by %q: the old token was still in use", by)
	}
	a.SettingsChanged() // nothing changed: nothing redials
	if err := a.tokens.Set(context.Background(), sa.URL(), "T-revoked"); err != nil {
		t.Fatal(err)
	}
	a.SettingsChanged()
	waitFor(t, "a rejected with the revoked token", func() bool {
		sv, _ := a.serverState("a")
		return sv.Link == store.LinkRejected
	})
	if got := sb.Socket().Accepts(); got != dialsB {
		t.Errorf("b was redialled by a's token: %d dials, want %d", got, dialsB)
	}
}
