package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/warpdesk/warpdesk/internal/dbustest"
	"github.com/warpdesk/warpdesk/notify/notifytest"
	"github.com/warpdesk/warpdesk/ops"
)

// The real app, fed by the demo server's stream, raises native notifications
// on a private session bus whose notification server records them: app name,
// urgency matching the severity, and the token nowhere in the preferences
// file or the app's output.
func TestEndToEndNotifications(t *testing.T) {
	needDesktop(t)
	bus := dbustest.Start(t, dbustest.Session)
	notes := notifytest.Start(t, bus.Address, notifytest.Options{})

	bin := buildBinary(t)
	addr := freeAddr(t)
	env := childEnv(t, bus.Address)
	server := startProc(t, "server", bin, env, "serve", "-addr", addr, "-seed", "3", "-initial", "0",
		"-interval", "100ms", "-burst-every", "-1s", "-drop-every", "-1s")
	defer server.stop(t)
	waitTCP(t, addr)
	warp := startProc(t, "app", bin, append(env, "WARPDESK_TOKEN="+ops.DemoToken),
		"-server", "ws://"+addr+"/ws", "-no-tray", "-v")

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
