package agent

import (
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/warpdesk/warpdesk/ipc"
)

func TestMain(m *testing.M) {
	if os.Getenv(fakeWindowEnv) != "" {
		os.Exit(fakeWindow())
	}
	goleak.VerifyTestMain(m)
}

// fakeWindowEnv makes the test binary a stand-in window process: it
// answers every "show" with a Reconnect command, so a test can count the
// shows, and exits when the agent closes the link.
const fakeWindowEnv = "WARPDESK_TEST_FAKE_WINDOW"

func fakeWindow() int {
	rm := ipc.NewRemote(os.Stdin, os.Stdout, ipc.Options{})
	rm.Reconnect() // "started"
	for range rm.Shows() {
		rm.Reconnect()
	}
	_ = rm.Close()
	return 0
}
