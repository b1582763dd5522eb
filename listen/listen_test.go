package listen_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/listen"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/settings"
)

// TestCatchUpThenLive: what was open before the command started is printed
// marked as caught up; what happens afterwards (opened, acknowledged,
// resolved) is printed live.
func TestCatchUpThenLive(t *testing.T) {
	w := newWorld(t)
	before := w.create(t, "Refund backlog", ops.Warning, "payments")
	r := w.start(t, "-server", w.srv.URL(), "-rooms", "ops,payments")
	waitLine(t, &r.out, "WARNING", "payments", "Refund backlog", "(caught up)")
	waitLine(t, &r.errs, "connected to "+w.srv.URL()+": 1 incident open")
	w.waitJoined(t, "payments")

	live := w.create(t, "Duplicate charges reported for PayPal", ops.Critical, "payments")
	l := waitLine(t, &r.out, "Duplicate charges")
	want := live.Created().UTC().Format(time.TimeOnly) + " CRITICAL payments Duplicate charges reported for PayPal"
	if l != want {
		t.Errorf("live line %q, want %q", l, want)
	}
	if _, err := w.srv.Acknowledge(live.UUID, "alice"); err != nil {
		t.Fatal(err)
	}
	waitLine(t, &r.out, "ACKED    payments Duplicate charges reported for PayPal (by alice)")
	w.srv.Resolve(before.UUID)
	l = waitLine(t, &r.out, "RESOLVED", "Refund backlog")
	if strings.Contains(l, "caught up") {
		t.Errorf("a live resolution marked as caught up: %q", l)
	}
	if code := r.interrupt(t); code != listen.ExitOK {
		t.Errorf("exit %d after SIGINT, want 0", code)
	}
	if n := len(r.out.lines()); n != 4 {
		t.Errorf("%d lines on stdout, want 4 (one per event)", n)
	}
}

// TestJSON: one object per line with the documented field names.
func TestJSON(t *testing.T) {
	w := newWorld(t)
	before := w.create(t, "Disk full", ops.Critical, "ops")
	r := w.start(t, "-server", w.srv.URL(), "-rooms", "ops", "-json")
	waitLine(t, &r.out, `"event":"opened"`, `"caught_up":true`)
	w.waitJoined(t, "ops")
	w.srv.Resolve(before.UUID)
	waitLine(t, &r.out, `"event":"resolved"`)
	r.interrupt(t)

	var got []map[string]any
	for _, l := range r.out.lines() {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %q is not JSON: %v", l, err)
		}
		got = append(got, m)
	}
	if len(got) != 2 {
		t.Fatalf("%d objects, want 2", len(got))
	}
	o := got[0]
	for k, v := range map[string]any{
		"event": "opened", "caught_up": true, "initial": true, "uuid": before.UUID,
		"severity": "critical", "room": "ops", "title": "Disk full",
		"created_at": before.Created().UTC().Format(time.RFC3339Nano),
		"time":       before.Created().UTC().Format(time.RFC3339Nano),
	} {
		if o[k] != v {
			t.Errorf("opened: %s = %v, want %v", k, o[k], v)
		}
	}
	if _, ok := o["acknowledged_by"]; ok {
		t.Error("acknowledged_by present on an incident nobody acknowledged")
	}
	if got[1]["event"] != "resolved" || got[1]["caught_up"] != false || got[1]["uuid"] != before.UUID {
		t.Errorf("resolved: %v", got[1])
	}
}

// TestMinSeverity: only incidents at least as severe as asked, whatever
// happens to them.
func TestMinSeverity(t *testing.T) {
	w := newWorld(t)
	info := w.create(t, "FYI deploy", ops.Info, "ops")
	r := w.start(t, "-server", w.srv.URL(), "-rooms", "ops", "-min-severity", "Warning")
	waitLine(t, &r.errs, "connected to")
	w.waitJoined(t, "ops")
	w.create(t, "Latency up", ops.Warning, "ops")
	w.create(t, "Note", ops.Info, "ops")
	w.srv.Resolve(info.UUID)
	w.create(t, "API down", ops.Critical, "ops")
	waitLine(t, &r.out, "API down")
	r.interrupt(t)
	out := r.out.String()
	if !strings.Contains(out, "Latency up") || strings.Contains(out, "FYI") || strings.Contains(out, "Note") {
		t.Errorf("stdout %q: want warning and critical only", out)
	}
}

// TestRejectedToken ends at once, non-zero, saying so, never the token.
func TestRejectedToken(t *testing.T) {
	w := newWorld(t)
	w.vars["WARPDESK_TOKEN"] = "T-carol"
	r := w.start(t, "-server", w.srv.URL())
	if code := r.exit(t); code != listen.ExitAuth {
		t.Fatalf("exit %d, want %d", code, listen.ExitAuth)
	}
	if errs := r.errs.String(); !strings.Contains(errs, "rejected the token") || strings.Contains(errs, "T-carol") {
		t.Errorf("stderr %q: want the rejection said, and never the token", errs)
	}
}

