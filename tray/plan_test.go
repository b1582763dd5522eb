package tray

import (
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/store"
)

func TestPlan(t *testing.T) {
	live := store.State{Link: store.LinkLive, Knowledge: store.Current}
	counted := live
	counted.Incidents = ackedCritical
	down := live
	down.Link = store.LinkReconnecting // Reconnect now becomes enabled
	down.Knowledge = store.Stale
	down.Reason = "connection reset" // a reason line appears
	paused := live
	paused.PausedUntil = now.Add(time.Hour)
	refused := store.State{Link: store.LinkReconnecting, Reason: "connection refused"}
	reset := refused
	reset.Reason = "connection reset"

	items := func(s store.State) []Item { return Build(s, now).Items }
	last := now.Add(-300 * time.Millisecond)
	for _, tc := range []struct {
		name     string
		from, to store.State
		lastAt   time.Time
		want     change
		wantWait time.Duration
	}{
		{"same", live, live, last, unchanged, 0},
		{"summary only, soon after the last update", live, counted, last, unchanged, 700 * time.Millisecond},
		{"summary only, a second after", live, counted, now.Add(-MenuEvery), relabel, 0},
		{"summary only, clock went back", live, counted, now.Add(time.Minute), relabel, 0},
		{"reason only, soon after", refused, reset, last, unchanged, 700 * time.Millisecond},
		{"a line appears", live, down, last, rebuild, 0},
		{"Reconnect now enabled", store.State{Link: store.LinkLive}, store.State{}, last, relabel, 0},
		{"pause replaces the pause items", live, paused, last, rebuild, 0},
		{"first menu", store.State{}, store.State{}, time.Time{}, rebuild, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			from := items(tc.from)
			if tc.name == "first menu" {
				from = nil
			}
			got, wait := plan(from, items(tc.to), tc.lastAt, now)
			if got != tc.want || wait != tc.wantWait {
				t.Errorf("plan = %v, %v; want %v, %v", got, wait, tc.want, tc.wantWait)
			}
		})
	}
}
