// Package termenvtest runs the tests of a terminal command (ack, listen)
// away from the user's settings file and keyring, against a demo server.
package termenvtest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"

	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/internal/termenv"
	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/settings/keyringtest"
)

// Main runs m with $XDG_CONFIG_HOME and $HOME in a fresh temporary
// directory (a termenv.Env without Prefs reads
// $XDG_CONFIG_HOME/warpdesk/settings.json), removes it afterwards, and
// fails passing tests that leaked goroutines. TestMain passes its result
// to os.Exit.
func Main(m *testing.M) int {
	dir, err := os.MkdirTemp("", "warpdesk-termenv-test")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CONFIG_HOME", dir)
	os.Setenv("HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	if code == 0 {
		if err := goleak.Find(); err != nil {
			os.Stderr.WriteString("goleak: " + err.Error() + "\n")
			code = 1
		}
	}
	return code
}

// World is what a terminal command's test runs against: a quiet demo
// server (no stream, bursts, drops or initial incidents) that takes the
// tokens T-alice and T-bob (users alice and bob), and an Env whose
// variables are Vars (empty at first), with a settings file of its own
// and an in-memory keyring.
type World struct {
	Server *demo.Server
	Vars   map[string]string
	Env    termenv.Env
}

// NewWorld starts a World, ended when the test ends.
func NewWorld(t testing.TB) *World {
	t.Helper()
	srv, err := demo.Start(context.Background(), "127.0.0.1:0", demo.Options{
		Interval: -1, BurstEvery: -1, DropEvery: -1, Initial: -1, Seed: 1,
		Users: map[string]string{"T-alice": "alice", "T-bob": "bob"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	prefs, err := settings.OpenFile(filepath.Join(t.TempDir(), "settings.json"))
	if err != nil {
		t.Fatal(err)
	}
	w := &World{Server: srv, Vars: map[string]string{}}
	w.Env = termenv.Env{
		Getenv: func(k string) string { return w.Vars[k] },
		Prefs:  prefs,
		Tokens: settings.NewTokenStore(settings.TokenStoreOptions{Keyring: &keyringtest.Memory{}}),
	}
	return w
}
