//go:build linux

package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/internal/dbustest"
	"github.com/warpdesk/warpdesk/notify/notifytest"
	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/settings/keyringtest"
)

// The desktop file `fyne package` (fyne.io/tools v1.7.4) installs is named
// after FyneApp.toml's ID (usr/local/share/applications/io.warpdesk.app.desktop),
// and so is its icon (share/pixmaps/io.warpdesk.app.png): notifications name
// both so that a desktop groups them under Warpdesk.
const installedDesktopEntry = appID

// keyringApp runs the real binary against an in-process demo server whose
// token is random and exists only in a real Secret Service (gnome-keyring
// on a private bus): no $WARPDESK_TOKEN, no -demo-token. The server and
// rooms come from settings stored as an older Warpdesk stored them (Fyne's
// preferences file), so nothing on the command line names the server. It
// returns the app, the token and the app's environment once the app has
// caught up, which needs the token on the WebSocket and on the catch-up
// request.
func keyringApp(t *testing.T, appArgs ...string) (*proc, string, []string) {
	t.Helper()
	needDesktop(t)
	kr := keyringtest.Start(t)
	tok := randomToken(t)

	ctx, cancel := context.WithCancel(context.Background())
	srv, err := demo.Start(ctx, "127.0.0.1:0", demo.Options{Token: tok, Seed: 11, Initial: 2,
		Interval: -1, BurstEvery: -1, DropEvery: -1})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); srv.Close() })

	store := settings.NewTokenStore(settings.TokenStoreOptions{})
	if err := store.Set(ctx, srv.URL(), settings.Secret(tok)); err != nil || store.SessionOnly(srv.URL()) {
		t.Fatalf("storing the token in the test keyring: %v", err)
	}

	bin := buildBinary(t)
	env := childEnv(t, kr.Bus.Address)
	saved := settings.Default()
	saved.Servers[0].URL, saved.Servers[0].Rooms = srv.URL(), []string{"ops", "payments"}
	fynePrefs := filepath.Join(envValue(env, "XDG_CONFIG_HOME"), "fyne", appID, "preferences.json")
	prefs, err := settings.OpenFile(fynePrefs)
	if err != nil {
		t.Fatal(err)
	}
	if err := settings.Save(prefs, saved); err != nil {
		t.Fatal(err)
	}

	warp := startProc(t, "app", bin, env, append([]string{"-v"}, appArgs...)...)
	waitLog(t, warp, "caught up")
	return warp, tok, env
}

// Issue 15 item 2: the token stored in the keyring reaches the server (the
// app authenticates and catches up with it) and nothing else: not the
// app's output, not the settings or preferences files, not any file under
// the XDG directories it was given.
func TestEndToEndKeyringTokenNeverLeaks(t *testing.T) {
	warp, tok, env := keyringApp(t, "-no-tray")
	warp.terminate(t)
	out := warp.output()

	forms := tokenForms(tok)
	for name, enc := range forms {
		if strings.Contains(out, enc) {
			t.Errorf("the app's output holds the token (%s)", name)
		}
	}
	searched := 0
	for _, v := range []string{"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR"} {
		root := envValue(env, v)
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return nil // sockets, vanished temp files
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Errorf("reading %s: %v", path, err)
				return nil
			}
			searched++
			for name, enc := range forms {
				if bytes.Contains(data, []byte(enc)) {
					t.Errorf("%s holds the token (%s)", path, name)
				}
			}
			return nil
		})
		if err != nil {
			t.Errorf("walking %s: %v", root, err)
		}
	}
	if searched == 0 {
		t.Fatal("no file written under the XDG directories: nothing was searched")
	}
	t.Logf("searched the output and %d files", searched)
}

// Issue 15 item 5: notifications carry the app's identity, so a desktop
// groups them under Warpdesk and can open its settings for them: app_icon
// and the desktop-entry hint name the installed desktop file.
func TestEndToEndNotificationIdentity(t *testing.T) {
	needDesktop(t)
	bus := dbustest.Start(t, dbustest.Session)
	notes := notifytest.Start(t, bus.Address, notifytest.Options{})
	warp, _ := streamingApp(t, bus.Address, "3", "-no-tray") // seed 3 opens warnings within seconds
	calls := notes.WaitCalls(t, 1)
	for _, c := range calls {
		if c.AppIcon != installedDesktopEntry {
			t.Errorf("app_icon %q, want %q (the installed icon's name)", c.AppIcon, installedDesktopEntry)
		}
		var entry any
		if h, ok := c.Hints["desktop-entry"]; ok {
			entry = h.Value()
		}
		if entry != installedDesktopEntry {
			t.Errorf("desktop-entry hint %#v, want %q", entry, installedDesktopEntry)
		}
	}
	_ = warp.cmd.Process.Signal(syscall.SIGTERM)
	warp.wait(t, 20*time.Second)
}

