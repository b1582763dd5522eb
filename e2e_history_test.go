//go:build linux

package main

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/history"
	"github.com/warpdesk/warpdesk/internal/dbustest"
	"github.com/warpdesk/warpdesk/notify/notifytest"
	"github.com/warpdesk/warpdesk/ops"
)

// Issue 11's history proof on the real binary: alice acknowledges the
// critical incident from her notification; her agent records it in the
// history under XDG_DATA_HOME and is then killed with SIGKILL; the record
// is in the file, and it is still there after the agent is started again
// and stopped (nothing moved aside, nothing lost).
func TestEndToEndHistoryAcrossKill9AndRestart(t *testing.T) {
	needDesktop(t)
	bus := dbustest.Start(t, dbustest.Session)
	notes := notifytest.Start(t, bus.Address, notifytest.Options{})
	watcher := startWatcher(t, bus.Address)
	bin := buildBinary(t)
	token := randomToken(t)

	addr := freeAddr(t)
	server := startProc(t, "serve", bin, childEnv(t, bus.Address), "serve", "-addr", addr, "-v",
		"-users", "alice:"+token, "-seed", ackSeed, "-initial", "2",
		"-interval", "-1s", "-burst-every", "-1s", "-drop-every", "-1s")
	t.Cleanup(func() { server.stop(t) })
	waitTCP(t, addr)
	crit := openCritical(t, addr, token)

	env := append(childEnv(t, bus.Address), "WARPDESK_TOKEN="+token)
	path := filepath.Join(envValue(env, "XDG_DATA_HOME"), "warpdesk", history.FileName)
	args := []string{"-server", "ws://" + addr + "/ws", "-rooms", strings.Join(demo.DefaultRooms, ","), "-hidden", "-v"}

	app := startProc(t, "app", bin, env, args...)
	note := notificationOf(t, watcher.conn, notes, app, crit)
	acknowledgeFromNotification(t, notes, note, addr, token, crit.UUID)
	waitLog(t, app, "history: recorded")
	if err := app.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	app.wait(t, 20*time.Second)
	checkHistory(t, path, crit, "after kill -9")

	again := startProc(t, "app again", bin, env, args...)
	waitLog(t, again, "incident history")
	again.stop(t)
	checkHistory(t, path, crit, "after a restart")
	if aside, _ := filepath.Glob(path + ".corrupt-*"); len(aside) != 0 {
		t.Errorf("the history was moved aside: %v", aside)
	}
}

// checkHistory opens the history file (no agent holds it) and checks it
// keeps in, acknowledged by alice.
func checkHistory(t *testing.T, path string, in ops.Incident, when string) {
	t.Helper()
	h, err := history.Open(path, history.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("%s: %v", when, err)
	}
	defer h.Close()
	rs, err := h.Search(in.UUID, 0)
	if err != nil {
		t.Fatalf("%s: %v", when, err)
	}
	if len(rs) != 1 || rs[0].Incident.AcknowledgedBy != "alice" || rs[0].Incident.Title != in.Title {
		t.Fatalf("%s: the history holds %+v for %s, want it acknowledged by alice", when, rs, in.UUID)
	}
	t.Logf("%s: %q, acknowledged by %s, settled %v", when, rs[0].Incident.Title, rs[0].Incident.AcknowledgedBy, rs[0].At.Format(time.TimeOnly))
}
