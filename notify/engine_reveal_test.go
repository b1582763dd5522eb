package notify

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/ops"
)

// A first connection that never comes raises the same debounced notice as
// a lost one, worded for what the user needs to know: nothing is known.
func TestEngineNeverConnectedNotice(t *testing.T) {
	e := testEngine()
	e.outage("").lost(t0, e.rules) // at start: not up yet
	if got := drain(e, t0.Add(DefaultOutageNotice-time.Second)); len(got) != 0 {
		t.Fatalf("before the debounce: %+v", got)
	}
	got := drain(e, t0.Add(DefaultOutageNotice))
	if len(got) != 1 || got[0].Summary != "Warpdesk cannot connect" || !strings.Contains(got[0].Body, "unknown") || got[0].Tag != tagConnection {
		t.Fatalf("notice %+v", got)
	}
	// It finally connects and the first catch-up finds two incidents.
	e.revealed("", []ops.Incident{inc("c1", ops.Critical), inc("w1", ops.Warning)}, t0.Add(time.Hour))
	e.restored("", t0.Add(time.Hour))
	got = drain(e, t0.Add(time.Hour))
	if len(got) != 1 || got[0].Summary != "Connected — 2 open incidents, 1 critical" || got[0].Tag != tagConnection || got[0].Urgency != Critical {
		t.Fatalf("recovery %+v", got)
	}
}

// Once the outage notice was shown, the recovery replaces it (same tag)
// and carries what the catch-up found meanwhile; a blip shows nothing.
func TestEngineBackOnline(t *testing.T) {
	up := func() *engine {
		e := testEngine()
		e.restored("", t0.Add(-time.Hour))
		e.outage("").lost(t0, e.rules)
		return e
	}
	t.Run("with news", func(t *testing.T) {
		e := up()
		if n := drain(e, t0.Add(DefaultOutageNotice)); len(n) != 1 || n[0].Summary != "Warpdesk is offline" {
			t.Fatalf("notice %+v", n)
		}
		back := t0.Add(20 * time.Minute)
		e.revealed("", []ops.Incident{inc("w1", ops.Warning), inc("c1", ops.Critical), inc("i1", ops.Info)}, back)
		if n := drain(e, back); len(n) != 0 {
			t.Fatalf("revealed while the notice is up went out alone: %+v", n)
		}
		e.restored("", back)
		got := drain(e, back)
		if len(got) != 1 {
			t.Fatalf("recovery %+v", got)
		}
		n := got[0]
		if n.Summary != "Back online — 3 new while offline, 1 critical" || n.Tag != tagConnection || n.Urgency != Critical ||
			!strings.HasPrefix(n.Body, "Critical: title c1 (ops, opened 20 min ago)\n") {
			t.Fatalf("recovery %+v", n)
		}
	})
	t.Run("nothing new", func(t *testing.T) {
		e := up()
		drain(e, t0.Add(DefaultOutageNotice))
		e.restored("", t0.Add(5*time.Minute))
		got := drain(e, t0.Add(5*time.Minute))
		if len(got) != 1 || got[0].Summary != "Back online" || got[0].Tag != tagConnection || got[0].Urgency != Low ||
			got[0].Body != "Connected again at 10:05; offline since 10:00." {
			t.Fatalf("recovery %+v", got)
		}
	})
	t.Run("blip", func(t *testing.T) {
		e := up()
		e.restored("", t0.Add(time.Minute))
		if got := drain(e, t0.Add(time.Hour)); len(got) != 0 {
			t.Fatalf("after a blip: %+v", got)
		}
	})
	t.Run("notice not delivered yet", func(t *testing.T) {
		e := up()
		n, ok := e.next(t0.Add(DefaultOutageNotice))
		if !ok || n.Tag != tagConnection {
			t.Fatalf("notice %+v", n)
		}
		e.enqueue(n) // still waiting (say the deliverer is slow)
		e.restored("", t0.Add(DefaultOutageNotice+time.Second))
		if got := drain(e, t0.Add(time.Hour)); len(got) != 1 || got[0].Summary != "Back online" {
			t.Fatalf("the recovery must replace the waiting notice: %+v", got)
		}
	})
}

// What a catch-up reveals notifies: a few one by one, saying when they are
// old; more as one summary; duplicates and the rules apply as for live ones.
func TestEngineRevealed(t *testing.T) {
	t.Run("few", func(t *testing.T) {
		e := testEngine()
		now := t0.Add(2 * time.Hour)
		e.revealed("", []ops.Incident{inc("c1", ops.Critical), {UUID: "w1", Title: "fresh", Severity: ops.Warning, CreatedAt: now.Add(-time.Minute).UnixMilli()}}, now)
		got := drain(e, now)
		if len(got) != 2 || got[0].ID != "c1" || got[0].Body != "ops · 10:00, 2 h ago" || got[1].Body != "11:59" {
			t.Fatalf("few: %+v", got)
		}
	})
	t.Run("many", func(t *testing.T) {
		e := testEngine()
		e.incident("", inc("seen", ops.Critical), t0) // arrived live: not news
		drain(e, t0)
		e.setRules(Rules{MutedRooms: []string{"ci"}}, t0)
		var found []ops.Incident
		for i, sev := range []ops.Severity{ops.Warning, ops.Critical, ops.Info, ops.Critical, ops.Warning} {
			found = append(found, inc(fmt.Sprint("r", i), sev))
		}
		found = append(found, inc("seen", ops.Critical), ops.Incident{UUID: "m", Title: "muted", Severity: ops.Critical, Room: "ci"})
		now := t0.Add(3 * time.Hour)
		e.revealed("", found, now)
		got := drain(e, now)
		if len(got) != 1 {
			t.Fatalf("many: %+v", got)
		}
		n := got[0]
		if n.Summary != "5 open incidents, 2 critical — opened while Warpdesk was offline" || n.Tag != tagCatchUp || n.Urgency != Critical ||
			!strings.HasPrefix(n.Body, "Critical: title r1 (ops, opened 3 h ago)\nCritical: title r3") || !strings.HasSuffix(n.Body, "and 1 more") {
			t.Fatalf("summary %+v", n)
		}
		e.revealed("", found, now.Add(time.Minute)) // the next catch-up finds the same
		if got := drain(e, now.Add(time.Hour)); len(got) != 0 {
			t.Fatalf("revealed twice: %+v", got)
		}
	})
	t.Run("paused", func(t *testing.T) {
		e := testEngine()
		e.setRules(Rules{PausedUntil: t0.Add(time.Hour)}, t0)
		e.revealed("", []ops.Incident{inc("c1", ops.Critical), inc("w1", ops.Warning)}, t0)
		if got := drain(e, t0); len(got) != 1 || got[0].ID != "c1" {
			t.Fatalf("during the pause: %+v", got)
		}
		if got := drain(e, t0.Add(time.Hour)); len(got) != 1 || got[0].Tag != tagDigest {
			t.Fatalf("after the pause: %+v", got)
		}
	})
}
