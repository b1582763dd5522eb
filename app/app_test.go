package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"go.uber.org/goleak"

	"github.com/warpdesk/warpdesk/assets"
	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/socket"
)

// These tests run the whole app on Fyne's test driver against the real demo
// server on 127.0.0.1: real WebSocket, real HTTP catch-up.

func startDemo(t *testing.T, opts demo.Options) *demo.Server {
	t.Helper()
	if opts.Interval == 0 {
		opts.Interval = -1 // driven by the test
	}
	if opts.Seed == 0 {
		opts.Seed = 42
	}
	srv, err := demo.Start(context.Background(), "127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

type recNotifier struct {
	mu  sync.Mutex
	got []ops.Incident
}

func (n *recNotifier) Incident(in ops.Incident) {
	n.mu.Lock()
	n.got = append(n.got, in)
	n.mu.Unlock()
}

func (n *recNotifier) has(uuid string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.ContainsFunc(n.got, func(in ops.Incident) bool { return in.UUID == uuid })
}

func fastSocket() socket.Options {
	return socket.Options{ReconnectDelay: 10 * time.Millisecond, MaxReconnectDelay: 40 * time.Millisecond}
}

func newTestApp(t *testing.T, cfg Config) *App {
	t.Helper()
	fa := test.NewTempApp(t)
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.AgeRefresh == 0 {
		cfg.AgeRefresh = time.Hour
	}
	a, err := New(fa, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	a.Start()
	return a
}

// onUI runs f with the UI serialised (see App.uiMu).
func (a *App) onUI(f func()) {
	a.uiMu.Lock()
	defer a.uiMu.Unlock()
	f()
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func sameSet(a []ops.Incident, b []ops.Incident) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]bool{}
	for _, in := range a {
		seen[in.UUID] = true
	}
	for _, in := range b {
		if !seen[in.UUID] {
			return false
		}
	}
	return true
}

func staticToken(s string) func(context.Context) (string, error) {
	return func(context.Context) (string, error) { return s, nil }
}

func TestLiveThenCatchUpAfterReconnect(t *testing.T) {
	srv := startDemo(t, demo.Options{Initial: 2})
	tray := &recTray{}
	notes := &recNotifier{}
	a := newTestApp(t, Config{
		ServerURL: srv.URL(),
		Rooms:     demo.DefaultRooms,
		Token:     staticToken(srv.Token()),
		Socket:    fastSocket(),
		Tray:      tray,
		Notifier:  notes,
	})

	eventually(t, "live with the initial incidents", func() bool {
		return a.Status().State == socket.StateConnected && sameSet(a.Incidents().List(), srv.Open())
	})
	// The UI follows the model a moment later (fyne.Do).
	eventually(t, "the dashboard and the tray say live, 2 incidents", func() bool {
		ok := false
		a.onUI(func() {
			ok = a.Dashboard().Status.Text.Text == "Live" &&
				a.Dashboard().Incidents.Header.Text == "Active Incidents (2)" &&
				strings.HasPrefix(tray.lastTooltip(), "Live — 2 active") &&
				tray.lastMenu().Items[0].Label == tray.lastTooltip()
		})
		return ok
	})

	// Authentication goes first on the connection, then the rooms.
	eventually(t, "auth and three room joins", func() bool { return len(srv.Socket().Frames()) >= 4 })
	frames := srv.Socket().Frames()
	if !strings.Contains(frames[0].Text, `"type":"auth"`) {
		t.Fatalf("first frame is not auth: %+v", frames)
	}
	for _, f := range frames[1:4] {
		if !strings.Contains(f.Text, `"type":"room.join"`) {
			t.Errorf("expected room joins after auth, got %s", f.Text)
		}
	}

	// A live critical incident: shown at the top, the tray gets the mark, the notifier hears of it.
	crit, err := srv.Create(ops.Incident{Title: "Checkout down", Severity: ops.Critical, Room: "payments"})
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "the live incident", func() bool {
		l := a.Incidents().List()
		return len(l) == 3 && l[0].UUID == crit.UUID
	})
	eventually(t, "the critical tray icon", func() bool {
		var icon string
		a.onUI(func() { icon = tray.lastIcon() })
		return icon == assets.TrayCritical.Name()
	})
	eventually(t, "the notifier hears of the live incident", func() bool { return notes.has(crit.UUID) })

	// The server goes away: the app says so.
	srv.Stop()
	eventually(t, "the status bar and the tray say reconnecting", func() bool {
		ok := false
		a.onUI(func() {
			ok = a.Dashboard().Status.Text.Text == "Reconnecting…" &&
				a.Dashboard().Status.Reconnect.Visible() &&
				tray.lastIcon() == assets.TrayReconnecting.Name() &&
				strings.HasPrefix(tray.lastTooltip(), "Reconnecting…")
		})
		return ok
	})

	// While it is gone, things happen that the app cannot hear about.
	missed, _ := srv.Create(ops.Incident{Title: "Replication lag", Severity: ops.Warning, Room: "infra"})
	resolvedWhileAway := srv.Open()[len(srv.Open())-1].UUID // the oldest
	srv.Resolve(resolvedWhileAway)
	if a.Incidents().List()[0].UUID == missed.UUID {
		t.Fatal("the app heard of an incident while the server was stopped")
	}

	// Back: it reconnects, catches up, and shows exactly what is open.
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "caught up after the reconnect", func() bool {
		return a.Status().State == socket.StateConnected && sameSet(a.Incidents().List(), srv.Open())
	})
	l := a.Incidents().List()
	if l[0].UUID != missed.UUID {
		t.Errorf("newest is %s, want the missed %s", l[0].UUID, missed.UUID)
	}
	if slices.ContainsFunc(l, func(in ops.Incident) bool { return in.UUID == resolvedWhileAway }) {
		t.Error("an incident resolved while away is still shown")
	}
	eventually(t, "the notifier hears of the missed incident", func() bool { return notes.has(missed.UUID) })
	eventually(t, "the UI shows it", func() bool {
		var hdr, txt string
		a.onUI(func() { hdr, txt = a.Dashboard().Incidents.Header.Text, a.Dashboard().Status.Text.Text })
		return hdr == "Active Incidents (3)" && txt == "Live"
	})
	if !strings.HasPrefix(a.SyncText(), "Synced ") {
		t.Errorf("sync text %q", a.SyncText())
	}

	// Resolving live removes it; acknowledging clears the critical mark.
	srv.Resolve(missed.UUID)
	eventually(t, "the resolved incident leaves", func() bool { return len(a.Incidents().List()) == 2 })
	a.Incidents().AcknowledgeAll()
	eventually(t, "the live tray icon", func() bool {
		var icon string
		a.onUI(func() { icon = tray.lastIcon() })
		return icon == assets.TrayLive.Name()
	})
}

