package agent

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/conn"
	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/notify/notifytest"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/settings/keyringtest"
	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/store"
)

// mapPrefs is settings.Prefs in memory.
type mapPrefs map[string]any

func (m mapPrefs) Int(k string) int             { v, _ := m[k].(int); return v }
func (m mapPrefs) SetInt(k string, v int)       { m[k] = v }
func (m mapPrefs) Bool(k string) bool           { v, _ := m[k].(bool); return v }
func (m mapPrefs) SetBool(k string, v bool)     { m[k] = v }
func (m mapPrefs) String(k string) string       { v, _ := m[k].(string); return v }
func (m mapPrefs) SetString(k string, v string) { m[k] = v }
func (m mapPrefs) StringList(k string) []string { v, _ := m[k].([]string); return v }
func (m mapPrefs) RemoveValue(k string)         { delete(m, k) }
func (m mapPrefs) SetStringList(k string, v []string) {
	m[k] = slices.Clone(v)
}

// fakeLink records what the agent asks of the connection.
type fakeLink struct {
	mu        sync.Mutex
	opts      conn.Options
	server    string
	rooms     []string
	serverErr error
	calls     []string
}

func (l *fakeLink) record(c string) { l.mu.Lock(); l.calls = append(l.calls, c); l.mu.Unlock() }
func (l *fakeLink) Start()          { l.record("start") }
func (l *fakeLink) Reconnect()      { l.record("reconnect") }
func (l *fakeLink) SetServer(server, name, catchUp string) error {
	l.record("server " + server)
	if l.serverErr != nil {
		return l.serverErr
	}
	l.mu.Lock()
	l.server = server
	l.mu.Unlock()
	return nil
}
func (l *fakeLink) SetCatchUpURL(u string) error { l.record("catchup " + u); return nil }
func (l *fakeLink) SetRooms(r []string) {
	l.mu.Lock()
	l.rooms = slices.Clone(r)
	l.mu.Unlock()
	l.record("rooms")
}
func (l *fakeLink) SetOnline(bool) {}
func (l *fakeLink) SetAwake(bool)  {}
func (l *fakeLink) Close()         { l.record("close") }
func (l *fakeLink) Acknowledge(context.Context, string) (ops.Acknowledgement, error) {
	l.record("acknowledge")
	return ops.Acknowledgement{}, socket.ErrNotConnected
}

