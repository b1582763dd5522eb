package app

import (
	"strings"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// at is 2026-12-01 at hh:mm:ss local time.
func at(hh, mm, ss int) time.Time { return time.Date(2026, 12, 1, hh, mm, ss, 0, time.Local) }

func TestBannersSayWhatIsNotKnown(t *testing.T) {
	now := at(17, 35, 0)
	cases := []struct {
		name string
		st   store.State
		want []string // each banner as "title | detail"
	}{
		{"never reached", store.State{Link: store.LinkReconnecting, Reason: "connection refused",
			Since: at(17, 30, 1), NextAttempt: now.Add(12 * time.Second)},
			[]string{"Not connected — incidents unknown | connection refused · since 17:30 · next attempt in 12s"}},
		{"connected, catching up", store.State{Link: store.LinkLive, Since: at(17, 34, 0)},
			[]string{"Connected — incidents not known yet | connected, catching up"}},
		{"rejected", store.State{Link: store.LinkRejected, Reason: "server rejected the token", Since: at(17, 0, 0)},
			[]string{"Not connected — incidents unknown | server rejected the token · since 17:00"}},
		{"stale", store.State{Link: store.LinkReconnecting, Knowledge: store.Stale, AsOf: at(17, 29, 3),
			Reason: "connection lost", Since: at(17, 29, 3)},
			[]string{"Not live — incidents as of 17:29 | connection lost · since 17:29"}},
		{"catch-up failing while stale", store.State{Link: store.LinkLive, Knowledge: store.Stale, AsOf: at(17, 29, 0),
			CatchUpErr: "HTTP 502", CatchUpRetry: now.Add(3 * time.Minute)},
			[]string{"Catching up — incidents as of 17:29 | HTTP 502 · retrying in 3 min"}},
		{"current", store.State{Link: store.LinkLive, Knowledge: store.Current, AsOf: at(17, 0, 0)}, nil},
		{"paused, criticals break through", store.State{Link: store.LinkLive, Knowledge: store.Current,
			PausedUntil: at(18, 35, 0), CriticalsBreakPause: true},
			[]string{"Notifications paused until 18:35 | criticals still notify"}},
		{"pause over", store.State{Link: store.LinkLive, Knowledge: store.Current, PausedUntil: at(17, 0, 0)}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, b := range bannersOf(tc.st, newMoment(now)) {
				got = append(got, b.Title+" | "+b.Detail)
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("banners:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestSyncLineMovesWhileCurrent(t *testing.T) {
	st := store.ServerState{Link: store.LinkLive, Knowledge: store.Current, AsOf: at(17, 29, 3)}
	line := func(now time.Time) string { return syncLine(st, newMoment(now)) }
	if a, b := line(at(17, 35, 0)), line(at(17, 36, 0)); a == b {
		t.Fatalf("sync line frozen while current: %q", a)
	}
	if a, b := line(at(17, 35, 0)), line(at(17, 35, 59)); a != b {
		t.Fatalf("sync line changes within a minute (a repaint a second): %q, %q", a, b)
	}
	st.Knowledge = store.Stale
	if got := line(at(17, 40, 0)); got != "As of 17:29" {
		t.Fatalf("stale sync line %q", got)
	}
}

func TestOrderedCriticalFirst(t *testing.T) {
	in := []store.Incident{
		{Incident: ops.Incident{UUID: "w1", Severity: ops.Warning}},
		{Incident: ops.Incident{UUID: "c1", Severity: ops.Critical}},
		{Incident: ops.Incident{UUID: "i1", Severity: ops.Info}},
		{Incident: ops.Incident{UUID: "c2", Severity: ops.Critical}},
	}
	var got []string
	for _, x := range ordered(in, OrderCritical, "") {
		got = append(got, x.UUID)
	}
	if strings.Join(got, " ") != "c1 c2 w1 i1" {
		t.Fatalf("critical first gave %v", got)
	}
	if in[0].UUID != "w1" || ordered(in, OrderNewest, "")[0].UUID != "w1" {
		t.Fatal("ordering modified the store's slice or the newest order")
	}
}
