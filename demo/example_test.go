package demo_test

import (
	"context"
	"errors"
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

// Two users, alice and bob, each with their own token: a desktop that
// acknowledges with alice's token is acknowledging as alice. The same
// request from a client is ops.Acknowledge through socket.Call.
func ExampleServer_Acknowledge() {
	users, err := demo.ParseUsers("alice:T1,bob:T2") // warpdesk serve -users alice:T1,bob:T2
	if err != nil {
		panic(err)
	}
	srv, err := demo.Start(context.Background(), "127.0.0.1:0", demo.Options{Interval: -1, Initial: -1, Users: users})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	in, _ := srv.Create(ops.Incident{Title: "API down", Severity: ops.Critical, Room: "ops"})

	first, _ := srv.Acknowledge(in.UUID, "alice")
	again, _ := srv.Acknowledge(in.UUID, "bob") // harmless: the first acknowledgement stands
	fmt.Println(first.By, again.By, first.At == again.At)
	_, err = srv.Acknowledge("no-such-incident", "bob")
	fmt.Println(errors.Is(err, demo.ErrNotFound))
	// Output:
	// alice alice true
	// true
}
