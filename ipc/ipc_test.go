package ipc_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/ipc"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// link is a Server and a Remote joined by two io.Pipes.
type link struct {
	src    *source
	cmd    *commands
	srv    *ipc.Server
	remote *ipc.Remote
	states chan store.State // every State the Remote's subscriber saw
	runErr chan error
	cancel context.CancelFunc
}

func newLink(t *testing.T) *link {
	t.Helper()
	toWin, fromAgent := io.Pipe()
	toAgent, fromWin := io.Pipe()
	l := &link{src: newSource(), cmd: newCommands(), states: make(chan store.State, 1000), runErr: make(chan error, 1)}
	l.srv = ipc.NewServer(l.src, l.cmd, ipc.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	l.cancel = cancel
	go func() { l.runErr <- l.srv.Run(ctx, toAgent, fromAgent) }()
	l.remote = ipc.NewRemote(toWin, fromWin, ipc.Options{})
	off := l.remote.Subscribe(func(st store.State) { l.states <- st })
	t.Cleanup(func() {
		off()
		cancel()
		l.remote.Close()
		recv(t, l.runErr, "Run to return")
	})
	return l
}

// waitVersion waits until the Remote's subscriber has seen version v.
func (l *link) waitVersion(t *testing.T, v uint64) store.State {
	t.Helper()
	for {
		st := recv(t, l.states, "a state")
		if st.Version == v {
			return st
		}
		if st.Version > v {
			t.Fatalf("saw version %d, skipping %d", st.Version, v)
		}
	}
}

func TestStatesReachTheWindow(t *testing.T) {
	l := newLink(t)
	recv(t, l.remote.Ready(), "the first state")
	want := store.State{
		Server: "wss://ops.example/ws", Link: store.LinkLive, Knowledge: store.Current,
		AsOf:      time.Date(2026, 12, 1, 17, 35, 0, 0, time.UTC),
		Incidents: []store.Incident{{Incident: ops.Incident{UUID: "u1", Title: "db down", Severity: ops.Critical, CreatedAt: 1}}},
		Monitors:  []store.Monitor{{MonitorChange: ops.MonitorChange{MonitorUUID: "m1", Name: "api", Status: ops.Down, ChangedAt: 2}, Server: "prod"}},
	}
	want = l.src.Set(want)
	got := l.waitVersion(t, want.Version)
	if got.Server != want.Server || got.Link != want.Link || got.Knowledge != want.Knowledge ||
		!got.AsOf.Equal(want.AsOf) || len(got.Incidents) != 1 || got.Incidents[0] != want.Incidents[0] ||
		len(got.Monitors) != 1 || got.Monitors[0] != want.Monitors[0] {
		t.Fatalf("window got %+v, want %+v", got, want)
	}
	if st := l.remote.State(); st.Version != want.Version {
		t.Fatalf("State() is version %d, want %d", st.Version, want.Version)
	}
}

func TestCommandsReachTheAgent(t *testing.T) {
	l := newLink(t)
	until := time.Date(2026, 12, 1, 19, 0, 0, 0, time.UTC)
	l.remote.Acknowledge("", "")                                    // dropped: no incident has it
	l.remote.Acknowledge("", strings.Repeat("u", ops.MaxUUIDLen+1)) // dropped too
	l.remote.Acknowledge("", "u1")
	l.remote.AcknowledgeAllCritical("")
	l.remote.AcknowledgeAllCritical("stg")
	l.remote.Reconnect("")
	l.remote.Pause(until)
	l.remote.SettingsChanged()
	for _, want := range []string{"ack u1", "ackAllCritical", "ackAllCritical stg", "reconnect", "pause 2026-12-01T19:00:00Z", "settingsChanged"} {
		if got := l.cmd.next(t); got != want {
			t.Fatalf("agent got %q, want %q", got, want)
		}
	}
}

func TestShowReachesTheWindow(t *testing.T) {
	l := newLink(t)
	l.srv.Show()
	recv(t, l.remote.Shows(), "a show request")
	l.srv.ShowSettings()
	recv(t, l.remote.SettingsShows(), "a settings request")
	select {
	case <-l.remote.Shows():
		t.Fatal("ShowSettings also raised the dashboard")
	default:
	}
}

// A notification's click reaches the window as the incident to select,
// after the State that holds it; of a burst of requests the newest wins.
func TestShowIncidentReachesTheWindow(t *testing.T) {
	l := newLink(t)
	recv(t, l.remote.Ready(), "the first state")
	l.srv.ShowIncident("prod", "")                                    // dropped: no incident has it
	l.srv.ShowIncident("prod", strings.Repeat("u", ops.MaxUUIDLen+1)) // dropped too
	l.srv.ShowIncident("prod", "u1")
	if got := recv(t, l.remote.IncidentShows(), "a show-incident request"); got != (ipc.IncidentRef{Server: "prod", UUID: "u1"}) {
		t.Fatalf("window got %+v", got)
	}
	// Before a Run: sent once Run starts, after its first State.
	toWin, fromAgent := io.Pipe()
	toAgent, fromWin := io.Pipe()
	src := newSource()
	src.Set(store.State{Incidents: []store.Incident{{Server: "staging", Incident: ops.Incident{UUID: "u2"}}}})
	srv := ipc.NewServer(src, nil, ipc.Options{})
	srv.ShowIncident("staging", "u1")
	srv.ShowIncident("staging", "u2")
	ctx, cancel := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	go func() { runErr <- srv.Run(ctx, toAgent, fromAgent) }()
	rm := ipc.NewRemote(toWin, fromWin, ipc.Options{})
	defer func() { cancel(); rm.Close(); recv(t, runErr, "Run to return") }()
	got := recv(t, rm.IncidentShows(), "the pending request")
	if got != (ipc.IncidentRef{Server: "staging", UUID: "u2"}) || len(rm.State().Incidents) != 1 {
		t.Fatalf("window got %+v with %d incidents drawn", got, len(rm.State().Incidents))
	}
}

// A burst of States while the window is not reading is coalesced into the
// newest: the agent never queues snapshots for a slow window.
func TestBurstIsCoalesced(t *testing.T) {
	toWin, fromAgent := io.Pipe()
	toAgent, fromWin := io.Pipe()
	src := newSource()
	ctx, cancel := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	go func() { runErr <- ipc.NewServer(src, newCommands(), ipc.Options{}).Run(ctx, toAgent, fromAgent) }()
	defer func() { cancel(); fromWin.Close(); recv(t, runErr, "Run to return") }()

	for range 1000 {
		src.Set(store.State{Server: "x"})
	}
	// Nobody has read yet: io.Pipe's writes wait for a reader, so the
	// Server holds at most one line in flight and the newest State.
	sc := bufio.NewScanner(toWin)
	sc.Buffer(nil, 1<<20)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if strings.Contains(sc.Text(), `"Version":1000`) {
			break
		}
	}
	if len(lines) > 2 {
		t.Fatalf("the window read %d states for a burst of 1000, want at most 2", len(lines))
	}
}

