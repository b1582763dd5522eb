package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/internal/dbustest"
	"github.com/warpdesk/warpdesk/notify/notifytest"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/tray"
)

// streamingApp starts a demo server that creates an incident every 100 ms
// from seed (stopped at the test's end) and the app, with the demo token and
// debug logging, connected to it. It returns the app and its environment.
func streamingApp(t *testing.T, busAddr, seed string, appArgs ...string) (*proc, []string) {
	t.Helper()
	bin := buildBinary(t)
	addr := freeAddr(t)
	env := childEnv(t, busAddr)
	server := startProc(t, "server", bin, env, "serve", "-addr", addr, "-seed", seed, "-initial", "0",
		"-interval", "100ms", "-burst-every", "-1s", "-drop-every", "-1s")
	t.Cleanup(func() { server.stop(t) })
	waitTCP(t, addr)
	// A real server's rooms are the user's to choose: the demo's are never
	// joined unless asked for.
	args := append([]string{"-server", "ws://" + addr + "/ws", "-rooms", strings.Join(demo.DefaultRooms, ","), "-v"}, appArgs...)
	return startProc(t, "app", bin, append(env, "WARPDESK_TOKEN="+ops.DemoToken), args...), env
}

// The real app, fed by the demo server's stream, raises native notifications
// on a private session bus whose notification server records them: app name,
// urgency matching the severity, and the token nowhere in the preferences
// file or the app's output.
func TestEndToEndNotifications(t *testing.T) {
	needDesktop(t)
	bus := dbustest.Start(t, dbustest.Session)
	notes := notifytest.Start(t, bus.Address, notifytest.Options{})

	warp, env := streamingApp(t, bus.Address, "3", "-no-tray")

	calls := notes.WaitCalls(t, 2)
	for _, c := range calls {
		if c.AppName != "Warpdesk" {
			t.Errorf("app_name %q", c.AppName)
		}
		u, ok := c.Urgency()
		if !ok {
			t.Errorf("no urgency hint on %q", c.Summary)
			continue
		}
		sum := strings.ToLower(c.Summary)
		switch {
		case strings.HasPrefix(sum, "critical"):
			if u != 2 {
				t.Errorf("%q has urgency %d, want 2", c.Summary, u)
			}
		case strings.HasPrefix(sum, "warning"):
			if u != 1 {
				t.Errorf("%q has urgency %d, want 1", c.Summary, u)
			}
		}
		t.Logf("notified: %q / %q urgency %d", c.Summary, c.Body, u)
	}
	warp.stop(t)

	// The token is in no file the app wrote and in none of its output.
	cfgDir := ""
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "XDG_CONFIG_HOME="); ok {
			cfgDir = v
		}
	}
	err := filepath.Walk(cfgDir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err == nil && strings.Contains(string(b), ops.DemoToken) {
			t.Errorf("the token is in %s", p)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
	if strings.Contains(warp.output(), ops.DemoToken) {
		t.Error("the token is in the app's output")
	}
}

// Pausing from the tray silences the app; resuming brings one digest of what
// arrived meanwhile, so a pause never hides an incident.
func TestEndToEndPauseThenDigest(t *testing.T) {
	needDesktop(t)
	bus := dbustest.Start(t, dbustest.Session)
	notes := notifytest.Start(t, bus.Address, notifytest.Options{})
	watcher := startWatcher(t, bus.Address)
	warp, _ := streamingApp(t, bus.Address, "5")
	defer warp.stop(t)
	item := watcher.waitItem(t, 60*time.Second)

	// clickUntil clicks label in the tray menu until cond holds. Every
	// incident re-exports the menu with new item ids (Fyne rebuilds it), so
	// a click can name an id that just went away: read, click, check, and
	// again (both actions here are idempotent).
	clickUntil := func(label, what string, cond func(trayView) bool) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
			v, err := watcher.read(item)
			if err != nil {
				t.Fatal(err)
			}
			if cond(v) {
				return
			}
			if e, ok := v.find(label); ok {
				_ = watcher.click(item, "/StatusNotifierMenu", e.ID)
			}
			time.Sleep(300 * time.Millisecond)
		}
		t.Fatalf("clicking %q never led to %s", label, what)
	}
	hasResume := func(v trayView) bool { _, ok := v.find(tray.LabelResume); return ok }
	// until polls for up to 30 s.
	until := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				var got []string
				for _, c := range notes.Calls() {
					got = append(got, c.Summary)
				}
				t.Fatalf("timed out waiting for %s; notifications so far: %q", what, got)
			}
		}
	}
	waitTray(t, watcher, item, "live", func(v trayView) bool { return strings.HasPrefix(v.Tooltip, "Live") })
	clickUntil(tray.LabelPauseHour, "a paused menu", hasResume)
	// Info incidents are below the default minimum and stay out of the
	// digest: wait for one that would have notified.
	held := regexp.MustCompile(`severity=(warning|critical) decision=paused`)
	until("an incident held by the pause", func() bool { return held.MatchString(warp.output()) })
	clickUntil(tray.LabelResume, "a resumed menu", func(v trayView) bool { return !hasResume(v) })
	until("the digest", func() bool {
		for _, c := range notes.Calls() {
			if strings.Contains(c.Summary, "while notifications were paused") {
				t.Logf("digest: %q / %q", c.Summary, c.Body)
				return true
			}
		}
		return false
	})
}

// Clicking a notification opens the dashboard: the agent, hidden in the
// tray, starts the window process; a second click raises it instead of
// starting another.
func TestEndToEndNotificationClickOpensWindow(t *testing.T) {
	needDesktop(t)
	bus := dbustest.Start(t, dbustest.Session)
	notes := notifytest.Start(t, bus.Address, notifytest.Options{})
	watcher := startWatcher(t, bus.Address)
	warp, _ := streamingApp(t, bus.Address, "11", "-hidden")
	defer warp.stop(t)
	watcher.waitItem(t, 60*time.Second)
	calls := notes.WaitCalls(t, 1)
	time.Sleep(time.Second) // the agent's D-Bus connection stores the reply before it can take the click
	if strings.Contains(warp.output(), "window opened") {
		t.Fatal("the window opened although the agent started -hidden")
	}
	if err := notes.Click(calls[0].ID); err != nil {
		t.Fatal(err)
	}
	waitLog(t, warp, "window opened")
	if err := notes.Click(calls[0].ID); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)
	if n := strings.Count(warp.output(), "window opened"); n != 1 {
		t.Errorf("%d window processes started for two clicks, want 1", n)
	}
}
