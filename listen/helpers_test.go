package listen_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/internal/termenv/termenvtest"
	"github.com/warpdesk/warpdesk/listen"
	"github.com/warpdesk/warpdesk/ops"
)

// wait bounds every wait for output: generous, never a speed claim.
const wait = 20 * time.Second

// buffer is a bytes.Buffer safe for the command's goroutines.
type buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// lines returns the complete lines so far.
func (b *buffer) lines() []string {
	s := b.String()
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return strings.Split(s[:i], "\n")
	}
	return nil
}

// world is a demo server with two users and a process environment.
type world struct {
	srv  *demo.Server
	vars map[string]string
	env  listen.Env
}

func newWorld(t *testing.T) *world {
	tw := termenvtest.NewWorld(t)
	tw.Vars["WARPDESK_TOKEN"] = "T-alice"
	return &world{srv: tw.Server, vars: tw.Vars, env: listen.Env{Env: tw.Env, Location: time.UTC}}
}

func (w *world) create(t *testing.T, title string, sev ops.Severity, room string) ops.Incident {
	t.Helper()
	in, err := w.srv.Create(ops.Incident{Title: title, Severity: sev, Room: room})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// running is the command running in the background.
type running struct {
	out, errs buffer
	stop      context.CancelFunc
	done      chan int
}

// start runs the command as a user would type it, against w's server
// unless args name one.
func (w *world) start(t *testing.T, args ...string) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{stop: cancel, done: make(chan int, 1)}
	go func() { r.done <- listen.Run(ctx, args, &r.out, &r.errs, w.env) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(wait):
			t.Error("the command did not end after its context")
		}
		t.Logf("warpdesk listen %s\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.out.String(), r.errs.String())
	})
	return r
}

// exit waits for the command to end by itself.
func (r *running) exit(t *testing.T) int {
	t.Helper()
	select {
	case code := <-r.done:
		r.done <- code // for the cleanup
		return code
	case <-time.After(wait):
		t.Fatal("the command did not end")
		return -1
	}
}

// interrupt ends the command as SIGINT does and returns its exit code.
func (r *running) interrupt(t *testing.T) int {
	t.Helper()
	r.stop()
	return r.exit(t)
}

// waitLine waits for a line of b containing every one of parts.
func waitLine(t *testing.T, b *buffer, parts ...string) string {
	t.Helper()
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		for _, l := range b.lines() {
			if containsAll(l, parts) {
				return l
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no line with %q in:\n%s", parts, b.String())
	return ""
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// waitJoined waits until a connection of w's server has joined room, so
// that an incident raised there next reaches the command live (the room
// join and the catch-up race on every connect).
func (w *world) waitJoined(t *testing.T, room string) {
	t.Helper()
	ws := w.srv.Socket()
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		for _, id := range ws.ConnIDs() {
			if slices.Contains(ws.Rooms(id), room) {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no connection joined %q", room)
}
