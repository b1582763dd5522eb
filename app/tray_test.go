package app

import (
	"time"

	"testing"

	"fyne.io/fyne/v2"

	"github.com/warpdesk/warpdesk/assets"
)

// recTray records what the app pushes to the tray.
type recTray struct {
	icons    []fyne.Resource
	menus    []*fyne.Menu
	tooltips []string
}

func (r *recTray) SetIcon(res fyne.Resource) { r.icons = append(r.icons, res) }
func (r *recTray) SetMenu(m *fyne.Menu)      { r.menus = append(r.menus, m) }
func (r *recTray) SetTooltip(s string)       { r.tooltips = append(r.tooltips, s) }

func (r *recTray) lastIcon() string {
	if len(r.icons) == 0 {
		return ""
	}
	return r.icons[len(r.icons)-1].Name()
}

func (r *recTray) lastTooltip() string {
	if len(r.tooltips) == 0 {
		return ""
	}
	return r.tooltips[len(r.tooltips)-1]
}

func (r *recTray) lastMenu() *fyne.Menu {
	if len(r.menus) == 0 {
		return nil
	}
	return r.menus[len(r.menus)-1]
}

func labels(m *fyne.Menu) []string {
	var out []string
	for _, it := range m.Items {
		if it.IsSeparator {
			out = append(out, "---")
			continue
		}
		out = append(out, it.Label)
	}
	return out
}

func item(m *fyne.Menu, label string) *fyne.MenuItem {
	for _, it := range m.Items {
		if it.Label == label {
			return it
		}
	}
	return nil
}

func TestTrayMenuLayout(t *testing.T) {
	calls := map[string]int{}
	act := TrayActions{
		Open:      func() { calls["open"]++ },
		Reconnect: func() { calls["reconnect"]++ },
		Settings:  func() { calls["settings"]++ },
		Quit:      func() { calls["quit"]++ },
	}
	m := TrayMenu("Live — 3 active, 1 critical", View{Level: LevelLive, Text: "Live"}, act)
	want := []string{"Live — 3 active, 1 critical", "---", LabelOpen, LabelReconnect, LabelSettings, "---", LabelQuit}
	got := labels(m)
	if len(got) != len(want) {
		t.Fatalf("labels = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("labels = %q, want %q", got, want)
		}
	}
	if !m.Items[0].Disabled {
		t.Error("the summary line must be disabled (it is information)")
	}
	if !item(m, LabelReconnect).Disabled {
		t.Error("Reconnect now must be disabled while live")
	}
	if !item(m, LabelQuit).IsQuit {
		t.Error("Quit must be the quit item, so Fyne adds no second one")
	}
	for _, l := range []string{LabelOpen, LabelSettings, LabelQuit} {
		item(m, l).Action()
	}
	if calls["open"] != 1 || calls["settings"] != 1 || calls["quit"] != 1 {
		t.Errorf("actions called %v", calls)
	}
}

func TestTrayMenuOffline(t *testing.T) {
	m := TrayMenu("Offline — no active incidents", Describe(statusOffline()), TrayActions{Reconnect: func() {}})
	if item(m, LabelReconnect).Disabled {
		t.Error("Reconnect now must be enabled while offline")
	}
	if !item(m, LabelSettings).Disabled {
		t.Error("Settings… must be disabled when there is no settings window")
	}
}

func TestApplyTrayOnlyPushesChanges(t *testing.T) {
	var tr recTray
	var last trayState
	now := time.Date(2026, 11, 25, 14, 30, 0, 0, time.UTC)
	apply := func(v View, c Counts) time.Duration {
		now = now.Add(time.Minute) // far apart: no throttling here
		return applyTray(&tr, &last, v, c, TrayActions{}, now)
	}
	live := View{Level: LevelLive, Text: "Live"}
	apply(live, Counts{Active: 1})
	apply(live, Counts{Active: 1})
	if len(tr.icons) != 1 || len(tr.menus) != 1 || len(tr.tooltips) != 1 {
		t.Fatalf("pushed %d icons, %d menus, %d tooltips; want 1 each", len(tr.icons), len(tr.menus), len(tr.tooltips))
	}
	if tr.lastTooltip() != "Live — 1 active" || tr.lastIcon() != assets.TrayLive.Name() {
		t.Errorf("tooltip %q icon %s", tr.lastTooltip(), tr.lastIcon())
	}
	apply(live, Counts{Active: 2, Critical: 1, Unacknowledged: 1})
	if tr.lastIcon() != assets.TrayCritical.Name() || tr.lastTooltip() != "Live — 2 active, 1 critical" {
		t.Errorf("after a critical: tooltip %q icon %s", tr.lastTooltip(), tr.lastIcon())
	}
	if got := tr.lastMenu().Items[0].Label; got != "Live — 2 active, 1 critical" {
		t.Errorf("first menu line %q", got)
	}
	off := Describe(statusOffline())
	apply(off, Counts{Active: 2, Critical: 1, Unacknowledged: 1})
	if tr.lastIcon() != assets.TrayOffline.Name() {
		t.Errorf("offline icon %s", tr.lastIcon())
	}
	for _, m := range tr.menus {
		if m != tr.menus[0] {
			t.Fatal("the tray menu must stay one object (Fyne rebuilds from the first one it saw)")
		}
	}
	applyTray(nil, &last, off, Counts{}, TrayActions{}, now) // no tray: nothing happens, no panic
}

