package ack_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/warpdesk/warpdesk/ack"
	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/ops"
)

// Acknowledge an incident on a demo server as alice, whose token is in
// $WARPDESK_TOKEN, as `WARPDESK_TOKEN=T1 warpdesk ack -server URL UUID`
// does.
func ExampleRun() {
	srv, err := demo.Start(context.Background(), "127.0.0.1:0", demo.Options{
		Interval: -1, Initial: -1, Users: map[string]string{"T1": "alice"},
		Now: func() time.Time { return time.Date(2026, 12, 1, 20, 31, 42, 0, time.UTC) },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	in, _ := srv.Create(ops.Incident{UUID: "5b0c9e2a", Title: "API down", Severity: ops.Critical, Room: "ops"})

	env := ack.Env{Getenv: func(k string) string { return map[string]string{"WARPDESK_TOKEN": "T1"}[k] }}
	code := ack.Run(context.Background(), []string{"-server", srv.URL(), in.UUID}, os.Stdout, os.Stderr, env)
	fmt.Println("exit", code)
	// Output:
	// acknowledged 5b0c9e2a as alice at 2026-12-01T20:31:42Z
	// exit 0
}
