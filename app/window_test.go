package app

import (
	"image/color"
	"math"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"go.uber.org/goleak"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// source is a store.Source the test publishes to; subscribers run on the
// test goroutine, where the test driver also runs fyne.Do.
type source struct {
	st   store.State
	subs map[int]func(store.State)
	n    int
}

func (s *source) State() store.State { return s.st }

func (s *source) Subscribe(fn func(store.State)) func() {
	if s.subs == nil {
		s.subs = map[int]func(store.State){}
	}
	id := s.n
	s.n++
	s.subs[id] = fn
	return func() { delete(s.subs, id) }
}

func (s *source) publish(st store.State) {
	st.Version = s.st.Version + 1
	s.st = st
	for _, fn := range s.subs {
		fn(st)
	}
}

// commandLog records Commands calls.
type commandLog struct{ calls []string }

// commandLog records Commands calls: "ack c1", "ack prod/c1",
// "reconnect", "reconnect prod".
func (c *commandLog) Acknowledge(server, uuid string) {
	if server != "" {
		uuid = server + "/" + uuid
	}
	c.calls = append(c.calls, "ack "+uuid)
}
func (c *commandLog) AcknowledgeAllCritical(server string) {
	c.calls = append(c.calls, strings.TrimSpace("ackAllCritical "+server))
}
func (c *commandLog) Reconnect(server string) {
	c.calls = append(c.calls, strings.TrimSpace("reconnect "+server))
}
func (c *commandLog) Pause(until time.Time) {
	c.calls = append(c.calls, "pause "+until.Format("15:04"))
}
func (c *commandLog) SettingsChanged() { c.calls = append(c.calls, "settingsChanged") }

// fixture is a Window on a fake source with a settable clock.
type fixture struct {
	src      *source
	cmd      *commandLog
	w        *Window
	now      time.Time
	settings int
}

func newFixture(t *testing.T, opts WindowOptions) *fixture {
	t.Helper()
	return newFixtureOn(t, test.NewTempApp(t), opts)
}

// newFixtureOn is newFixture on fa, a test app.
func newFixtureOn(t *testing.T, fa fyne.App, opts WindowOptions) *fixture {
	t.Helper()
	f := &fixture{src: &source{}, cmd: &commandLog{}, now: at(17, 35, 0)}
	opts.Now = func() time.Time { return f.now }
	if opts.Tick == 0 {
		opts.Tick = -1
	}
	opts.OpenSettings = func() { f.settings++ }
	f.w = NewWindow(fa, f.src, f.cmd, opts)
	f.w.Win.Resize(fyne.NewSize(900, 600))
	t.Cleanup(func() {
		if !f.w.closed { // the test driver panics on a second Close
			f.w.Win.Close()
		}
	})
	return f
}

func incident(uuid, title string, sev ops.Severity) store.Incident {
	return store.Incident{Incident: ops.Incident{UUID: uuid, Title: title, Severity: sev, CreatedAt: at(17, 0, 0).UnixMilli()}}
}

func TestUnknownIsNeverAllClear(t *testing.T) {
	f := newFixture(t, WindowOptions{})
	b := f.w.Board
	for _, st := range []store.State{
		{}, // before anything arrives
		{Link: store.LinkReconnecting, Reason: "connection refused", Since: at(17, 30, 0), NextAttempt: f.now.Add(12 * time.Second)},
		{Link: store.LinkRejected, Reason: "server rejected the token"},
		{Link: store.LinkLive},
	} {
		f.src.publish(st)
		if b.EmptyTitle.Text == "No active incidents" || b.Dot.FillColor == color.Color(nil) {
			t.Fatalf("%+v shows %q", st, b.EmptyTitle.Text)
		}
		if len(b.banners.box.Objects) == 0 || !strings.Contains(b.banners.views[0].Title.Text, "incidents") {
			t.Fatalf("%+v: no unknown banner", st)
		}
	}
	bn := b.banners.views[0]
	f.src.publish(store.State{Link: store.LinkReconnecting, Reason: "connection refused", Since: at(17, 30, 0), NextAttempt: f.now.Add(12 * time.Second)})
	if bn.Title.Text != "Not connected — incidents unknown" || bn.Detail.Text != "connection refused · since 17:30 · next attempt in 12s" {
		t.Fatalf("banner %q / %q", bn.Title.Text, bn.Detail.Text)
	}
	test.Tap(bn.Settings)
	test.Tap(bn.Reconnect)
	if f.settings != 1 || strings.Join(f.cmd.calls, ",") != "reconnect" {
		t.Fatalf("banner buttons: settings opened %d times, commands %v", f.settings, f.cmd.calls)
	}

	f.src.publish(store.State{Link: store.LinkLive, Knowledge: store.Current, AsOf: f.now})
	if b.EmptyTitle.Text != "No active incidents" || len(b.banners.box.Objects) != 0 {
		t.Fatalf("current and empty shows %q with %d banners", b.EmptyTitle.Text, len(b.banners.box.Objects))
	}
}

func TestStaleListIsMarked(t *testing.T) {
	f := newFixture(t, WindowOptions{})
	b := f.w.Board
	f.src.publish(store.State{Link: store.LinkReconnecting, Knowledge: store.Stale, AsOf: at(17, 29, 3),
		Incidents: []store.Incident{incident("c1", "db down", ops.Critical)}})
	if !strings.HasSuffix(b.Header.Text, "as of 17:29") || b.Sync.Text != "As of 17:29" {
		t.Fatalf("stale header %q, sync %q", b.Header.Text, b.Sync.Text)
	}
	if _, _, _, a := b.Veil.FillColor.RGBA(); a == 0 || !b.Veil.Visible() {
		t.Fatal("stale list not dimmed")
	}
	f.src.publish(store.State{Link: store.LinkLive, Knowledge: store.Current, AsOf: f.now,
		Incidents: []store.Incident{incident("c1", "db down", ops.Critical)}})
	if _, _, _, a := b.Veil.FillColor.RGBA(); a != 0 || strings.Contains(b.Header.Text, "as of") {
		t.Fatalf("current list still marked: %q", b.Header.Text)
	}
}

func TestPausedBannerResumes(t *testing.T) {
	f := newFixture(t, WindowOptions{})
	f.src.publish(store.State{Link: store.LinkLive, Knowledge: store.Current, PausedUntil: at(18, 35, 0), CriticalsBreakPause: true})
	bn := f.w.Board.banners.views[0]
	if bn.Title.Text != "Notifications paused until 18:35" || !bn.Resume.Visible() {
		t.Fatalf("paused banner %q", bn.Title.Text)
	}
	test.Tap(bn.Resume)
	if strings.Join(f.cmd.calls, ",") != "pause 00:00" {
		t.Fatalf("Resume sent %v", f.cmd.calls)
	}
}

func TestSyncedTimeMovesWhileLive(t *testing.T) {
	f := newFixture(t, WindowOptions{})
	f.src.publish(store.State{Link: store.LinkLive, Knowledge: store.Current, AsOf: at(17, 29, 3)})
	first := f.w.Board.Sync.Text
	// Within the minute nothing changes, so the tick repaints nothing.
	f.now = f.now.Add(7 * time.Second)
	f.w.tick()
	if f.w.Board.Sync.Text != first {
		t.Fatalf("sync went from %q to %q within the minute", first, f.w.Board.Sync.Text)
	}
	f.now = f.now.Add(time.Minute)
	f.w.tick()
	if f.w.Board.Sync.Text == first || f.w.Board.Sync.Text != "Up to date · 17:36" {
		t.Fatalf("sync went from %q to %q", first, f.w.Board.Sync.Text)
	}
}

// The time-driven redraws run only while the window is shown, and stop
// with it; a closed window is subscribed to nothing.
func TestRedrawsOnlyWhileShown(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	f := newFixture(t, WindowOptions{Tick: time.Hour})
	f.src.publish(store.State{Link: store.LinkLive, Knowledge: store.Current})
	if f.w.timer != nil {
		t.Fatal("a redraw is scheduled before the window is shown")
	}
	f.w.Show()
	if f.w.timer == nil || !f.w.due.Equal(at(17, 36, 0)) {
		t.Fatalf("shown: next redraw at %v, want 17:36 (the Up to date minute)", f.w.due)
	}
	f.w.Win.Close()
	if !f.w.due.IsZero() || f.w.timer.Stop() {
		t.Fatal("a redraw is still scheduled after close")
	}
	f.src.publish(store.State{Link: store.LinkLive}) // after close: no subscriber left
	if len(f.src.subs) != 0 {
		t.Fatal("still subscribed after close")
	}
}

func TestButtonsAreCommands(t *testing.T) {
	f := newFixture(t, WindowOptions{})
	b := f.w.Board
	f.src.publish(store.State{Link: store.LinkReconnecting, Knowledge: store.Stale, AsOf: at(17, 0, 0),
		Incidents: []store.Incident{incident("c1", "db down", ops.Critical), incident("w1", "slow", ops.Warning)}})
	test.Tap(b.rows.views[0].Ack)
	test.Tap(b.AckAll)
	test.Tap(b.banners.views[0].Reconnect)
	test.Tap(b.Settings)
	if got := strings.Join(f.cmd.calls, ","); got != "ack c1,ackAllCritical,reconnect" || f.settings != 1 {
		t.Fatalf("commands %q, settings %d", got, f.settings)
	}
	if b.rows.views[1].Ack.Visible() {
		t.Fatal("a warning offers Acknowledge")
	}
	f.w.Win.Canvas().(interface{ TypedShortcut(fyne.Shortcut) }).TypedShortcut(SettingsShortcut)
	if f.settings != 2 {
		t.Fatal("Ctrl+, did not open Settings")
	}
}

func TestCriticalFirstOrder(t *testing.T) {
	f := newFixture(t, WindowOptions{})
	b := f.w.Board
	f.src.publish(store.State{Link: store.LinkLive, Knowledge: store.Current, Incidents: []store.Incident{
		incident("w1", "slow", ops.Warning), incident("c1", "down", ops.Critical)}})
	if b.rows.views[0].ref.UUID != "w1" {
		t.Fatal("newest first is not the store's order")
	}
	b.Order.SetSelected("Critical first")
	if b.rows.views[0].ref.UUID != "c1" || b.rows.views[1].ref.UUID != "w1" {
		t.Fatalf("critical first shows %s, %s", b.rows.views[0].ref.UUID, b.rows.views[1].ref.UUID)
	}
}

// Two criticals whose titles differ only at the end must both be read in
// full, even in a narrow window with the Acknowledge button on the row.
func TestCriticalTitlesAreNeverCutShort(t *testing.T) {
	f := newFixture(t, WindowOptions{})
	f.w.Win.Resize(fyne.NewSize(520, 600))
	prefix := "notifications: circuit breaker open on the payment gateway for region "
	titles := []string{prefix + "eu-west-1", prefix + "us-east-2"}
	f.src.publish(store.State{Link: store.LinkLive, Knowledge: store.Current, Incidents: []store.Incident{
		incident("c1", titles[0], ops.Critical), incident("c2", titles[1], ops.Critical)}})
	for i, want := range titles {
		v := f.w.Board.rows.views[i]
		if !v.Ack.Visible() || v.Ack.Text != "" {
			t.Fatalf("row %d: Acknowledge should be an icon button", i)
		}
		if got := drawnText(v.Title); got != want {
			t.Fatalf("row %d draws %q, want the full %q", i, got, want)
		}
	}
}

// drawnText joins the text a label draws, line by line.
func drawnText(o fyne.CanvasObject) string {
	var parts []string
	for _, obj := range test.LaidOutObjects(o) {
		if txt, ok := obj.(*canvas.Text); ok && txt.Visible() && txt.Text != "" {
			parts = append(parts, strings.TrimSpace(txt.Text))
		}
	}
	return strings.Join(parts, " ")
}

// The text that explains state must reach 4.5:1 against the background it
// sits on, on the light and on the dark theme.
func TestExplanatoryTextContrast(t *testing.T) {
	f := newFixture(t, WindowOptions{})
	b := f.w.Board
	for _, th := range []fyne.Theme{theme.LightTheme(), theme.DarkTheme()} { //nolint:staticcheck // forced variants
		fyne.CurrentApp().Settings().SetTheme(th)
		for _, st := range []store.State{
			{Link: store.LinkReconnecting, Reason: "connection refused", Since: at(17, 0, 0), PausedUntil: at(18, 0, 0)},
			{Link: store.LinkOffline, Knowledge: store.Stale, AsOf: at(17, 0, 0), Reason: "no network",
				Incidents: []store.Incident{incident("c1", "db down", ops.Critical)}},
			{Link: store.LinkLive, Knowledge: store.Current, AsOf: at(17, 0, 0)},
			acknowledgedOnTwo(),
		} {
			f.src.publish(st)
			if len(st.Incidents) > 0 {
				b.Select(ipcRef(st.Incidents))
			}
			bg := theme.Color(theme.ColorNameBackground)
			check := func(what string, l *widget.Label, bgs ...color.Color) {
				for _, obj := range test.LaidOutObjects(l) {
					txt, ok := obj.(*canvas.Text)
					if !ok || txt.Text == "" || !l.Visible() {
						continue
					}
					for _, bgc := range bgs {
						if r := contrast(txt.Color, bgc); r < 4.5 {
							t.Errorf("%s %q: contrast %.2f < 4.5", what, txt.Text, r)
						}
					}
				}
			}
			check("sync", b.Sync, bg)
			check("server", b.Server, bg)
			check("empty note", b.EmptyNote, bg)
			for _, v := range b.banners.views {
				inBg := theme.Color(theme.ColorNameInputBackground)
				check("banner title", v.Title, bg, inBg)
				check("banner detail", v.Detail, bg, inBg)
			}
			sel := over(theme.Color(theme.ColorNameSelection), bg)
			for _, v := range b.rows.views {
				check("row meta", v.Meta, bg, sel)
				check("row acknowledgement", v.AckLine, bg, sel)
			}
			for _, v := range b.servers.views {
				check("server state", v.State, bg)
				check("server detail", v.Detail, bg)
			}
			d := b.detail
			for _, l := range []*widget.Label{d.Note, d.Description, d.Service, d.Room, d.Server, d.Created, d.Ack} {
				check("detail", l, bg)
			}
		}
	}
}

// acknowledgedOnTwo is twoServers with Production's incident acknowledged
// by bob and Staging's failed to acknowledge.
func acknowledgedOnTwo() store.State {
	st := twoServers()
	st.Incidents[0].AcknowledgedBy, st.Incidents[0].AcknowledgedAt = "bob", at(17, 30, 0).UnixMilli()
	st.Incidents[1].Description, st.Incidents[1].AckErr = "p99 over 2 s", "the server refused: no such incident"
	return st
}

// over is c composited over the opaque bg.
func over(c, bg color.Color) color.Color {
	r, g, b, a := c.RGBA()
	br, bgg, bb, _ := bg.RGBA()
	mix := func(x, y uint32) uint8 { return uint8((x + y*(0xffff-a)/0xffff) >> 8) }
	return color.NRGBA{mix(r, br), mix(g, bgg), mix(b, bb), 0xff}
}

// contrast is the WCAG 2 contrast ratio of two colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		x := float64(v) / 0xffff
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}
