package notify

import (
	"strings"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/ops"
)

// Settled takes an incident out of what is still to come, on the
// engine's hand-moved clock: the burst summary, the digest and the
// recovery notice say what is still open.
func TestEngineSettledPrunesSummaries(t *testing.T) {
	t.Run("burst summary", func(t *testing.T) {
		e := testEngine()
		for _, id := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i"} {
			e.incident("", inc(id, ops.Warning), t0)
		}
		drain(e, t0) // a, b, c on their own; d–i wait (d–g named)
		for _, id := range []string{"d", "e", "f", "g", "h"} {
			e.settled("", id)
		}
		got := drain(e, t0.Add(4*time.Second))
		if len(got) != 1 || got[0].Summary != "1 new incident" || got[0].Body != "and 1 more" {
			t.Fatalf("summary %+v, want one open incident counted", got)
		}
	})
	t.Run("digest", func(t *testing.T) {
		e := testEngine()
		until := t0.Add(time.Hour)
		e.setRules(Rules{PausedUntil: until, PauseCriticals: true}, t0)
		e.incident("", inc("c1", ops.Critical), t0)
		e.incident("", inc("w1", ops.Warning), t0)
		e.incident("", inc("w2", ops.Warning), t0)
		e.settled("", "c1")
		e.settled("", "w1")
		e.settled("", "w1") // twice: harmless
		e.settled("", "nobody")
		got := drain(e, until)
		if len(got) != 1 || got[0].Summary != "1 incident while notifications were paused" ||
			got[0].Body != "Warning: title w2 (ops)" || got[0].Urgency != Normal || got[0].Sound != "" {
			t.Fatalf("digest %+v, want w2 alone, no longer critical", got)
		}
		e.setRules(Rules{PausedUntil: until.Add(time.Hour)}, until)
		e.incident("", inc("w3", ops.Warning), until)
		e.settled("", "w3")
		if dl := e.deadline(until); !dl.IsZero() {
			t.Fatalf("deadline %v with nothing held", dl)
		}
		if got := drain(e, until.Add(2*time.Hour)); len(got) != 0 {
			t.Fatalf("a digest of settled incidents: %+v", got)
		}
	})
	t.Run("recovery notice", func(t *testing.T) {
		e := testEngine()
		e.lost("", t0, false)
		drain(e, t0.Add(DefaultOutageNotice)) // the notice is up
		back := t0.Add(time.Hour)
		e.revealed("", []ops.Incident{inc("r1", ops.Warning), inc("r2", ops.Critical)}, back)
		e.settled("", "r2")
		e.restored("", back)
		got := drain(e, back)
		if len(got) != 1 || strings.Contains(got[0].Summary+got[0].Body, "r2") || strings.Contains(got[0].Summary, "critical") {
			t.Fatalf("recovery notice %+v names the settled r2", got)
		}
	})
	t.Run("waiting to be retried", func(t *testing.T) {
		e := testEngine()
		e.incident("", inc("w1", ops.Warning), t0)
		n, _ := e.next(t0)
		e.failed(n, t0)
		e.settled("", "w1")
		if got := drain(e, t0.Add(time.Minute)); len(got) != 0 {
			t.Fatalf("a settled incident's notification was retried: %+v", got)
		}
	})
	t.Run("same incident twice", func(t *testing.T) {
		var p pending
		p.add(inc("x", ops.Critical), "", "")
		p.add(inc("x", ops.Critical), "", "")
		p.add(inc("x", ops.Critical), "lab", "Lab")
		if p.total != 2 || !p.settle("", "x") || p.total != 1 || p.worst != Critical {
			t.Fatalf("pending %+v", p)
		}
	})
}
