package store_test

import (
	"fmt"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// A connection driver feeds the store; the notifier subscribes to its
// events.
func ExampleStore() {
	s := store.New(store.Options{Server: "wss://ops.example.com/ws"})
	done := make(chan struct{})
	s.SubscribeEvents(func(ev store.Event, st store.State) {
		switch e := ev.(type) {
		case store.Revealed:
			fmt.Printf("catch-up: %d open (first: %v)\n", len(e.Incidents), e.First)
		case store.Opened:
			fmt.Printf("opened: %s (%s)\n", e.Incident.Title, e.Incident.Severity)
			close(done)
		}
	})
	_ = s.SetLink(store.LinkStatus{Link: store.LinkLive})
	cu := s.BeginCatchUp() // …then GET /api/incidents…
	_, _ = s.CaughtUp(cu, ops.Snapshot{Incidents: []ops.Incident{
		{UUID: "1", Title: "disk full", Severity: ops.Warning, CreatedAt: 1},
	}})
	_ = s.IncidentCreated(ops.Incident{UUID: "2", Title: "payments down", Severity: ops.Critical, CreatedAt: 2})
	<-done
	st := s.State()
	fmt.Println(len(st.Incidents), "open;", st.Knowledge == store.Current)
	s.Close()
	// Output:
	// catch-up: 1 open (first: true)
	// opened: payments down (critical)
	// 2 open; true
}

// Each server's connection driver feeds its own Feed; State shows the
// servers side by side and the worst one's link on top.
func ExampleFeed() {
	s := store.New(store.Options{})
	defer s.Close()
	prod, staging := s.Feed("prod", "Production"), s.Feed("staging", "Staging")
	_ = prod.SetLink(store.LinkStatus{Link: store.LinkLive})
	_, _ = prod.CaughtUp(prod.BeginCatchUp(), ops.Snapshot{})
	_ = staging.SetLink(store.LinkStatus{Link: store.LinkReconnecting, Reason: "connection refused"})
	// The same uuid on two servers is two incidents.
	_ = prod.IncidentCreated(ops.Incident{UUID: "7", Title: "disk full", Severity: ops.Critical, CreatedAt: 2})
	_ = staging.IncidentCreated(ops.Incident{UUID: "7", Title: "disk full", Severity: ops.Warning, CreatedAt: 1})

	st := s.State()
	for _, srv := range st.Servers {
		fmt.Printf("%s: %s, %d open (%d critical)\n", srv.Name, srv.Link, srv.Open, srv.Critical)
	}
	fmt.Println("worst:", st.Link, "-", st.Reason)
	for _, in := range st.Incidents {
		fmt.Println(in.Server, in.UUID, in.Severity)
	}
	for _, in := range st.Unacknowledged(ops.Critical) {
		fmt.Println("to acknowledge on", in.Server+":", in.Title)
	}
	// Output:
	// Production: live, 1 open (1 critical)
	// Staging: reconnecting, 1 open (0 critical)
	// worst: reconnecting - connection refused
	// prod 7 critical
	// staging 7 warning
	// to acknowledge on prod: disk full
}
