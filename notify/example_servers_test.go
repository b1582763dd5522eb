package notify_test

import (
	"fmt"
	"time"

	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/ops"
)

// printer is a Deliverer that keeps what it is given, for the examples.
type printer struct{ lines []string }

func (p *printer) Deliver(n notify.Notification) error {
	p.lines = append(p.lines, fmt.Sprintf("%s/%s [%s] %s / %s (sound %q)", n.Server, n.ID, n.Urgency, n.Summary, n.Body, n.Sound))
	return nil
}

// Several servers: each incident names its server's ID; notifications
// name the server; the same UUID on two servers is two incidents; a muted
// server never notifies. A critical re-alerts every Rules.ReAlert until
// Settled, with a sound when Rules.CriticalSound is on.
func ExampleNotifier_SetServers() {
	p := &printer{} // written by the delivery goroutine, read after Close
	now := time.Date(2026, 3, 14, 10, 0, 0, 0, time.Local)
	n := notify.New(p, notify.Options{Now: func() time.Time { return now }})
	n.SetRules(notify.Rules{ReAlert: 5 * time.Minute, CriticalSound: true, MutedServers: []string{"lab"}})
	n.SetServers([]notify.Server{{ID: "prod", Name: "Production"}, {ID: "stg", Name: "Staging"}, {ID: "lab", Name: "Lab"}})

	down := ops.Incident{UUID: "u1", Title: "DB down", Severity: ops.Critical, Room: "ops", CreatedAt: now.UnixMilli()}
	fmt.Println(n.Incident("prod", down))
	fmt.Println(n.Incident("stg", down))
	fmt.Println(n.Incident("prod", down))
	fmt.Println(n.Incident("lab", down))
	n.Settled("prod", "u1") // acknowledged (here or by anyone) or resolved: no re-alerts
	n.Close()
	for _, l := range p.lines {
		fmt.Println(l)
	}

	// Output:
	// notify
	// notify
	// duplicate
	// muted
	// prod/u1 [critical] Critical: DB down / Production · ops · 10:00 (sound "dialog-warning")
	// stg/u1 [critical] Critical: DB down / Staging · ops · 10:00 (sound "dialog-warning")
}
