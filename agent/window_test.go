package agent

import (
	"log/slog"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// At most one window process: asking again raises the one that runs; the
// agent's close ends it, and exited is told.
func TestWindowsAtMostOne(t *testing.T) {
	exe, st, cmds := windowRig(t)
	var exits atomic.Int32
	w := &windows{exe: exe, st: st, log: slog.New(slog.DiscardHandler), exited: func() { exits.Add(1) }}
	w.open(false)
	waitFor(t, "the window process to start", func() bool { return cmds.Load() == 1 })
	w.open(false)
	w.open(true)
	waitFor(t, "two raises", func() bool { return cmds.Load() == 2 || cmds.Load() == 3 })
	w.mu.Lock()
	first := w.cur
	w.mu.Unlock()
	if first == nil {
		t.Fatal("no window process")
	}
	w.close(10 * time.Second)
	if exits.Load() != 1 || first.cmd.ProcessState == nil || !first.cmd.ProcessState.Success() {
		t.Fatalf("exits %d, state %v", exits.Load(), first.cmd.ProcessState)
	}
	w.open(false) // after close: nothing starts
	if w.cur != nil {
		t.Fatal("a window started after close")
	}
}

// windowRig runs the window process as the stand-in (this test binary with
// fakeWindowEnv) on a store closed at the test's end, and counts what the
// stand-in tells the agent at every start and raise: a Reconnect.
func windowRig(t *testing.T) (exe string, st *store.Store, cmds *atomic.Int32) {
	t.Helper()
	t.Setenv(fakeWindowEnv, "1")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	st = store.New(store.Options{})
	t.Cleanup(st.Close)
	cmds = new(atomic.Int32)
	st.SetHooks(store.Hooks{Reconnect: func(string) { cmds.Add(1) }})
	return exe, st, cmds
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// A window whose link has ended (its window closed) while its process
// lingers in Fyne's shutdown is gone for the agent: the next open starts a
// new process instead of raising one that will never show again.
func TestWindowOpenAfterLinkEnds(t *testing.T) {
	t.Setenv(fakeWindowLingerEnv, "1")
	exe, st, cmds := windowRig(t)
	w := &windows{exe: exe, st: st, log: slog.New(slog.DiscardHandler)}
	defer w.close(10 * time.Second)
	w.open(false)
	waitFor(t, "the window process to start", func() bool { return cmds.Load() == 1 })
	deadline := time.Now().Add(3 * time.Second) // the process lingers 5 s
	for {
		w.mu.Lock()
		gone := w.cur == nil
		w.mu.Unlock()
		if gone {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the agent still counts a window whose link ended as open")
		}
		time.Sleep(10 * time.Millisecond)
	}
	w.open(false)
	waitFor(t, "a new window process", func() bool { return cmds.Load() == 2 })
}

// A notification's click selects its incident in the window: in a window
// process it starts, after the State that holds the incident, and in one
// that runs already. The stand-in window answers with an Acknowledge of
// the incident it was asked to show.
func TestWindowOpenIncident(t *testing.T) {
	exe, st, cmds := windowRig(t)
	for _, uuid := range []string{"u1", "u2"} {
		if err := st.IncidentCreated(ops.Incident{UUID: uuid, Title: "db down " + uuid, Severity: ops.Critical, CreatedAt: 1}); err != nil {
			t.Fatal(err)
		}
	}
	acked := func(uuid string) func() bool {
		return func() bool {
			for _, in := range st.State().Incidents {
				if in.UUID == uuid {
					return in.Acked
				}
			}
			return false
		}
	}
	w := &windows{exe: exe, st: st, log: slog.New(slog.DiscardHandler)}
	defer w.close(10 * time.Second)
	w.openIncident("", "u1") // no window yet: one starts
	waitFor(t, "the new window to show u1", acked("u1"))
	w.openIncident("", "u2") // the window runs: it is told
	waitFor(t, "the running window to show u2", acked("u2"))
	if cmds.Load() != 1 {
		t.Fatalf("%d window processes started or raised, want 1 start", cmds.Load())
	}
}