func TestRejectedThenReconnectNow(t *testing.T) {
	srv := startDemo(t, demo.Options{Initial: 1})
	var token atomic.Value
	token.Store("wrong-token")
	tray := &recTray{}
	a := newTestApp(t, Config{
		ServerURL: srv.URL(),
		Rooms:     demo.DefaultRooms,
		Token:     func(context.Context) (string, error) { return token.Load().(string), nil },
		Socket:    fastSocket(),
		Tray:      tray,
	})
	eventually(t, "rejected", func() bool {
		s := a.Status()
		return s.State == socket.StateDisconnected && s.Err != nil
	})
	eventually(t, "the status bar says why", func() bool {
		var reason string
		a.onUI(func() { reason = a.Dashboard().Status.Reason.Text })
		return reason == "server rejected us — check the token"
	})
	eventually(t, "the failed catch-up is reported", func() bool { return a.SyncText() == "Catch-up failed" })
	a.onUI(func() {
		if tray.lastIcon() != assets.TrayOffline.Name() {
			t.Errorf("tray icon %s", tray.lastIcon())
		}
		if it := item(tray.lastMenu(), LabelReconnect); it == nil || it.Disabled {
			t.Error("Reconnect now is not offered")
		}
	})
	accepts := srv.Socket().Accepts()
	time.Sleep(100 * time.Millisecond)
	if srv.Socket().Accepts() != accepts {
		t.Error("a rejected client keeps hammering the server")
	}

	// The user fixes the token and taps "Reconnect now" in the tray menu.
	token.Store(srv.Token())
	var reconnect func()
	a.onUI(func() { reconnect = item(tray.lastMenu(), LabelReconnect).Action })
	reconnect()
	eventually(t, "live after Reconnect now", func() bool { return a.Status().State == socket.StateConnected })
	a.RequestCatchUp() // the Connected event asks for one too; either way it converges
	eventually(t, "caught up", func() bool { return sameSet(a.Incidents().List(), srv.Open()) })
}