// Issue 15 item 3 on the command line: a -server that carries the token is
// refused at once, pointing to the token field, without echoing the token.
func TestEndToEndServerURLWithTokenRefused(t *testing.T) {
	needDesktop(t)
	bin := buildBinary(t)
	const secret = "Sekr1t-in-the-url"
	for _, url := range []string{"wss://ops.example.com/ws?token=" + secret, "wss://me:" + secret + "@ops.example.com/ws"} {
		warp := startProc(t, "app", bin, childEnv(t, sessionBus(t)), "-server", url, "-no-tray")
		code := warp.wait(t, 20*time.Second)
		out := warp.output()
		if code == 0 {
			t.Errorf("-server %s: exit 0, want a refusal", settings.RedactURL(url))
		}
		if !strings.Contains(out, "token field") {
			t.Errorf("-server %s: the refusal does not point to the token field:\n%s", settings.RedactURL(url), out)
		}
		if strings.Contains(out, secret) {
			t.Errorf("-server %s: the output echoes the token", settings.RedactURL(url))
		}
	}
}

// Issue 15 item 4 on the command line: the keyring's token does not go
// over ws:// to another machine unless -confirm-token-risks says so.
func TestEndToEndCleartextTokenNeedsConfirmation(t *testing.T) {
	needDesktop(t)
	ip := outwardIP(t)
	kr := keyringtest.Start(t)
	tok := randomToken(t)
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := demo.Start(ctx, net.JoinHostPort(ip, "0"), demo.Options{Token: tok, Seed: 11, Initial: 2,
		Interval: -1, BurstEvery: -1, DropEvery: -1})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); srv.Close() })
	if err := settings.NewTokenStore(settings.TokenStoreOptions{}).Set(ctx, srv.URL(), settings.Secret(tok)); err != nil {
		t.Fatal(err)
	}
	bin := buildBinary(t)

	warp := startProc(t, "app", bin, childEnv(t, kr.Bus.Address), "-server", srv.URL(), "-no-tray", "-v")
	time.Sleep(8 * time.Second)
	if out := warp.output(); strings.Contains(out, "caught up") || !strings.Contains(out, settings.ConfirmTokenFlag) {
		t.Errorf("ws:// to %s without confirmation: caught up %v, mentions -%s %v",
			ip, strings.Contains(out, "caught up"), settings.ConfirmTokenFlag, strings.Contains(out, settings.ConfirmTokenFlag))
	}
	_ = warp.cmd.Process.Signal(syscall.SIGTERM)
	warp.wait(t, 20*time.Second)

	warp = startProc(t, "app", bin, childEnv(t, kr.Bus.Address), "-server", srv.URL(), "-no-tray", "-v",
		"-"+settings.ConfirmTokenFlag)
	waitLog(t, warp, "caught up")
	_ = warp.cmd.Process.Signal(syscall.SIGTERM)
	warp.wait(t, 20*time.Second)
}

// outwardIP is an IPv4 address of this machine that is not loopback, so
// that ws:// to it counts as crossing the network.
func outwardIP(t *testing.T) string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Skip(err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() {
			return n.IP.String()
		}
	}
	t.Skip("no non-loopback IPv4 address")
	return ""
}

// tokenForms are the ways the token's bytes could be written down: as they
// are, in base64 (as in a Basic header or a JSON []byte) and in hex.
func tokenForms(tok string) map[string]string {
	return map[string]string{
		"raw":       tok,
		"base64":    base64.StdEncoding.EncodeToString([]byte(tok)),
		"base64url": base64.RawURLEncoding.EncodeToString([]byte(tok)),
		"hex":       hex.EncodeToString([]byte(tok)),
	}
}

func randomToken(t *testing.T) string {
	t.Helper()
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "wd-e2e-" + hex.EncodeToString(b)
}

func envValue(env []string, key string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, key+"="); ok {
			return v
		}
	}
	return ""
}
