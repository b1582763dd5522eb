package listen_test

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain keeps the tests away from the user's settings file and keyring
// (an Env without Prefs reads $XDG_CONFIG_HOME/warpdesk/settings.json) and
// fails on leaked goroutines.
func TestMain(m *testing.M) {
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
