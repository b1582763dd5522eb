package tray_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
	"github.com/warpdesk/warpdesk/tray"
)

func ExampleBuild() {
	now := time.Date(2026, 12, 1, 17, 40, 0, 0, time.UTC)
	s := store.State{
		Link:      store.LinkReconnecting,
		Reason:    "connection reset",
		Knowledge: store.Stale,
		AsOf:      now.Add(-5 * time.Minute),
		Incidents: []store.Incident{{Incident: ops.Incident{UUID: "1", Severity: ops.Critical}}},
	}
	v := tray.Build(s, now)
	fmt.Println(v.Icon)
	fmt.Println(v.Tooltip)
	fmt.Println(v.Items[1].Label)
	// Output:
	// reconnecting
	// Reconnecting — as of 17:35: 1 active, 1 critical
	// connection reset
}

// The background agent shows its store in the tray; Quit cancels the
// agent's context, and the agent closes the tray on its way out.
func ExampleStart() {
	var st interface {
		store.Source
		store.Commands
	} // the agent's store
	ctx, quit := context.WithCancel(context.Background())
	t, err := tray.Start(st, tray.Options{
		Commands: st,
		Open:     func() { /* start the window process */ },
		Settings: func() { /* start the window process on Settings */ },
		Quit:     quit,
	})
	if err != nil {
		log.Printf("no tray: %v", err) // e.g. tray.ErrNoSessionBus: run without one
		return
	}
	<-ctx.Done()
	t.Close()
}
