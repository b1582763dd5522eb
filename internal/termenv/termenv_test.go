package termenv_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/warpdesk/warpdesk/internal/termenv"
	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/settings/keyringtest"
)

func env(t *testing.T, vars map[string]string) termenv.Env {
	t.Helper()
	prefs, err := settings.OpenFile(filepath.Join(t.TempDir(), "settings.json"))
	if err != nil {
		t.Fatal(err)
	}
	return termenv.Env{
		Getenv: func(k string) string { return vars[k] },
		Prefs:  prefs,
		Tokens: settings.NewTokenStore(settings.TokenStoreOptions{Keyring: &keyringtest.Memory{}}),
	}
}

func TestResolve(t *testing.T) {
	e := env(t, nil)
	var warn bytes.Buffer
	if _, err := termenv.Resolve(termenv.Flags{}, e, "cmd", &warn); !errors.Is(err, termenv.ErrNoServer) {
		t.Errorf("no server: %v, want ErrNoServer", err)
	}
	_, err := termenv.Resolve(termenv.Flags{Server: "http://h/ws?token=x"}, e, "cmd", &warn)
	if err == nil || strings.Contains(err.Error(), "token=x") {
		t.Errorf("bad URL: %v, want an error without the query", err)
	}
	s := settings.Default()
	s.Servers[0].URL, s.Servers[0].Rooms = "wss://ops.example/ws", []string{"ops"}
	if err := settings.Save(e.Prefs, s); err != nil {
		t.Fatal(err)
	}
	tg, err := termenv.Resolve(termenv.Flags{Server: " wss://ops.example/ws "}, e, "cmd", &warn)
	if err != nil || tg.Server != "wss://ops.example/ws" || !tg.IsSaved() || len(tg.SavedServer().Rooms) != 1 {
		t.Errorf("saved server given: %+v, %v", tg, err)
	}
}

// TestToken: the environment's token goes only to the server on the command
// line; the keyring's to the saved one.
func TestToken(t *testing.T) {
	e := env(t, map[string]string{"WARPDESK_TOKEN": "T-env"})
	ctx := context.Background()
	if err := e.Tokens.Set(ctx, "wss://saved.example/ws", "T-key"); err != nil {
		t.Fatal(err)
	}
	s := settings.Default()
	s.Servers[0].URL = "wss://saved.example/ws"
	if err := settings.Save(e.Prefs, s); err != nil {
		t.Fatal(err)
	}
	var warn bytes.Buffer
	tg, _ := termenv.Resolve(termenv.Flags{Server: "wss://other.example/ws"}, e, "cmd", &warn)
	tok, src, err := tg.Token(ctx, e, "", "cmd", &warn)
	if err != nil || tok != "T-env" || src != settings.FromEnvironment {
		t.Errorf("-server given: %v %v %v, want the environment's token", src, err, tok == "T-env")
	}
	tg, _ = termenv.Resolve(termenv.Flags{}, e, "cmd", &warn)
	tok, src, err = tg.Token(ctx, e, "", "cmd", &warn)
	if err != nil || tok != "T-key" || src != settings.FromKeyring {
		t.Errorf("saved server: %v %v, want the keyring's token", src, err)
	}
	if !strings.Contains(warn.String(), "cmd: warning: $WARPDESK_TOKEN is set but no -server") {
		t.Errorf("warnings %q", warn.String())
	}
	tg, _ = termenv.Resolve(termenv.Flags{Server: "ws://192.0.2.1/ws"}, e, "cmd", &warn)
	if _, _, err := tg.Token(ctx, e, "", "cmd", &warn); !errors.Is(err, settings.ErrTokenRiskUnconfirmed) {
		t.Errorf("ws:// to another machine: %v, want ErrTokenRiskUnconfirmed", err)
	}
}