// TestBadInputIsRefusedBeforeDialling: a clear message, ExitUsage (or
// ExitAuth for the token), and no connection made.
func TestBadInputIsRefusedBeforeDialling(t *testing.T) {
	w := newWorld(t)
	httpURL := strings.Replace(w.srv.URL(), "ws://", "http://", 1)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-server", httpURL}, listen.ExitUsage, "must start with ws:// or wss://"},
		{[]string{"-server", "ws://"}, listen.ExitUsage, "needs a host"},
		{[]string{"-server", w.srv.URL() + "?token=T-alice"}, listen.ExitUsage, "must not carry the token"},
		{[]string{"-server", w.srv.URL(), "-min-severity", "loud"}, listen.ExitUsage, "must be info, warning or critical"},
		{[]string{"-server", w.srv.URL(), "-rooms", "a b"}, listen.ExitUsage, "-rooms"},
		{[]string{"-server", w.srv.URL(), "extra"}, listen.ExitUsage, "unexpected argument"},
		{[]string{"-no-such-flag"}, listen.ExitUsage, "bad command line"},
		{nil, listen.ExitUsage, "no server"},
		{[]string{"-server", "ws://192.0.2.1/ws"}, listen.ExitAuth, "-confirm-token-risks"},
	} {
		r := w.start(t, tc.args...)
		if code := r.exit(t); code != tc.code || !strings.Contains(r.errs.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, r.errs.String(), tc.code, tc.want)
		}
	}
	delete(w.vars, "WARPDESK_TOKEN")
	r := w.start(t, "-server", w.srv.URL())
	if code := r.exit(t); code != listen.ExitAuth || !strings.Contains(r.errs.String(), "no token for") {
		t.Errorf("no token: exit %d, stderr %q", code, r.errs.String())
	}
	if n := w.srv.Socket().Accepts(); n != 0 {
		t.Errorf("%d connections made for bad input", n)
	}
}

// TestServerRestart: a server that goes away is reported on stderr and
// reconnected to; what happened meanwhile is printed marked as caught up.
func TestServerRestart(t *testing.T) {
	w := newWorld(t)
	gone := w.create(t, "Queue stuck", ops.Warning, "ops")
	r := w.start(t, "-server", w.srv.URL(), "-rooms", "ops", "-max-reconnect-delay", "200ms")
	waitLine(t, &r.errs, "connected to")
	w.srv.Stop()
	waitLine(t, &r.errs, "connection to "+w.srv.URL()+" lost")
	w.create(t, "Cert expires", ops.Critical, "ops")
	w.srv.Resolve(gone.UUID)
	if err := w.srv.Restart(); err != nil {
		t.Fatal(err)
	}
	waitLine(t, &r.errs, "reconnected to "+w.srv.URL(), "1 incident opened meanwhile")
	waitLine(t, &r.out, "CRITICAL", "Cert expires", "(caught up)")
	waitLine(t, &r.out, "RESOLVED", "Queue stuck", "(caught up)")
	w.waitJoined(t, "ops")
	w.create(t, "Live again", ops.Info, "ops")
	l := waitLine(t, &r.out, "Live again")
	if strings.Contains(l, "caught up") {
		t.Errorf("live line after the restart marked as caught up: %q", l)
	}
}

// TestNoBuses: with no session bus and no system bus, a token from the
// environment still works; the OS watcher's fallback is one warning.
func TestNoBuses(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
	t.Setenv("DISPLAY", "")
	w := newWorld(t)
	w.env.Tokens = nil // the OS keyring: it must not be needed
	w.env.SystemBusAddress = "unix:path=/nonexistent/system_bus"
	w.create(t, "API down", ops.Critical, "ops")
	r := w.start(t, "-server", w.srv.URL(), "-rooms", "ops")
	waitLine(t, &r.out, "API down", "(caught up)")
	waitLine(t, &r.errs, "warning:", "wall-clock jumps")
}

// TestTokenRevoked: a server that closes a live connection because the
// token is no longer good (4001) ends the command with ExitAuth, as a
// token rejected from the start does.
func TestTokenRevoked(t *testing.T) {
	w := newWorld(t)
	r := w.start(t, "-server", w.srv.URL())
	waitLine(t, &r.errs, "connected to")
	w.srv.Socket().CloseAll(4001, "token revoked")
	if code := r.exit(t); code != listen.ExitAuth {
		t.Fatalf("exit %d, want %d", code, listen.ExitAuth)
	}
	waitLine(t, &r.errs, "warpdesk listen: "+w.srv.URL()+": server rejected the token")
}

// TestSavedServerAndKeyring: with no -server, the server, rooms and token
// are the ones the app saved (Settings and the keyring).
func TestSavedServerAndKeyring(t *testing.T) {
	w := newWorld(t)
	s := settings.Default()
	s.Servers[0].URL, s.Servers[0].Rooms = w.srv.URL(), []string{"infra"}
	if err := settings.Save(w.env.Prefs, s); err != nil {
		t.Fatal(err)
	}
	if err := w.env.Tokens.Set(context.Background(), w.srv.URL(), "T-bob"); err != nil {
		t.Fatal(err)
	}
	w.create(t, "Disk full", ops.Warning, "infra")
	r := w.start(t)
	waitLine(t, &r.out, "WARNING  infra    Disk full (caught up)")
	waitLine(t, &r.errs, "(rooms: infra)")
	waitLine(t, &r.errs, "$WARPDESK_TOKEN is set but no -server")
	w.waitJoined(t, "infra")
	w.create(t, "Backup failed", ops.Critical, "infra")
	waitLine(t, &r.out, "Backup failed")
	if tok := w.srv.Socket().ConnToken(w.srv.Socket().ConnIDs()[0]); tok != "T-bob" {
		t.Errorf("the connection used another token than the keyring's")
	}
}