func TestStatusBarReconnectButtonRedials(t *testing.T) {
	srv := startDemo(t, demo.Options{Initial: -1})
	a := newTestApp(t, Config{
		ServerURL: srv.URL(),
		Token:     staticToken(srv.Token()),
		// A long backoff: only the button can bring it back quickly.
		Socket: socket.Options{ReconnectDelay: time.Minute, MaxReconnectDelay: time.Minute},
		NoTray: true,
	})
	eventually(t, "live", func() bool { return a.Status().State == socket.StateConnected })
	a.onUI(func() {
		if !a.Dashboard().Incidents.Empty.Visible() {
			t.Error("no empty state with no incidents")
		}
	})
	srv.Stop()
	eventually(t, "reconnecting", func() bool { return a.Status().State == socket.StateReconnecting })
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	// Wait until the first redial (at some random point within the first
	// backoff window) has happened or not; either way a tap must dial now.
	a.onUI(func() { test.Tap(a.Dashboard().Status.Reconnect) })
	eventually(t, "live after the tap", func() bool { return a.Status().State == socket.StateConnected })
	if a.HasTray() {
		t.Error("NoTray, yet a tray")
	}
}

func TestQuitDisconnects(t *testing.T) {
	srv := startDemo(t, demo.Options{Initial: -1})
	a := newTestApp(t, Config{ServerURL: srv.URL(), Token: staticToken(srv.Token()), Socket: fastSocket(), Tray: &recTray{}})
	eventually(t, "live", func() bool { return srv.Socket().Conns() == 1 })
	a.Quit()
	if st := a.Client().State(); st != socket.StateDisconnected {
		t.Errorf("after Quit the client is %s", st)
	}
	eventually(t, "the server sees the connection go", func() bool { return srv.Socket().Conns() == 0 })
	a.Close() // twice is fine
}

