// Package termenvtest runs the tests of a terminal command (ack, listen)
// away from the user's settings file and keyring.
package termenvtest

import (
	"os"
	"testing"

	"go.uber.org/goleak"
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
