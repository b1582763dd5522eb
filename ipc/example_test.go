package ipc_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"

	"github.com/warpdesk/warpdesk/ipc"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// The agent starts the window process and serves it until it exits; a
// tray click while it runs raises it with Server.Show.
func ExampleServer() {
	var src store.Source   // the agent's store
	var cmd store.Commands // the agent's command handler
	if src == nil {
		return // a sketch: the agent wires its real store here
	}
	c := exec.Command(os.Args[0], "window")
	stdin, _ := c.StdinPipe()
	stdout, _ := c.StdoutPipe()
	if err := c.Start(); err != nil {
		return
	}
	srv := ipc.NewServer(src, cmd, ipc.Options{})
	go srv.Show() // e.g. from the tray's "Open dashboard" while the window lives
	err := srv.Run(context.Background(), stdout, stdin)
	fmt.Println(err, c.Wait())
}

// The window process wraps its stdin and stdout and renders what arrives.
func ExampleNewRemote() {
	windowIn, agentOut := io.Pipe() // the window's stdin
	agentIn, windowOut := io.Pipe() // the window's stdout
	go func() {                     // the agent's side, here with a fixed State
		_ = ipc.NewServer(fixed{store.State{Server: "Demo server", Version: 1}}, nil, ipc.Options{}).Run(context.Background(), agentIn, agentOut)
	}()
	rm := ipc.NewRemote(windowIn, windowOut, ipc.Options{})
	<-rm.Ready()
	fmt.Println(rm.State().Server)
	rm.Close()
	// Output: Demo server
}

// fixed is a Source whose State never changes.
type fixed struct{ st store.State }

func (f fixed) State() store.State                       { return f.st }
func (f fixed) Subscribe(func(store.State)) (off func()) { return func() {} }

// A notification's click: the agent asks the window to show the incident,
// and the window selects it once it has the State that holds it.
func ExampleServer_ShowIncident() {
	windowIn, agentOut := io.Pipe()
	agentIn, windowOut := io.Pipe()
	st := store.State{Version: 1, Incidents: []store.Incident{{Server: "prod", Incident: ops.Incident{UUID: "u1", Title: "db down"}}}}
	srv := ipc.NewServer(fixed{st}, nil, ipc.Options{})
	srv.ShowIncident("prod", "u1") // before Run: sent after its first State
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, agentIn, agentOut) }()
	rm := ipc.NewRemote(windowIn, windowOut, ipc.Options{})
	ref := <-rm.IncidentShows()
	fmt.Println(ref.Server, ref.UUID, rm.State().Incidents[0].Title)
	cancel()
	<-done
	rm.Close()
	// Output: prod u1 db down
}

// The dashboard's "Acknowledge all critical", filtered to one server: one
// command naming it. An agent that is not reading makes the Remote refuse
// acknowledgements past MaxPendingAcks with ErrBusy, which the window
// shows; here the link has ended, and the error says so.
func ExampleRemote_TryAcknowledgeAllCritical() {
	windowIn, _ := io.Pipe()
	_, windowOut := io.Pipe()
	rm := ipc.NewRemote(windowIn, windowOut, ipc.Options{})
	rm.Close()
	err := rm.TryAcknowledgeAllCritical("prod")
	fmt.Println(errors.Is(err, ipc.ErrClosed), errors.Is(err, ipc.ErrBusy))
	// Output: true false
}
