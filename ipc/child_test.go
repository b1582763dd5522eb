package ipc_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"testing"

	"github.com/warpdesk/warpdesk/ipc"
	"github.com/warpdesk/warpdesk/store"
)

// childEnv selects, in a re-executed test binary, what the child does.
const childEnv = "IPC_TEST_CHILD"

// runChild plays a window process on stdin/stdout and returns its exit code.
func runChild(mode string) int {
	switch mode {
	case "window":
		// Acknowledges each State's first incident, answers a show with
		// Reconnect, and exits when the agent closes the link.
		rm := ipc.NewRemote(os.Stdin, os.Stdout, ipc.Options{})
		ack := func(st store.State) {
			if len(st.Incidents) > 0 {
				rm.Acknowledge("", st.Incidents[0].UUID)
			}
		}
		rm.Subscribe(ack)
		ack(rm.State()) // what arrived before Subscribe (at worst acked twice)
		for range rm.Shows() {
			rm.Reconnect("")
		}
		rm.Close()
		if !errors.Is(rm.Err(), ipc.ErrPeerClosed) {
			fmt.Fprintln(os.Stderr, "child: link ended with", rm.Err())
			return 1
		}
		return 0
	case "garbage":
		fmt.Println("Fyne error: something printed to stdout")
		_, _ = io.Copy(io.Discard, os.Stdin)
		return 0
	case "crash":
		_, _ = os.Stdin.Read(make([]byte, 1))
		return 3
	}
	return 2
}

// startChild runs the test binary as a window process in mode and serves
// it; it returns the commands it sent and a func that (after cancelling
// the link if cancelFirst) returns Run's error and the child's exit error.
func startChild(t *testing.T, mode string, src store.Source) (*ipc.Server, *commands, func(cancelFirst bool) (error, error)) {
	t.Helper()
	c := exec.Command(os.Args[0], "-test.run=^$")
	c.Env = append(os.Environ(), childEnv+"="+mode)
	c.Stderr = os.Stderr
	stdin, err := c.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := c.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	cmd := newCommands()
	srv := ipc.NewServer(src, cmd, ipc.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	go func() { runErr <- srv.Run(ctx, stdout, stdin) }()
	stop := func(cancelFirst bool) (error, error) {
		if cancelFirst {
			cancel()
		}
		err := recv(t, runErr, "Run to return")
		cancel()
		return err, c.Wait()
	}
	return srv, cmd, stop
}

func TestChildProcessWindow(t *testing.T) {
	src := newSource()
	srv, cmd, stop := startChild(t, "window", src)
	for _, uuid := range []string{"u1", "", "u2", "u-last"} {
		st := store.State{Incidents: []store.Incident{{}}}
		st.Incidents[0].UUID = uuid
		src.Set(st)
	}
	// States may coalesce; the child's Acknowledge("") is dropped on its
	// side rather than sent as a malformed ack that would end the link.
	for got := cmd.next(t); got != "ack u-last"; got = cmd.next(t) {
		if got != "ack u1" && got != "ack u2" {
			t.Fatalf("agent got %q", got)
		}
	}
	srv.Show()
	got := cmd.next(t)
	for got == "ack u-last" { // the child may see the last State twice
		got = cmd.next(t)
	}
	if got != "reconnect" {
		t.Fatalf("after Show the agent got %q, want the child's reconnect", got)
	}
	runErr, exitErr := stop(true)
	if !errors.Is(runErr, context.Canceled) || exitErr != nil {
		t.Fatalf("Run returned %v, the child exited with %v; want Canceled and a clean exit", runErr, exitErr)
	}
}

func TestChildProcessGarbage(t *testing.T) {
	_, _, stop := startChild(t, "garbage", newSource())
	runErr, _ := stop(false)
	if !errors.Is(runErr, ipc.ErrMalformed) {
		t.Fatalf("Run returned %v, want ErrMalformed", runErr)
	}
}

func TestChildProcessCrash(t *testing.T) {
	_, _, stop := startChild(t, "crash", newSource())
	runErr, exitErr := stop(false)
	if !errors.Is(runErr, ipc.ErrPeerClosed) {
		t.Fatalf("Run returned %v, want ErrPeerClosed", runErr)
	}
	var ee *exec.ExitError
	if !errors.As(exitErr, &ee) || ee.ExitCode() != 3 {
		t.Fatalf("child exited with %v, want code 3", exitErr)
	}
}