func TestCancelEndsTheLink(t *testing.T) {
	toWin, fromAgent := io.Pipe()
	toAgent, fromWin := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	go func() {
		runErr <- ipc.NewServer(newSource(), newCommands(), ipc.Options{}).Run(ctx, toAgent, fromAgent)
	}()
	remote := ipc.NewRemote(toWin, fromWin, ipc.Options{})
	defer remote.Close()
	recv(t, remote.Ready(), "the first state")
	cancel()
	if err := recv(t, runErr, "Run to return"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v, want context.Canceled", err)
	}
	recv(t, remote.Done(), "the window to notice")
	if err := remote.Err(); !errors.Is(err, ipc.ErrPeerClosed) {
		t.Fatalf("window's Err is %v, want ErrPeerClosed", err)
	}
	if _, ok := <-remote.Shows(); ok {
		t.Fatal("Shows still open after the link ended")
	}
	if _, ok := <-remote.SettingsShows(); ok {
		t.Fatal("SettingsShows still open after the link ended")
	}
	if _, ok := <-remote.IncidentShows(); ok {
		t.Fatal("IncidentShows still open after the link ended")
	}
	remote.Reconnect("") // after the end: dropped, no panic, no block
}

func TestWindowExitEndsServe(t *testing.T) {
	l := newLink(t)
	recv(t, l.remote.Ready(), "the first state")
	l.remote.Close()
	if err := recv(t, l.runErr, "Run to return"); !errors.Is(err, ipc.ErrPeerClosed) {
		t.Fatalf("Run returned %v, want ErrPeerClosed", err)
	}
	l.runErr <- nil // for the cleanup
	if err := l.remote.Err(); !errors.Is(err, ipc.ErrClosed) {
		t.Fatalf("window's Err is %v, want ErrClosed", err)
	}
}

