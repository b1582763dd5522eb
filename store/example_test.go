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
