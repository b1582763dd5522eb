package agent

import (
	"os"
	"testing"
	"time"

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
// shows, and every "show incident" with an Acknowledge of that incident,
// and exits when the agent closes the link.
const fakeWindowEnv = "WARPDESK_TEST_FAKE_WINDOW"

// fakeWindowLingerEnv makes the stand-in close its link at once and then
// linger, as a window process does while Fyne's shutdown hangs.
const fakeWindowLingerEnv = "WARPDESK_TEST_FAKE_WINDOW_LINGER"

func fakeWindow() int {
	rm := ipc.NewRemote(os.Stdin, os.Stdout, ipc.Options{})
	rm.Reconnect("") // "started"
	if os.Getenv(fakeWindowLingerEnv) != "" {
		time.Sleep(300 * time.Millisecond) // let "started" reach the agent
		_ = rm.Close()
		time.Sleep(5 * time.Second)
		return 0
	}
	for incs := rm.IncidentShows(); ; {
		select {
		case _, ok := <-rm.Shows():
			if !ok {
				_ = rm.Close()
				return 0
			}
			rm.Reconnect("")
		case ref, ok := <-incs:
			if !ok {
				incs = nil
				continue
			}
			rm.Acknowledge(ref.Server, ref.UUID)
		}
	}
}
