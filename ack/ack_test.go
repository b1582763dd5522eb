package ack_test

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/ack"
	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/internal/termenv/termenvtest"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/socket/sockettest"
)

// world is a demo server with two users and a process environment.
type world struct {
	srv    *demo.Server
	vars   map[string]string
	prefs  settings.Prefs
	tokens *settings.TokenStore
}

func newWorld(t *testing.T) *world {
	tw := termenvtest.NewWorld(t)
	return &world{srv: tw.Server, vars: tw.Vars, prefs: tw.Env.Prefs, tokens: tw.Env.Tokens}
}

func (w *world) incident(t *testing.T, title string) ops.Incident {
	t.Helper()
	in, err := w.srv.Create(ops.Incident{Title: title, Severity: ops.Critical, Room: "ops"})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// run runs the command as a user would type it, with a generous timeout
// unless args set one.
func (w *world) run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errs bytes.Buffer
	env := ack.Env{Getenv: func(k string) string { return w.vars[k] }, Prefs: w.prefs, Tokens: w.tokens}
	code = ack.Run(context.Background(), args, &out, &errs, env)
	t.Logf("warpdesk ack %s → %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out.String(), errs.String())
	return code, out.String(), errs.String()
}

func TestAcknowledgesAsTheTokensUser(t *testing.T) {
	w := newWorld(t)
	a, b := w.incident(t, "API down"), w.incident(t, "Disk full")
	w.vars["WARPDESK_TOKEN"] = "T-alice"
	code, out, _ := w.run(t, "-server", w.srv.URL(), a.UUID, b.UUID)
	if code != ack.ExitOK {
		t.Fatalf("exit %d, want 0", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "acknowledged "+a.UUID+" as alice at ") ||
		!strings.HasPrefix(lines[1], "acknowledged "+b.UUID+" as alice at ") {
		t.Fatalf("stdout %q, want one line per incident", out)
	}
	for _, in := range w.srv.Open() {
		if in.AcknowledgedBy != "alice" {
			t.Errorf("server: %s acknowledged by %q, want alice", in.UUID, in.AcknowledgedBy)
		}
	}
	// bob, from $WARPDESK_SERVER this time: harmless, and it says who did it.
	w.vars["WARPDESK_TOKEN"], w.vars["WARPDESK_SERVER"] = "T-bob", w.srv.URL()
	code, out, _ = w.run(t, a.UUID)
	if code != ack.ExitOK || !strings.HasPrefix(out, "acknowledged "+a.UUID+" as alice at ") {
		t.Fatalf("again: exit %d, %q; want 0 and alice's acknowledgement", code, out)
	}
}

// TestTokenFromTheKeyring: with no token on the command line, the one the
// app saved for the server in the Settings is used, for the saved server.
func TestTokenFromTheKeyring(t *testing.T) {
	w := newWorld(t)
	in := w.incident(t, "API down")
	s := settings.Default()
	s.Servers[0].URL = w.srv.URL()
	if err := settings.Save(w.prefs, s); err != nil {
		t.Fatal(err)
	}
	if err := w.tokens.Set(context.Background(), w.srv.URL(), "T-bob"); err != nil {
		t.Fatal(err)
	}
	w.vars["WARPDESK_TOKEN"] = "T-alice" // no -server: not for the saved server
	code, out, errs := w.run(t, in.UUID)
	if code != ack.ExitOK || !strings.Contains(out, " as bob ") {
		t.Fatalf("exit %d, %q; want bob's keyring token used", code, out)
	}
	if !strings.Contains(errs, "$WARPDESK_TOKEN is set but no -server") {
		t.Errorf("stderr %q does not say $WARPDESK_TOKEN was ignored", errs)
	}
}

func TestDemoTokenIsUserDemo(t *testing.T) {
	w := newWorld(t)
	in := w.incident(t, "API down")
	code, out, _ := w.run(t, "-server", w.srv.URL(), "-demo-token", in.UUID)
	if code != ack.ExitOK || !strings.Contains(out, " as demo ") {
		t.Fatalf("exit %d, %q", code, out)
	}
}

// TestUnknownIncident: the server's not_found is said plainly, the other
// incidents are still acknowledged, and the exit code is ExitRefused.
func TestUnknownIncident(t *testing.T) {
	w := newWorld(t)
	in := w.incident(t, "API down")
	w.vars["WARPDESK_TOKEN"] = "T-alice"
	code, out, errs := w.run(t, "-server", w.srv.URL(), "no-such-incident", in.UUID)
	if code != ack.ExitRefused {
		t.Fatalf("exit %d, want %d", code, ack.ExitRefused)
	}
	if !strings.Contains(errs, "no-such-incident: no such open incident") {
		t.Errorf("stderr %q does not name the refused incident", errs)
	}
	if !strings.Contains(out, "acknowledged "+in.UUID) {
		t.Errorf("the known incident was not acknowledged: %q", out)
	}
}

// TestRejectedToken ends at once with ExitAuth, not at the timeout.
func TestRejectedToken(t *testing.T) {
	w := newWorld(t)
	in := w.incident(t, "API down")
	w.vars["WARPDESK_TOKEN"] = "T-carol"
	code, out, errs := w.run(t, "-server", w.srv.URL(), "-timeout", "2m", in.UUID)
	if code != ack.ExitAuth || out != "" {
		t.Fatalf("exit %d, stdout %q; want %d and nothing", code, out, ack.ExitAuth)
	}
	if !strings.Contains(errs, "rejected the token") || strings.Contains(errs, "T-carol") {
		t.Errorf("stderr %q: want the rejection said, and never the token", errs)
	}
	if w.srv.Open()[0].IsAcknowledged() {
		t.Error("acknowledged with a rejected token")
	}
}

func TestNoToken(t *testing.T) {
	w := newWorld(t)
	code, _, errs := w.run(t, "-server", w.srv.URL(), "some-uuid")
	if code != ack.ExitAuth || !strings.Contains(errs, "no token for") {
		t.Fatalf("exit %d, stderr %q; want %d and 'no token for'", code, errs, ack.ExitAuth)
	}
	if n := w.srv.Socket().Accepts(); n != 0 {
		t.Errorf("%d connections without a token", n)
	}
}

// TestBadInputIsRefusedBeforeDialling: a bad URL, no incident, a bad id,
// no server at all: ExitUsage, a clear message, and no connection made.
func TestBadInputIsRefusedBeforeDialling(t *testing.T) {
	w := newWorld(t)
	w.vars["WARPDESK_TOKEN"] = "T-alice"
	httpURL := strings.Replace(w.srv.URL(), "ws://", "http://", 1)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-server", httpURL, "u1"}, "must start with ws:// or wss://"},
		{[]string{"-server", "ws://", "u1"}, "needs a host"},
		{[]string{"-server", w.srv.URL() + "?token=T-alice", "u1"}, "must not carry the token"},
		{[]string{"-server", w.srv.URL()}, "give one or more incident ids"},
		{[]string{"-server", w.srv.URL(), strings.Repeat("x", ops.MaxUUIDLen+1)}, "longer than"},
		{[]string{"-server", w.srv.URL(), "-timeout", "0s", "u1"}, "must be positive"},
		{[]string{"-no-such-flag", "u1"}, "bad command line"},
		{[]string{"u1"}, "no server"},
	} {
		code, _, errs := w.run(t, tc.args...)
		if code != ack.ExitUsage || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errs, ack.ExitUsage, tc.want)
		}
	}
	if n := w.srv.Socket().Accepts(); n != 0 {
		t.Errorf("%d connections made for bad input", n)
	}
}