// In a storm the summary line changes many times a second: the menu is
// rebuilt at most once per trayMenuEvery (its item ids change with every
// rebuild), while icon and tooltip follow at once and a change of what the
// menu offers is never held back.
func TestApplyTrayThrottlesSummaryOnlyRebuilds(t *testing.T) {
	var tr recTray
	var last trayState
	t0 := time.Date(2026, 11, 25, 14, 30, 0, 0, time.UTC)
	live := View{Level: LevelLive, Text: "Live"}
	if wait := applyTray(&tr, &last, live, Counts{Active: 1}, TrayActions{}, t0); wait != 0 {
		t.Fatalf("first menu held back %v", wait)
	}
	for i := 2; i <= 50; i++ { // 49 incidents within 490 ms
		at := t0.Add(time.Duration(i*10) * time.Millisecond)
		wait := applyTray(&tr, &last, live, Counts{Active: i, Critical: 1, Unacknowledged: 1}, TrayActions{}, at)
		if want := trayMenuEvery - at.Sub(t0); wait != want {
			t.Fatalf("incident %d: wait %v, want %v", i, wait, want)
		}
	}
	if len(tr.menus) != 1 {
		t.Fatalf("%d menu rebuilds during the storm, want 1", len(tr.menus))
	}
	if tr.lastTooltip() != "Live — 50 active, 1 critical" || tr.lastIcon() != assets.TrayCritical.Name() {
		t.Errorf("tooltip %q icon %s: they must not wait", tr.lastTooltip(), tr.lastIcon())
	}
	// The call that comes back after the wait brings the menu up to date.
	if wait := applyTray(&tr, &last, live, Counts{Active: 50, Critical: 1, Unacknowledged: 1}, TrayActions{}, t0.Add(trayMenuEvery)); wait != 0 {
		t.Fatalf("after the wait: %v", wait)
	}
	if got := tr.lastMenu().Items[0].Label; len(tr.menus) != 2 || got != "Live — 50 active, 1 critical" {
		t.Fatalf("%d rebuilds, first line %q", len(tr.menus), got)
	}
	// Connection lost right after: Reconnect now must be offered at once.
	off := Describe(statusOffline())
	if wait := applyTray(&tr, &last, off, Counts{Active: 50}, TrayActions{Reconnect: func() {}}, t0.Add(trayMenuEvery+time.Millisecond)); wait != 0 || item(tr.lastMenu(), LabelReconnect).Disabled {
		t.Fatalf("Reconnect now held back (wait %v)", wait)
	}
}

// panickyDesktop plays fyne.io/systray after quit: every call panics.
type panickyDesktop struct{ calls int }

func (p *panickyDesktop) SetSystemTrayMenu(*fyne.Menu) {
	p.calls++
	panic("dbus: connection closed by user")
}
func (p *panickyDesktop) SetSystemTrayIcon(fyne.Resource) {
	p.calls++
	panic("dbus: connection closed by user")
}
func (p *panickyDesktop) SetSystemTrayWindow(fyne.Window) {
	p.calls++
	panic("dbus: connection closed by user")
}

func TestDesktopTrayOutlivesATornDownTray(t *testing.T) {
	p := &panickyDesktop{}
	tr := &desktopTray{d: p}
	tr.SetIcon(assets.TrayLive) // must not panic
	tr.SetMenu(fyne.NewMenu(""))
	tr.setWindow(nil)
	if p.calls != 1 {
		t.Errorf("%d calls reached the dead tray, want 1 (then it is left alone)", p.calls)
	}
}

func TestTrayMenuPauseNotifications(t *testing.T) {
	now := time.Date(2026, 11, 25, 14, 30, 0, 0, time.Local)
	var until time.Time
	act := TrayActions{
		PauseNotifications: func(u time.Time) { until = u },
		PausedUntil:        func() time.Time { return until },
		Now:                func() time.Time { return now },
	}
	m := TrayMenu("Live", View{Level: LevelLive}, act)
	if item(m, LabelResume) != nil || item(m, LabelPauseHour) == nil {
		t.Fatalf("not paused: %q", labels(m))
	}
	item(m, LabelPauseHour).Action()
	if !until.Equal(now.Add(time.Hour)) {
		t.Fatalf("paused until %v", until)
	}
	m = TrayMenu("Live", View{Level: LevelLive}, act)
	if item(m, LabelResume) == nil || item(m, LabelPauseHour) != nil {
		t.Fatalf("paused: %q", labels(m))
	}
	item(m, LabelResume).Action()
	if !until.IsZero() {
		t.Fatal("resume did not clear the pause")
	}
	m = TrayMenu("Live", View{Level: LevelLive}, act)
	item(m, LabelPauseTomorrow).Action()
	if until.Day() != 26 || until.Hour() != 8 {
		t.Fatalf("until tomorrow = %v", until)
	}
	// Without the hook, no pause items.
	if m := TrayMenu("Live", View{Level: LevelLive}, TrayActions{}); item(m, LabelPauseHour) != nil {
		t.Fatal("pause items without a notifier")
	}
}