func TestNewRejectsBadURLs(t *testing.T) {
	fa := test.NewTempApp(t)
	for _, cfg := range []Config{
		{ServerURL: "http://example.com/ws"},
		{ServerURL: ""},
		{ServerURL: "ws://example.com/ws", CatchUpURL: "ftp://example.com/x"},
	} {
		if _, err := New(fa, cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
	a, err := New(fa, Config{ServerURL: "ws://example.com/ws", CatchUpURL: "https://api.example.com/open", Rooms: []string{"ops"}, NoTray: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if got := a.CatchUpEndpoint(); got != "https://api.example.com/open?room=ops" {
		t.Errorf("override endpoint %q", got)
	}
}

func TestClosingTheWindow(t *testing.T) {
	srv := startDemo(t, demo.Options{Initial: -1})
	host := atomic.Bool{}
	host.Store(true)
	a := newTestApp(t, Config{ServerURL: srv.URL(), Token: staticToken(srv.Token()), Socket: fastSocket(), Tray: &recTray{}})
	a.hostPresent = host.Load
	eventually(t, "live", func() bool { return a.Status().State == socket.StateConnected })

	// A tray host shows the icon: closing hides the window, the app stays connected.
	a.closeRequested()
	if a.Client().State() != socket.StateConnected {
		t.Fatal("closing the window with a tray host disconnected the app")
	}

	// No tray host: closing quits (and disconnects), or the window would be lost.
	host.Store(false)
	a.closeRequested()
	if st := a.Client().State(); st != socket.StateDisconnected {
		t.Errorf("closing without a tray host left the client %s", st)
	}
}

func inRoom(l []ops.Incident, room string) []ops.Incident {
	var out []ops.Incident
	for _, in := range l {
		if in.Room == room || in.Room == "" {
			out = append(out, in)
		}
	}
	return out
}

func TestSwitchServerAndRoomsLive(t *testing.T) {
	one := startDemo(t, demo.Options{Initial: 2, Seed: 1})
	two := startDemo(t, demo.Options{Initial: 6, Seed: 2})
	if one.Token() != two.Token() {
		t.Fatal("both demo servers take the demo token")
	}
	a := newTestApp(t, Config{ServerURL: one.URL(), Rooms: demo.DefaultRooms, Token: staticToken(one.Token()), Socket: fastSocket(), Tray: &recTray{}})
	eventually(t, "server one's incidents", func() bool { return sameSet(a.Incidents().List(), one.Open()) })

	if err := a.SetServer("http://not-a-ws-url", ""); err == nil {
		t.Error("SetServer accepted a non-WebSocket URL")
	}
	var seen atomic.Int32
	stop := a.OnStatusChange(func(s socket.Status) {
		if s.State == socket.StateConnected {
			seen.Add(1)
		}
	})
	defer stop()
	if err := a.SetServer(two.URL(), ""); err != nil {
		t.Fatal(err)
	}
	eventually(t, "OnStatusChange follows the app to the new server", func() bool { return seen.Load() >= 1 })
	eventually(t, "server two's incidents, and none of one's", func() bool {
		return a.Status().State == socket.StateConnected && sameSet(a.Incidents().List(), two.Open())
	})
	eventually(t, "server one sees the old connection close", func() bool { return one.Socket().Conns() == 0 })
	if got := a.CatchUpEndpoint(); !strings.HasPrefix(got, two.HTTPURL()+ops.IncidentsPath) {
		t.Errorf("catch-up endpoint %q", got)
	}

	a.SetRooms([]string{"ops"})
	eventually(t, "only the ops incidents", func() bool { return sameSet(a.Incidents().List(), inRoom(two.Open(), "ops")) })
	eventually(t, "the server has us in ops only", func() bool {
		ids := two.Socket().ConnIDs()
		return len(ids) == 1 && slices.Equal(two.Socket().Rooms(ids[0]), []string{"ops"})
	})
	pay, _ := two.Create(ops.Incident{Title: "elsewhere", Severity: ops.Critical, Room: "payments"})
	opsIn, _ := two.Create(ops.Incident{Title: "ours", Severity: ops.Warning, Room: "ops"})
	eventually(t, "the ops incident", func() bool {
		return slices.ContainsFunc(a.Incidents().List(), func(in ops.Incident) bool { return in.UUID == opsIn.UUID })
	})
	if slices.ContainsFunc(a.Incidents().List(), func(in ops.Incident) bool { return in.UUID == pay.UUID }) {
		t.Error("an incident from a room we left is shown")
	}
	if err := a.SetCatchUpURL("ftp://nope"); err == nil {
		t.Error("SetCatchUpURL accepted ftp://")
	}
	if err := a.SetCatchUpURL(two.HTTPURL() + ops.IncidentsPath); err != nil {
		t.Fatal(err)
	}
	if got := a.CatchUpEndpoint(); got != two.HTTPURL()+ops.IncidentsPath+"?room=ops" {
		t.Errorf("catch-up endpoint %q", got)
	}
}

func TestTokenProblemShownInStatusBar(t *testing.T) {
	srv := startDemo(t, demo.Options{Initial: -1})
	a := newTestApp(t, Config{
		ServerURL: srv.URL(),
		Token:     func(context.Context) (string, error) { return "", errors.New("keyring locked") },
		Socket:    fastSocket(),
		Tray:      &recTray{},
	})
	eventually(t, "the status bar names the token problem", func() bool {
		var reason string
		a.onUI(func() { reason = a.Dashboard().Status.Reason.Text })
		return reason == "token unavailable: keyring locked"
	})
	if srv.Socket().Accepts() != 0 {
		t.Error("dialled without the token it could not get")
	}
}

func TestBadServerInputIsRefusedNotFatal(t *testing.T) {
	srv := startDemo(t, demo.Options{Initial: -1})
	a := newTestApp(t, Config{ServerURL: srv.URL(), Rooms: demo.DefaultRooms, Token: staticToken(srv.Token()), Socket: fastSocket(), Tray: &recTray{}})
	eventually(t, "live", func() bool { return a.Status().State == socket.StateConnected })
	eventually(t, "joined", func() bool {
		ids := srv.Socket().ConnIDs()
		return len(ids) == 1 && len(srv.Socket().Rooms(ids[0])) == 3
	})
	for _, frame := range []string{
		`{"name":"incident.created","data":{"uuid":"","title":"no uuid","severity":"critical"},"timestamp":1}`,
		`{"name":"incident.created","data":{"uuid":"x1","title":"bad severity","severity":"apocalyptic"},"timestamp":1}`,
		`{"name":"incident.created","data":{"uuid":42,"title":"wrong type","severity":"info"},"timestamp":1}`,
		`{"name":"incident.created","data":"not an object","timestamp":1}`,
		`{"name":"incident.resolved","data":{},"timestamp":1}`,
		`{"name":"monitor.status-changed","data":{"monitorUuid":"m","status":"sideways"},"timestamp":1}`,
		`{"name":"incident.created","data":{"uuid":"x2","title":"` + strings.Repeat("t", ops.MaxTitleLen+1) + `","severity":"info"},"timestamp":1}`,
		`not json at all`,
		`{"name":"incident.created","data":{"uuid":"ok-1","title":"Valid","severity":"warning","room":"ops","createdAt":5},"timestamp":1}`,
	} {
		if err := srv.Socket().BroadcastRaw("", []byte(frame)); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "the valid incident", func() bool { return len(a.Incidents().List()) == 1 })
	if l := a.Incidents().List(); l[0].UUID != "ok-1" {
		t.Errorf("shown %+v", l)
	}
	if slices.ContainsFunc(a.Monitors().List(), func(m ops.MonitorChange) bool { return m.MonitorUUID == "m" }) {
		t.Errorf("an invalid monitor change is shown: %+v", a.Monitors().List())
	}
	if a.Status().State != socket.StateConnected {
		t.Error("bad input cost the connection")
	}
}

func TestCloseLeavesNoGoroutine(t *testing.T) {
	fa := test.NewTempApp(t)
	srv, err := demo.Start(context.Background(), "127.0.0.1:0", demo.Options{Interval: -1, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ignore := goleak.IgnoreCurrent()
	a, err := New(fa, Config{ServerURL: srv.URL(), Token: staticToken(srv.Token()), Socket: fastSocket(), Tray: &recTray{},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), AgeRefresh: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	a.Start()
	eventually(t, "live and caught up", func() bool {
		return a.Status().State == socket.StateConnected && strings.HasPrefix(a.SyncText(), "Synced")
	})
	a.Close()
	// The demo server's side of the connection winds down on its own.
	eventually(t, "the server sees the close", func() bool { return srv.Socket().Conns() == 0 })
	// The server's end of the HTTP keep-alive connection needs a moment too.
	var err2 error
	for i := 0; i < 200; i++ {
		if err2 = goleak.Find(ignore, goleak.IgnoreTopFunction("net/http.(*conn).serve")); err2 == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err2 != nil {
		t.Error(err2)
	}
}

func TestOnlineAndAwakeFollowTheOS(t *testing.T) {
	one := startDemo(t, demo.Options{Initial: -1, Seed: 3})
	two := startDemo(t, demo.Options{Initial: -1, Seed: 4})
	a := newTestApp(t, Config{ServerURL: one.URL(), Token: staticToken(one.Token()), Socket: fastSocket(), Tray: &recTray{}})
	eventually(t, "live", func() bool { return a.Status().State == socket.StateConnected })
	reason := func() string {
		var r string
		a.onUI(func() { r = a.Dashboard().Status.Text.Text + " / " + a.Dashboard().Status.Reason.Text })
		return r
	}
	a.SetOnline(false)
	eventually(t, "offline: no network", func() bool { return reason() == "Offline / no network" })
	// A server change while offline stays offline.
	if err := a.SetServer(two.URL(), ""); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if two.Socket().Accepts() != 0 {
		t.Error("dialled the new server while the OS says there is no network")
	}
	a.SetOnline(true)
	eventually(t, "live on the new server", func() bool { return a.Status().State == socket.StateConnected && two.Socket().Conns() == 1 })
	a.SetAwake(false)
	eventually(t, "offline: asleep", func() bool { return reason() == "Offline / asleep" })
	a.SetAwake(true)
	eventually(t, "live after waking", func() bool { return a.Status().State == socket.StateConnected })
}

func TestEmptyStateSaysWhetherItKnows(t *testing.T) {
	srv := startDemo(t, demo.Options{Initial: -1})
	srv.Stop() // nobody home yet
	a := newTestApp(t, Config{ServerURL: srv.URL(), Token: staticToken(srv.Token()), Socket: fastSocket(), Tray: &recTray{}})
	note := func() string {
		var n string
		a.onUI(func() { n = a.Dashboard().Incidents.EmptyNote.Text })
		return n
	}
	eventually(t, "an honest empty state", func() bool { return note() == EmptyNoteUnknown })
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "all quiet once caught up", func() bool { return note() == EmptyNoteQuiet })
}
