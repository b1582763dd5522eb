package demo_test

import (
	"context"
	"fmt"

	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/ops"
)

// A test drives the demo server by hand: no background stream, a fixed
// seed, and incidents raised and resolved when the test says so.
func ExampleStart() {
	srv, err := demo.Start(context.Background(), "127.0.0.1:0", demo.Options{
		Interval: -1, // no background stream
		Initial:  -1, // start with nothing open
		Seed:     1,
	})
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	db, _ := srv.Create(ops.Incident{Title: "Disk 92% full", Severity: ops.Critical, Room: "infra", CreatedAt: 1000})
	srv.Create(ops.Incident{Title: "Refund backlog", Severity: ops.Warning, Room: "payments", CreatedAt: 2000})
	srv.Resolve(db.UUID)

	// Clients connect to srv.URL() with ops.DemoToken and catch up from
	// srv.HTTPURL() + ops.IncidentsPath.
	for _, in := range srv.Open() {
		fmt.Println(in.Severity, in.Room, in.Title)
	}
	// Output:
	// warning payments Refund backlog
}
