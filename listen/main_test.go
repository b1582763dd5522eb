package listen_test

import (
	"os"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/warpdesk/warpdesk/listen"
)

// TestMain keeps the tests away from the user's settings file and keyring
// (an Env without Prefs reads $XDG_CONFIG_HOME/warpdesk/settings.json) and
// fails on leaked goroutines.
func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv(mainArgsEnv); ok {
		// This binary, started by a test as the real command (see
		// startProcess): listen.Main and nothing else.
		os.Exit(listen.Main(strings.Split(args, "\x1f"), os.Stdout, os.Stderr))
	}
	dir, err := os.MkdirTemp("", "listen-test-config")
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
	os.Exit(code)
}
