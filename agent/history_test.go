package agent

import (
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/history"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// historyAgent is the part of an agent startHistory needs: a store and a
// logger, with the history under a throwaway XDG_DATA_HOME.
func historyAgent(t *testing.T) *Agent {
	t.Helper()
	st := store.New(store.Options{})
	a := &Agent{st: st, log: slog.New(slog.DiscardHandler), closer: []func(){st.Close}}
	t.Cleanup(func() { a.Close() })
	return a
}

// waitHistory polls h until the search finds want, in order.
func waitHistory(t *testing.T, h interface {
	Search(string, int) ([]history.Record, error)
}, want []string) []history.Record {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		rs, err := h.Search("", 0)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]string, len(rs))
		for i, r := range rs {
			got[i] = r.Incident.UUID
		}
		if slices.Equal(got, want) {
			return rs
		}
		if time.Now().After(deadline) {
			t.Fatalf("the history holds %v, want %v", got, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestSettledIncidentsAreKeptAcrossARestart: what the store settles —
// acknowledged by someone, resolved — is recorded in the history under
// the data directory, and an agent started later finds it there.
func TestSettledIncidentsAreKeptAcrossARestart(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	a := historyAgent(t)
	h := a.startHistory()
	if h == nil {
		t.Fatal("no history")
	}
	now := time.Now()
	for _, id := range []string{"u1", "u2", "u3"} {
		if err := a.st.IncidentCreated(ops.Incident{UUID: id, Title: "incident " + id, Severity: ops.Critical, CreatedAt: now.UnixMilli()}); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.st.IncidentAcknowledged(ops.Acknowledgement{UUID: "u1", By: "bob", At: now.UnixMilli()}); err != nil {
		t.Fatal(err)
	}
	if err := a.st.IncidentResolved("u2"); err != nil {
		t.Fatal(err)
	}
	rs := waitHistory(t, h, []string{"u2", "u1"})
	if !rs[0].Resolved || rs[1].Resolved || rs[1].Incident.AcknowledgedBy != "bob" {
		t.Errorf("recorded %+v, want u2 resolved and u1 acknowledged by bob", rs)
	}
	a.Close()

	b := historyAgent(t)
	h = b.startHistory()
	if h == nil {
		t.Fatal("no history after a restart")
	}
	waitHistory(t, h, []string{"u2", "u1"})
}

// TestHistoryHeldElsewhereLeavesTheAgentRunning: a second Warpdesk finds
// the history locked, and runs on without one instead of hanging.
func TestHistoryHeldElsewhereLeavesTheAgentRunning(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	first := historyAgent(t)
	if first.startHistory() == nil {
		t.Fatal("no history for the first agent")
	}
	second := historyAgent(t)
	if h := second.startHistory(); h != nil {
		t.Fatal("the second agent opened the history the first one holds")
	}
}

// TestResolvedWhileAwayIsKept: an incident that a catch-up no longer
// finds was resolved while Warpdesk was not listening; the history keeps
// it too, marked Away.
func TestResolvedWhileAwayIsKept(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	a := historyAgent(t)
	h := a.startHistory()
	if h == nil {
		t.Fatal("no history")
	}
	now := time.Now().UnixMilli()
	x := ops.Incident{UUID: "x", Title: "disk full", Severity: ops.Critical, CreatedAt: now}
	y := ops.Incident{UUID: "y", Title: "slow", Severity: ops.Warning, CreatedAt: now}
	if err := a.st.SetLink(store.LinkStatus{Link: store.LinkLive}); err != nil {
		t.Fatal(err)
	}
	for _, snap := range []ops.Snapshot{{Incidents: []ops.Incident{x, y}}, {Incidents: []ops.Incident{y}}} {
		if _, err := a.st.CaughtUp(a.st.BeginCatchUp(), snap); err != nil {
			t.Fatal(err)
		}
	}
	rs := waitHistory(t, h, []string{"x"})
	if !rs[0].Resolved || !rs[0].Away {
		t.Errorf("recorded %+v, want x resolved while away", rs[0])
	}
}

// TestHistoryKeepsWhatSettlesAtShutdown: an incident that settles while
// the agent closes, its Settled still queued in the store, is kept: the
// history closes after the store has delivered everything.
func TestHistoryKeepsWhatSettlesAtShutdown(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	st := store.New(store.Options{})
	hold := make(chan struct{})
	// Closers run in reverse: the dispatcher is released just before the
	// store closes.
	a := &Agent{st: st, log: slog.New(slog.DiscardHandler), closer: []func(){st.Close, func() { close(hold) }}}
	if a.startHistory() == nil {
		t.Fatal("no history")
	}
	if err := st.IncidentCreated(ops.Incident{UUID: "x", Title: "disk full", Severity: ops.Critical, CreatedAt: time.Now().UnixMilli()}); err != nil {
		t.Fatal(err)
	}
	calls, held := 0, make(chan struct{})
	st.Subscribe(func(store.State) { // holds the dispatcher at the next State
		if calls++; calls == 2 {
			close(held)
			<-hold
		}
	})
	if err := st.IncidentResolved("x"); err != nil {
		t.Fatal(err)
	}
	<-held
	a.Close()

	path, err := history.DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	h, err := history.Open(path, history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	waitHistory(t, h, []string{"x"})
}
