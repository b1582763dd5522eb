package listen_test

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/listen"
	"github.com/warpdesk/warpdesk/ops"
)

// mainArgsEnv makes the test binary run listen.Main with these arguments
// (separated by \x1f) instead of the tests.
const mainArgsEnv = "WARPDESK_LISTEN_TEST_ARGS"

// process is the command running as a process of its own.
type process struct {
	cmd       *exec.Cmd
	out, errs buffer
	done      chan error
}

// startProcess runs listen.Main in a new process with no display and no
// session or system bus, with the environment's token.
func startProcess(t *testing.T, token string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DISPLAY=") && !strings.HasPrefix(kv, "WAYLAND_DISPLAY=") &&
			!strings.HasPrefix(kv, "DBUS_") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, mainArgsEnv+"="+strings.Join(args, "\x1f"), "WARPDESK_TOKEN="+token,
		"DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus", "DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent/system_bus")
	p := &process{cmd: cmd, done: make(chan error, 1)}
	outPipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = &p.errs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		sc := bufio.NewScanner(outPipe)
		for sc.Scan() {
			io.WriteString(&p.out, sc.Text()+"\n")
		}
	}()
	go func() {
		<-copied
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.done
		p.done <- nil
		t.Logf("process %v\nstdout:\n%s\nstderr:\n%s", args, p.out.String(), p.errs.String())
	})
	return p
}

// signal sends sig and returns the exit code.
func (p *process) signal(t *testing.T, sig os.Signal) int {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		p.done <- err
		if err != nil {
			t.Logf("after %v: %v", sig, err)
		}
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(wait):
		t.Fatalf("still running %v after %v", wait, sig)
		return -1
	}
}

// TestProcess: the command as a process of its own, with no DISPLAY and no
// bus: lines appear, and SIGTERM and SIGINT end it with 0.
func TestProcess(t *testing.T) {
	w := newWorld(t)
	w.create(t, "API down", ops.Critical, "ops")
	for _, sig := range []os.Signal{syscall.SIGTERM, os.Interrupt} {
		p := startProcess(t, "T-alice", "-server", w.srv.URL(), "-rooms", "ops")
		waitLine(t, &p.out, "CRITICAL ops      API down (caught up)")
		waitLine(t, &p.errs, "connected to")
		if code := p.signal(t, sig); code != 0 {
			t.Errorf("exit %d after %v, want 0", code, sig)
		}
	}
	p := startProcess(t, "T-carol", "-server", w.srv.URL())
	select {
	case <-p.done:
		p.done <- nil
	case <-time.After(wait):
		t.Fatal("a rejected token did not end the process")
	}
	if code := p.cmd.ProcessState.ExitCode(); code != 4 {
		t.Errorf("rejected token: exit %d, want 4", code)
	}
}

// TestProcessJSONAcrossRestart: the process's -json lines parse, and a
// server that stops and comes back is reported and caught up on.
func TestProcessJSONAcrossRestart(t *testing.T) {
	w := newWorld(t)
	w.create(t, "API down", ops.Critical, "ops")
	p := startProcess(t, "T-alice", "-server", w.srv.URL(), "-rooms", "ops", "-json", "-max-reconnect-delay", "200ms")
	waitLine(t, &p.errs, "connected to")
	w.srv.Stop()
	waitLine(t, &p.errs, "connection to "+w.srv.URL()+" lost")
	w.create(t, "Missed", ops.Warning, "ops")
	if err := w.srv.Restart(); err != nil {
		t.Fatal(err)
	}
	waitLine(t, &p.errs, "reconnected to "+w.srv.URL())
	waitLine(t, &p.out, `"title":"Missed"`)
	if code := p.signal(t, syscall.SIGTERM); code != 0 {
		t.Errorf("exit %d after SIGTERM, want 0", code)
	}
	var got []listen.Line
	for _, l := range p.out.lines() {
		var line listen.Line
		if err := json.Unmarshal([]byte(l), &line); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		got = append(got, line)
	}
	if len(got) != 2 || got[0].Title != "API down" || !got[0].Initial || got[1].Title != "Missed" || !got[1].CaughtUp || got[1].Initial {
		t.Errorf("lines %+v: want API down (initial) and Missed (caught up)", got)
	}
}