// badLines are what a confused or hostile peer might write.
var badLines = []struct {
	name, line string
	want       error
}{
	{"not JSON", "hello\n", ipc.ErrMalformed},
	{"unknown type", `{"t":"format-disk"}` + "\n", ipc.ErrMalformed},
	{"wrong direction", `{"t":"show"}` + "\n", ipc.ErrMalformed},
	{"show incident without uuid", `{"t":"showIncident","server":"prod"}` + "\n", ipc.ErrMalformed},
	{"ack without uuid", `{"t":"ack"}` + "\n", ipc.ErrMalformed},
	{"ack with a huge uuid", `{"t":"ack","uuid":"` + strings.Repeat("u", ops.MaxUUIDLen+1) + `"}` + "\n", ipc.ErrMalformed},
	{"too long", strings.Repeat("x", 5000) + "\n", ipc.ErrLineTooLong},
	{"no newline, then EOF", `{"t":"reconnect"`, ipc.ErrMalformed},
	{"empty", "", ipc.ErrPeerClosed},
}

func TestServerRejectsBadInput(t *testing.T) {
	for _, tc := range badLines {
		t.Run(tc.name, func(t *testing.T) {
			cmd := newCommands()
			err := ipc.NewServer(newSource(), cmd, ipc.Options{MaxLine: 4096}).
				Run(context.Background(), strings.NewReader(tc.line), io.Discard)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Run returned %v, want %v", err, tc.want)
			}
			if len(cmd.got) != 0 {
				t.Fatalf("a bad line reached Commands: %q", <-cmd.got)
			}
		})
	}
}

func TestRemoteRejectsBadInput(t *testing.T) {
	lines := append(badLines[:len(badLines):len(badLines)],
		struct {
			name, line string
			want       error
		}{"state without state", `{"t":"state"}` + "\n", ipc.ErrMalformed},
		struct {
			name, line string
			want       error
		}{"command to the window", `{"t":"reconnect"}` + "\n", ipc.ErrMalformed})
	for _, tc := range lines {
		if tc.name == "wrong direction" {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			rm := ipc.NewRemote(strings.NewReader(tc.line), io.Discard, ipc.Options{MaxLine: 4096})
			defer rm.Close()
			recv(t, rm.Done(), "the link to end")
			if err := rm.Err(); !errors.Is(err, tc.want) {
				t.Fatalf("Err is %v, want %v", err, tc.want)
			}
		})
	}
}

func TestServerWithoutCommandsIgnoresThem(t *testing.T) {
	err := ipc.NewServer(newSource(), nil, ipc.Options{}).
		Run(context.Background(), strings.NewReader(`{"t":"reconnect"}`+"\n"), io.Discard)
	if !errors.Is(err, ipc.ErrPeerClosed) {
		t.Fatalf("Run returned %v, want ErrPeerClosed after the input", err)
	}
}

// The window's lines are commands and searches, a few hundred bytes: with
// the default options the agent refuses a line far longer than any of
// them instead of buffering up to DefaultMaxLine (16 MiB) of it for the
// rest of the link.
func TestServerBoundsTheWindowsLinesByDefault(t *testing.T) {
	huge := `{"t":"pause","pad":"` + strings.Repeat("x", 1<<20) + `"}` + "\n"
	err := ipc.NewServer(newSource(), newCommands(), ipc.Options{}).
		Run(context.Background(), strings.NewReader(huge), io.Discard)
	if !errors.Is(err, ipc.ErrLineTooLong) {
		t.Fatalf("a 1 MiB command: Run returned %v, want ErrLineTooLong", err)
	}
}
