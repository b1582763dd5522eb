//go:build linux

package main

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/notify/notifytest"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/settings/keyringtest"
	"github.com/warpdesk/warpdesk/tray"
)

// opsServer is one `warpdesk serve` process of the several-servers test:
// its name in the settings, address and token.
type opsServer struct {
	name, addr, token string
	proc              *proc
}

func (s *opsServer) url() string { return "ws://" + s.addr + "/ws" }

// Issue 12's proof: the real binary watching two `warpdesk serve`
// processes, each token stored per server in a real Secret Service, the
// servers listed in the settings file (nothing on the command line). Both
// live: the tray says "2 of 2 live". One killed: "1 of 2 live", its menu
// line shows its list as of the loss (stale), and the other's incidents
// keep arriving and notifying, named by their server; the tray's
// "Acknowledge all critical" reaches the live server.
func TestEndToEndTwoServers(t *testing.T) {
	needDesktop(t)
	kr := keyringtest.Start(t)
	bus := kr.Bus.Address
	notes := notifytest.Start(t, bus, notifytest.Options{})
	watcher := startWatcher(t, bus)
	bin := buildBinary(t)

	prod := &opsServer{name: "Production", addr: freeAddr(t), token: randomToken(t)}
	stag := &opsServer{name: "Staging", addr: freeAddr(t), token: randomToken(t)}
	tokens := settings.NewTokenStore(settings.TokenStoreOptions{})
	for i, s := range []*opsServer{prod, stag} {
		s.proc = startProc(t, "serve "+s.name, bin, childEnv(t, bus), "serve", "-addr", s.addr,
			"-users", "alice:"+s.token, "-seed", []string{"21", "22"}[i], "-initial", "2",
			"-interval", "700ms", "-burst-every", "-1s", "-drop-every", "-1s")
		t.Cleanup(func() { s.proc.stop(t) })
		waitTCP(t, s.addr)
		if err := tokens.Set(context.Background(), s.url(), settings.Secret(s.token)); err != nil || tokens.SessionOnly(s.url()) {
			t.Fatalf("storing %s's token in the test keyring: %v", s.name, err)
		}
	}

	env := childEnv(t, bus)
	saved := settings.Default()
	saved.Servers = []settings.Server{
		{ID: "prod", Name: prod.name, URL: prod.url(), Rooms: demo.DefaultRooms},
		{ID: "stag", Name: stag.name, URL: stag.url(), Rooms: demo.DefaultRooms},
	}
	file, err := settings.OpenFile(filepath.Join(envValue(env, "XDG_CONFIG_HOME"), "warpdesk", "settings.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := settings.Save(file, saved); err != nil {
		t.Fatal(err)
	}
	app := startProc(t, "app", bin, env, "-hidden", "-v", "-max-reconnect-delay", "2s")
	defer app.stop(t)
	item := watcher.itemOf(t, app)

	waitTray(t, watcher, item, `"2 of 2 live"`, func(v trayView) bool {
		return strings.HasPrefix(v.Tooltip, "2 of 2 live") && firstLine(v) == v.Tooltip
	})

	ackAllCritical(t, watcher, item, prod, stag)

	if err := prod.proc.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	v := waitTray(t, watcher, item, `"1 of 2 live", Production's list stale`, func(v trayView) bool {
		return strings.HasPrefix(v.Tooltip, "1 of 2 live") && firstLine(v) == v.Tooltip &&
			menuLine(v, prod.name+": ") != "" && strings.Contains(menuLine(v, prod.name+": "), " — as of ")
	})
	t.Logf("tray after the kill: %q; %q; %q", v.Tooltip, menuLine(v, prod.name+": "), menuLine(v, stag.name+": "))
	if l := menuLine(v, stag.name+": "); !strings.HasPrefix(l, stag.name+": Live — ") {
		t.Errorf("Staging's line while Production is down: %q", l)
	}

	// Staging's stream goes on: new incidents notify, named by their server.
	deadline := time.Now().Add(90 * time.Second)
	for {
		var after []notifytest.Call
		for _, c := range notes.Calls() {
			if c.At.After(killed) && busPID(watcher.conn, c.Sender) == app.cmd.Process.Pid && strings.HasPrefix(c.Body, stag.name+" · ") {
				after = append(after, c)
			}
		}
		if len(after) > 0 {
			t.Logf("after the kill, Staging notified %q (%q)", after[0].Summary, after[0].Body)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no notification of a Staging incident after Production was killed; calls: %s", summaries(notes.Calls()))
		}
		time.Sleep(200 * time.Millisecond)
	}
	if v, err := watcher.read(item); err != nil || !strings.HasPrefix(v.Tooltip, "1 of 2 live") {
		t.Errorf("tray %q, %v: want still 1 of 2 live", v.Tooltip, err)
	}
}

// ackAllCritical clicks the tray's "Acknowledge all critical" (issue 11)
// and waits until each server has every critical that was open before the
// click acknowledged by alice, the user of the app's token there.
func ackAllCritical(t *testing.T, watcher *snWatcher, item snItem, servers ...*opsServer) {
	t.Helper()
	crit := map[*opsServer][]string{}
	n := 0
	for _, srv := range servers {
		for _, in := range serverIncidents(t, srv.addr, srv.token) {
			if in.Severity == ops.Critical && !in.IsAcknowledged() {
				crit[srv] = append(crit[srv], in.UUID)
				n++
			}
		}
	}
	if n == 0 {
		t.Fatal("no unacknowledged critical to acknowledge from the tray: pick other -seed values")
	}
	v := waitTray(t, watcher, item, "Acknowledge all critical enabled", func(v trayView) bool {
		e, ok := v.find(tray.LabelAckCritical)
		return ok && e.Enabled
	})
	e, _ := v.find(tray.LabelAckCritical)
	if err := watcher.click(item, "/StatusNotifierMenu", e.ID); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		left := 0
		for _, srv := range servers {
			for _, in := range serverIncidents(t, srv.addr, srv.token) {
				if slices.Contains(crit[srv], in.UUID) && in.AcknowledgedBy != "alice" {
					left++
				}
			}
		}
		if left == 0 {
			t.Logf("the tray's %q acknowledged %d critical incidents as alice, on each server", tray.LabelAckCritical, n)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d criticals not acknowledged by alice after %q", left, n, tray.LabelAckCritical)
		}
	}
}

// firstLine is the tray menu's first line.
func firstLine(v trayView) string {
	if len(v.Menu) == 0 {
		return ""
	}
	return v.Menu[0].Label
}

// menuLine is the first menu line that starts with prefix, "" when none.
func menuLine(v trayView, prefix string) string {
	for _, e := range v.Menu {
		if strings.HasPrefix(e.Label, prefix) {
			return e.Label
		}
	}
	return ""
}
