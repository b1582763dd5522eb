package ipc_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/ipc"
)

// gated is a store.Commands that blocks every call until open is closed,
// as an agent busy elsewhere does: its Server stops reading the pipe,
// and the window's commands pile up in the Remote.
type gated struct {
	open chan struct{}
	rec  *commands
}

func (g *gated) wait() { <-g.open }
func (g *gated) Acknowledge(server, uuid string) {
	g.wait()
	g.rec.got <- strings.TrimSpace("ack " + server + " " + uuid)
}
func (g *gated) AcknowledgeAllCritical(server string) { g.wait(); g.rec.AcknowledgeAllCritical(server) }
func (g *gated) Reconnect(server string)              { g.wait(); g.rec.Reconnect(server) }
func (g *gated) Pause(until time.Time)                { g.wait(); g.rec.Pause(until) }
func (g *gated) SettingsChanged()                     { g.wait(); g.rec.SettingsChanged() }

// busyLink is a real Server, whose Commands block until open, and a
// Remote, joined by io.Pipes.
func busyLink(t *testing.T) (*ipc.Remote, *gated) {
	t.Helper()
	toWin, fromAgent := io.Pipe()
	toAgent, fromWin := io.Pipe()
	g := &gated{open: make(chan struct{}), rec: &commands{got: make(chan string, 10000)}}
	srv := ipc.NewServer(newSource(), g, ipc.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	go func() { runErr <- srv.Run(ctx, toAgent, fromAgent) }()
	rm := ipc.NewRemote(toWin, fromWin, ipc.Options{})
	t.Cleanup(func() {
		select {
		case <-g.open:
		default:
			close(g.open)
		}
		cancel()
		rm.Close()
		recv(t, runErr, "Run to return")
	})
	return rm, g
}

// While the agent is not reading, the window's idempotent commands are
// never lost: repeats join the one waiting, the newest pause wins, and
// they all arrive once the agent reads again (the Remote used to drop
// every command past 64 queued, silently).
func TestBusyAgentGetsTheNewestCommands(t *testing.T) {
	rm, g := busyLink(t)
	t0 := time.Date(2026, 12, 1, 19, 0, 0, 0, time.UTC)
	for i := range 200 {
		rm.Pause(t0.Add(time.Duration(i) * time.Minute))
		rm.Reconnect("")
	}
	rm.SettingsChanged()
	close(g.open)
	want := map[string]bool{
		"pause " + t0.Add(199*time.Minute).Format(time.RFC3339): true,
		"reconnect": true, "settingsChanged": true,
	}
	for n := 0; len(want) > 0; n++ {
		if n > 20 {
			t.Fatalf("%d commands arrived and still missing %v: not coalesced", n, want)
		}
		delete(want, g.rec.next(t))
	}
}

// While the agent is not reading, acknowledgements wait up to
// MaxPendingAcks; past it they are refused with ErrBusy (said, never
// dropped silently), every one accepted arrives once the agent reads
// again, and none refused does. Reconnects of many servers become one
// reconnect of every server, so the wait stays bounded.
func TestBusyAgentRefusesAcknowledgementsPastTheBound(t *testing.T) {
	rm, g := busyLink(t)
	for i := range 40 {
		rm.Reconnect(fmt.Sprintf("s%d", i))
	}
	accepted := map[string]bool{}
	refused, last := 0, ""
	for i := range 3 * ipc.MaxPendingAcks {
		uuid := fmt.Sprintf("u%d", i)
		switch err := rm.TryAcknowledge("prod", uuid); {
		case err == nil:
			accepted["ack prod "+uuid], last = true, uuid
		case errors.Is(err, ipc.ErrBusy):
			refused++
		default:
			t.Fatalf("TryAcknowledge(%s) = %v, want nil or ErrBusy", uuid, err)
		}
	}
	if len(accepted) < ipc.MaxPendingAcks || refused == 0 {
		t.Fatalf("%d accepted, %d refused: want at least %d accepted and the rest refused", len(accepted), refused, ipc.MaxPendingAcks)
	}
	if err := rm.TryAcknowledgeAllCritical("stg"); !errors.Is(err, ipc.ErrBusy) {
		t.Fatalf("acknowledge all critical with the acknowledgements full: %v, want ErrBusy", err)
	}
	if err := rm.TryAcknowledge("prod", last); err != nil {
		t.Fatalf("the same acknowledgement again: %v, want it joined to the one waiting", err)
	}
	close(g.open)
	reconnects := 0
	for n := 0; len(accepted) > 0 || reconnects == 0; n++ {
		if n > ipc.MaxPendingAcks+40 {
			t.Fatalf("%d commands arrived and still missing %d acknowledgements", n, len(accepted))
		}
		got := g.rec.next(t)
		switch {
		case strings.HasPrefix(got, "ack "):
			if !accepted[got] {
				t.Fatalf("%q arrived: refused or twice", got)
			}
			delete(accepted, got)
		case strings.HasPrefix(got, "reconnect"):
			reconnects++
		}
	}
	if err := rm.TryAcknowledgeAllCritical("stg"); err != nil {
		t.Fatalf("acknowledge all critical once the agent reads: %v", err)
	}
	for got := g.rec.next(t); got != "ackAllCritical stg"; got = g.rec.next(t) {
		if strings.HasPrefix(got, "ack ") {
			t.Fatalf("%q arrived: refused or twice", got)
		}
	}
}

// Bad arguments are refused with ops.ErrInvalid, and every command after
// the link ended with the link's error.
func TestRefusedCommandsSayWhy(t *testing.T) {
	rm, _ := busyLink(t)
	if err := rm.TryAcknowledge("prod", ""); err == nil {
		t.Fatal("an empty uuid was accepted")
	}
	rm.Close()
	if err := rm.TryAcknowledge("prod", "u1"); !errors.Is(err, ipc.ErrClosed) {
		t.Fatalf("after Close: %v, want ErrClosed", err)
	}
	if err := rm.TryAcknowledgeAllCritical(""); !errors.Is(err, ipc.ErrClosed) {
		t.Fatalf("after Close: %v, want ErrClosed", err)
	}
}