// newTestAgent builds an agent on saved settings and a command line, with a
// fake link, an in-memory keyring and notifications recorded.
func newTestAgent(t *testing.T, saved *settings.Settings, cfg Config) (*Agent, *fakeLink, mapPrefs, *settings.TokenStore) {
	t.Helper()
	prefs := mapPrefs{}
	if saved != nil {
		if err := settings.Save(prefs, *saved); err != nil {
			t.Fatal(err)
		}
	}
	link := &fakeLink{}
	tokens := settings.NewTokenStore(settings.TokenStoreOptions{Keyring: &keyringtest.Memory{}})
	a, err := New(cfg, Options{
		Prefs:     prefs,
		Tokens:    tokens,
		Deliverer: notifytest.DelivererFunc(func(notify.Notification) error { return nil }),
		Dial: func(_ conn.Sink, o conn.Options) (Link, error) {
			link.opts, link.server, link.rooms = o, o.Server, o.Rooms
			return link, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a, link, prefs, tokens
}

func real(server string, rooms ...string) *settings.Settings {
	s := settings.Default()
	s.Servers = []settings.Server{{ID: settings.DefaultServerID, URL: server, Rooms: rooms}}
	return &s
}

// primaryToken is the token the first enabled server's connection gets.
func primaryToken(a *Agent, ctx context.Context) (string, error) {
	a.mu.Lock()
	sv, _ := a.cur.Primary()
	srv := a.conns[sv.ID]
	a.mu.Unlock()
	if srv == nil {
		return "", errors.New("no connection to the first server")
	}
	return a.tokenFor(srv)(ctx)
}

func TestParseFlags(t *testing.T) {
	env := map[string]string{"WARPDESK_SERVER": "wss://env.example.com/ws", "WARPDESK_TOKEN": "t0ken"}
	c, err := ParseFlags([]string{"-rooms", "#ops, payments,", "-no-tray"}, func(k string) string { return env[k] }, nil)
	if err != nil || c.Server != "wss://env.example.com/ws" || !c.RoomsGiven || !slices.Equal(c.Rooms, []string{"#ops", "payments"}) ||
		!c.NoTray || c.EnvToken.Reveal() != "t0ken" || c.CatchUpGiven {
		t.Fatalf("ParseFlags = %+v, %v", c, err)
	}
	c, _ = ParseFlags([]string{"-rooms", ""}, func(string) string { return "" }, nil)
	if !c.RoomsGiven || len(c.Rooms) != 0 {
		t.Fatalf("-rooms '' must mean no rooms: %+v", c)
	}
	if _, err := ParseFlags([]string{"-bogus"}, func(string) string { return "" }, discard{}); !errors.Is(err, ErrUsage) {
		t.Fatalf("bad flag: %v", err)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// A first run (nothing saved) uses the demo server and its rooms; a first
// run against a real server joins no demo room and sends no demo token.
func TestDemoStaysOffProductionPaths(t *testing.T) {
	a, link, _, _ := newTestAgent(t, nil, Config{})
	if !slices.Equal(link.rooms, demo.DefaultRooms) || link.server != a.origin.DemoServerURL || link.server == "" {
		t.Fatalf("first run: server %q rooms %v", link.server, link.rooms)
	}
	if tok, err := primaryToken(a, context.Background()); err != nil || tok != ops.DemoToken {
		t.Fatalf("demo token: %q, %v", tok, err)
	}

	a, link, _, _ = newTestAgent(t, nil, Config{Server: "wss://ops.example.com/ws"})
	if len(link.rooms) != 0 || link.server != "wss://ops.example.com/ws" {
		t.Fatalf("real server: server %q rooms %v", link.server, link.rooms)
	}
	if tok, err := primaryToken(a, context.Background()); err != nil || tok != "" {
		t.Fatalf("real server without a token: %q, %v", tok, err)
	}
}

// Token precedence: the command line's token goes to the command line's
// server only; a server chosen later in Settings gets the keyring's.
func TestTokenPrecedence(t *testing.T) {
	ctx := context.Background()
	a, _, prefs, tokens := newTestAgent(t, real("wss://saved.example.com/ws", "ops"),
		Config{Server: "wss://cli.example.com/ws", EnvToken: "from-env"})
	if err := tokens.Set(ctx, "wss://cli.example.com/ws", "from-keyring-cli"); err != nil {
		t.Fatal(err)
	}
	if err := tokens.Set(ctx, "wss://other.example.com/ws", "from-keyring-other"); err != nil {
		t.Fatal(err)
	}
	if tok, err := primaryToken(a, ctx); err != nil || tok != "from-env" {
		t.Fatalf("command-line server: %q, %v", tok, err)
	}
	s := *real("wss://other.example.com/ws", "ops")
	if err := settings.Save(prefs, s); err != nil {
		t.Fatal(err)
	}
	a.SettingsChanged()
	if tok, err := primaryToken(a, ctx); err != nil || tok != "from-keyring-other" {
		t.Fatalf("server from Settings: %q, %v (the environment's token must not follow)", tok, err)
	}

	// ws:// to another host: refused until confirmed.
	a, _, _, tokens = newTestAgent(t, nil, Config{Server: "ws://plain.example.com/ws"})
	_ = tokens.Set(ctx, "ws://plain.example.com/ws", "secret")
	if _, err := primaryToken(a, ctx); !errors.Is(err, settings.ErrTokenRiskUnconfirmed) {
		t.Fatalf("ws:// without confirmation: %v", err)
	}
	a, _, _, tokens = newTestAgent(t, nil, Config{Server: "ws://plain.example.com/ws", ConfirmRisks: true})
	_ = tokens.Set(ctx, "ws://plain.example.com/ws", "secret")
	if tok, err := primaryToken(a, ctx); err != nil || tok != "secret" {
		t.Fatalf("ws:// confirmed on the command line: %q, %v", tok, err)
	}
}

// Rules merge the settings with the store's pause.
func TestRules(t *testing.T) {
	s := settings.Default()
	s.MinSeverity, s.MutedRooms = ops.Critical, []string{"ci"}
	until := time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)
	r := rules(s, store.State{PausedUntil: until, CriticalsBreakPause: true})
	if r.MinSeverity != ops.Critical || !slices.Equal(r.MutedRooms, []string{"ci"}) || !r.PausedUntil.Equal(until) || r.PauseCriticals ||
		r.OutageNotice != notify.DefaultOutageNotice || r.QuietHours != s.QuietHours {
		t.Fatalf("rules %+v", r)
	}
	if !rules(s, store.State{}).PauseCriticals {
		t.Fatal("criticals not breaking the pause must become PauseCriticals")
	}
}

// A -server given on the command line survives a Settings change of
// something else; a change of server in Settings replaces it.
func TestMergeKeepsTheCommandLine(t *testing.T) {
	saved := *real("wss://saved.example.com/ws", "ops")
	cur := inForce(saved, Config{Server: "wss://cli.example.com/ws"})
	next := saved.Clone()
	next.QuietHours.Enabled = true
	got := merge(cur, saved, next)
	if got.Servers[0].URL != "wss://cli.example.com/ws" || !got.QuietHours.Enabled {
		t.Fatalf("after a rules change: %+v", got)
	}
	next.Servers[0].URL = "wss://new.example.com/ws"
	if got := merge(cur, saved, next); got.Servers[0].URL != "wss://new.example.com/ws" {
		t.Fatalf("after a server change: %+v", got)
	}
}

// Applying settings: rooms and rules change live; a server that cannot be
// used leaves the settings in force as they were.
func TestApplyAndRollBack(t *testing.T) {
	a, link, prefs, _ := newTestAgent(t, real("wss://one.example.com/ws", "ops"), Config{})
	s := *real("wss://one.example.com/ws", "ops", "payments")
	s.MinSeverity = ops.Critical
	_ = settings.Save(prefs, s)
	a.SettingsChanged()
	if !slices.Equal(link.rooms, []string{"ops", "payments"}) || a.notes.Rules().MinSeverity != ops.Critical {
		t.Fatalf("rooms %v rules %+v", link.rooms, a.notes.Rules())
	}

	link.serverErr = errors.New("cannot dial that")
	bad := s.Clone()
	bad.Servers[0].URL = "wss://two.example.com/ws"
	_ = settings.Save(prefs, bad)
	a.SettingsChanged()
	a.mu.Lock()
	cur := a.cur
	a.mu.Unlock()
	if cur.Servers[0].URL != "wss://one.example.com/ws" || link.server != "wss://one.example.com/ws" {
		t.Fatalf("after a failed switch: in force %q, link %q", cur.Servers[0].URL, link.server)
	}
	// Fixed: the next save applies.
	link.serverErr = nil
	a.SettingsChanged()
	if link.server != "wss://two.example.com/ws" {
		t.Fatalf("retry: link %q", link.server)
	}
}

// A -server carrying a token is refused before anything starts, pointing
// to the token field, without repeating the secret.
func TestServerWithTokenRefused(t *testing.T) {
	for _, u := range []string{"wss://ops.example.com/ws?token=Sekr1t", "wss://me:Sekr1t@ops.example.com/ws"} {
		_, err := New(Config{Server: u}, Options{Prefs: mapPrefs{}})
		if err == nil || !strings.Contains(err.Error(), "token field") || strings.Contains(err.Error(), "Sekr1t") {
			t.Errorf("-server %s: %v", settings.RedactURL(u), err)
		}
	}
}

// The store's events reach the notifier: what the first catch-up reveals
// notifies as one summary, a live incident on its own, and a first
// connection that fails starts the outage debounce.
func TestEventsReachTheNotifier(t *testing.T) {
	var mu sync.Mutex
	var got []notify.Notification
	prefs := mapPrefs{}
	_ = settings.Save(prefs, *real("wss://ops.example.com/ws", "ops"))
	link := &fakeLink{}
	a, err := New(Config{}, Options{
		Prefs: prefs, Tokens: settings.NewTokenStore(settings.TokenStoreOptions{Keyring: &keyringtest.Memory{}}),
		Deliverer: notifytest.DelivererFunc(func(n notify.Notification) error {
			mu.Lock()
			got = append(got, n)
			mu.Unlock()
			return nil
		}),
		Dial: func(conn.Sink, conn.Options) (Link, error) { return link, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	f := a.st.Feed(settings.DefaultServerID, "") // the server's inputs
	now := time.Now().UnixMilli()
	var open []ops.Incident
	for i, sev := range []ops.Severity{ops.Critical, ops.Warning, ops.Critical, ops.Warning, ops.Warning} {
		open = append(open, ops.Incident{UUID: fmt.Sprint("u", i), Title: fmt.Sprint("t", i), Severity: sev, Room: "ops", CreatedAt: now})
	}
	_ = f.SetLink(store.LinkStatus{Link: store.LinkLive})
	if _, err := f.CaughtUp(f.BeginCatchUp(), ops.Snapshot{Incidents: open}); err != nil {
		t.Fatal(err)
	}
	_ = f.IncidentCreated(ops.Incident{UUID: "live", Title: "live one", Severity: ops.Critical, Room: "ops", CreatedAt: now})
	waitFor(t, "two notifications", func() bool { mu.Lock(); defer mu.Unlock(); return len(got) >= 2 })
	mu.Lock()
	defer mu.Unlock()
	if got[0].Summary != "5 open incidents, 2 critical — opened while Warpdesk was offline" || got[1].Summary != "Critical: live one" {
		t.Fatalf("notifications %+v", got)
	}
}