// TestUnreachable: nothing listens at the address: ExitUnreachable once
// the timeout has passed, saying why.
func TestUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	w := newWorld(t)
	w.vars["WARPDESK_TOKEN"] = "T-alice"
	code, _, errs := w.run(t, "-server", "ws://"+addr+"/ws", "-timeout", "500ms", "u1", "u2")
	if code != ack.ExitUnreachable {
		t.Fatalf("exit %d, want %d", code, ack.ExitUnreachable)
	}
	if !strings.Contains(errs, "could not reach ws://"+addr+"/ws within the timeout") || !strings.Contains(errs, "[u1 u2]") {
		t.Errorf("stderr %q: want the server, the reason and what was not acknowledged", errs)
	}
}

// TestServerNeverAnswers: connected, but the request is never answered.
func TestServerNeverAnswers(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{Token: "T"})
	srv.SetReplyMode(sockettest.ReplyNever)
	w := newWorld(t)
	w.vars["WARPDESK_TOKEN"] = "T"
	code, _, errs := w.run(t, "-server", srv.URL(), "-timeout", "500ms", "u1")
	if code != ack.ExitUnreachable || !strings.Contains(errs, "did not answer within the timeout") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
}

// TestLostConnectionIsRetried: the first request's connection drops before
// the answer; the command sends it again on the next connection.
func TestLostConnectionIsRetried(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{Token: "T"})
	srv.SetReplyMode(sockettest.ReplyDrop)
	sockettest.Handle(srv, ops.Acknowledge, func(_ int, r ops.IncidentRef) (ops.Acknowledgement, error) {
		return ops.Acknowledgement{UUID: r.UUID, By: "ann", At: time.Now().UnixMilli()}, nil
	})
	srv.OnMessage(func(_ int, typ string, _ []byte) {
		if typ == ops.Acknowledge.Name() {
			srv.SetReplyMode(sockettest.ReplyAnswer) // from the second request on
		}
	})
	w := newWorld(t)
	w.vars["WARPDESK_TOKEN"] = "T"
	code, out, _ := w.run(t, "-server", srv.URL(), "u1")
	if code != ack.ExitOK || !strings.Contains(out, "acknowledged u1 as ann") {
		t.Fatalf("exit %d, %q", code, out)
	}
	if n := len(srv.Requests(ops.Acknowledge.Name())); n != 2 {
		t.Errorf("%d requests, want 2 (one lost, one answered)", n)
	}
}

// TestTokenRisksConfirmedFirst: the token does not go over ws:// to
// another machine unless confirmed, as in the app.
func TestTokenRisksConfirmedFirst(t *testing.T) {
	w := newWorld(t)
	w.vars["WARPDESK_TOKEN"] = "T-alice"
	code, _, errs := w.run(t, "-server", "ws://192.0.2.1/ws", "u1")
	if code != ack.ExitAuth || !strings.Contains(errs, "unencrypted") || !strings.Contains(errs, "-confirm-token-risks") {
		t.Fatalf("exit %d, stderr %q; want %d, the risk and how to confirm it", code, errs, ack.ExitAuth)
	}
	code, _, errs = w.run(t, "-server", "ws://192.0.2.1/ws", "-confirm-token-risks", "-timeout", "300ms", "u1")
	if code != ack.ExitUnreachable {
		t.Fatalf("confirmed: exit %d, stderr %q; want it to try (and not reach) the server", code, errs)
	}
}
