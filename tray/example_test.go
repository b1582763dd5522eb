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

// With several servers, the first line counts the live ones and each
// server has a line; one that is down can be reconnected alone. A live
// server's unacknowledged critical keeps the critical mark while another
// server is down, with a badge: the first line says which.
func ExampleBuild_severalServers() {
	now := time.Date(2026, 12, 1, 17, 40, 0, 0, time.UTC)
	s := store.State{
		Servers: []store.ServerState{
			{ID: "p", Name: "Production", Link: store.LinkLive, Knowledge: store.Current, Open: 1, Critical: 1},
			{ID: "s", Name: "Staging", Link: store.LinkReconnecting, Reason: "connection reset",
				Knowledge: store.Stale, AsOf: now.Add(-5 * time.Minute)},
		},
		Incidents: []store.Incident{{Incident: ops.Incident{UUID: "1", Severity: ops.Critical}, Server: "p"}},
	}
	v := tray.Build(s, now)
	fmt.Println(v.Icon)
	for _, it := range v.Items[:4] {
		fmt.Println(it.Label)
	}
	// Output:
	// critical, not all live
	// 1 of 2 live — 1 active, 1 critical (1 server as of 17:35)
	// Production: Live — 1 active, 1 critical
	// Staging: Reconnecting — as of 17:35: no active incidents · connection reset
	// Reconnect Staging
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
