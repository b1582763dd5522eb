package listen_test

import (
	"os"
	"strings"
	"testing"

	"github.com/warpdesk/warpdesk/internal/termenv/termenvtest"
	"github.com/warpdesk/warpdesk/listen"
)

// TestMain keeps the tests away from the user's settings file and keyring
// and fails on leaked goroutines (termenvtest.Main).
func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv(mainArgsEnv); ok {
		// This binary, started by a test as the real command (see
		// startProcess): listen.Main and nothing else.
		os.Exit(listen.Main(strings.Split(args, "\x1f"), os.Stdout, os.Stderr))
	}
	os.Exit(termenvtest.Main(m))
}
