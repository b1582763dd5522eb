package notify

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/ops"
)

// The engine is pure: these tests move a fake clock by hand and run in
// microseconds.

var t0 = time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC)

func testEngine() *engine {
	e := newEngine(Options{Window: 4 * time.Second, Burst: 3, Remember: 8, AppName: "Warpdesk"})
	e.setRules(Rules{OutageNotice: DefaultOutageNotice}, t0)
	return e
}

func inc(id string, sev ops.Severity) ops.Incident {
	return ops.Incident{UUID: id, Title: "title " + id, Severity: sev, Room: "ops", CreatedAt: t0.UnixMilli()}
}

// drain takes everything due at now.
func drain(e *engine, now time.Time) []Notification {
	var out []Notification
	for {
		n, ok := e.next(now)
		if !ok {
			return out
		}
		out = append(out, n)
	}
}

func TestEngineSingle(t *testing.T) {
	e := testEngine()
	if d := e.incident("", ops.Incident{UUID: "u1", Title: "DB <primary> down", Severity: "critical", Room: "ops", CreatedAt: t0.Add(-2 * time.Minute).UnixMilli()}, t0); d != Notify {
		t.Fatalf("decision %v", d)
	}
	got := drain(e, t0)
	if len(got) != 1 {
		t.Fatalf("got %d notifications", len(got))
	}
	n := got[0]
	if n.Summary != "Critical: DB <primary> down" || n.Body != "ops · 09:58" || n.Urgency != Critical || n.ID != "u1" || n.Tag != "" {
		t.Fatalf("notification %+v", n)
	}
	if !e.deadline(t0).IsZero() {
		t.Fatalf("deadline %v with nothing pending", e.deadline(t0))
	}
	// Created on another day: the date shows; no room: just the time.
	e.incident("", ops.Incident{UUID: "u2", Title: "x", CreatedAt: t0.AddDate(0, 0, -1).UnixMilli()}, t0.Add(time.Hour))
	if b := drain(e, t0.Add(time.Hour))[0].Body; b != "Mar 13 10:00, 25 h ago" {
		t.Fatalf("body %q", b)
	}
	e.incident("", ops.Incident{UUID: "u3"}, t0.Add(2*time.Hour))
	if s := drain(e, t0.Add(2*time.Hour))[0]; s.Summary != "Info: New incident" || s.Urgency != Low || s.Body != "12:00" {
		t.Fatalf("empty incident: %+v", s)
	}
}

func TestEngineStormCoalesces(t *testing.T) {
	e := testEngine()
	var decisions [8]int
	// 200 incidents in one second, every tenth critical.
	for i := range 200 {
		sev := ops.Info
		if i%10 == 9 {
			sev = ops.Critical
		} else if i%2 == 1 {
			sev = ops.Warning
		}
		at := t0.Add(time.Duration(i) * 5 * time.Millisecond)
		decisions[e.incident("", inc(fmt.Sprint(i), sev), at)]++
	}
	if decisions[Notify] != 3 || decisions[Coalesced] != 197 {
		t.Fatalf("decisions %v", decisions)
	}
	first := drain(e, t0.Add(time.Second))
	if len(first) != 3 {
		t.Fatalf("%d notifications before the window ends, want the burst of 3", len(first))
	}
	if dl := e.deadline(t0); !dl.Equal(t0.Add(4 * time.Second)) {
		t.Fatalf("deadline %v, want window end", dl)
	}
	if got := drain(e, t0.Add(3999*time.Millisecond)); len(got) != 0 {
		t.Fatalf("summary before the window ended: %+v", got)
	}
	sum := drain(e, t0.Add(4*time.Second))
	if len(sum) != 1 {
		t.Fatalf("%d notifications at window end, want 1 summary", len(sum))
	}
	s := sum[0]
	// 20 criticals among the 200, none of them in the first 3.
	if s.Summary != "197 new incidents, 20 critical" || s.Urgency != Critical || s.ID != "" || s.Tag != "summary" {
		t.Fatalf("summary %+v", s)
	}
	// The summary names criticals first and counts the rest.
	lines := strings.Split(s.Body, "\n")
	if len(lines) != maxListed+1 || !strings.HasPrefix(lines[0], "Critical: title 9 (ops)") || lines[maxListed] != "and 193 more" {
		t.Fatalf("summary body %q", s.Body)
	}
	for _, l := range lines[:maxListed] {
		if !strings.HasPrefix(l, "Critical:") {
			t.Fatalf("non-critical listed before criticals: %q", s.Body)
		}
	}
	// A lone incident right after the summary waits for the window
	// (the storm may not be over), then shows on its own.
	e.incident("", inc("late", ops.Warning), t0.Add(5*time.Second))
	if got := drain(e, t0.Add(5*time.Second)); len(got) != 0 {
		t.Fatalf("incident right after a summary shown at once: %+v", got)
	}
	got := drain(e, t0.Add(8*time.Second))
	if len(got) != 1 || got[0].Summary != "Warning: title late" || got[0].ID != "late" {
		t.Fatalf("lone pending incident: %+v", got)
	}
	// After a quiet window, incidents notify at once again.
	e.incident("", inc("fresh", ops.Info), t0.Add(20*time.Second))
	if got := drain(e, t0.Add(20*time.Second)); len(got) != 1 {
		t.Fatalf("after the storm: %+v", got)
	}
}

// A slow deliverer: the outbox never exceeds Burst; the rest is counted.
func TestEngineBoundedWhenDeliveryStalls(t *testing.T) {
	e := testEngine()
	for i := range 10_000 {
		e.incident("", inc(fmt.Sprint(i), ops.Critical), t0.Add(time.Duration(i)*time.Second))
	}
	if len(e.outbox) > e.burst || len(e.pend.listed) > maxListed {
		t.Fatalf("outbox %d, listed %d", len(e.outbox), len(e.pend.listed))
	}
	got := drain(e, t0.Add(10_000*time.Second))
	total := 0
	for _, n := range got {
		if n.Tag == "summary" {
			var k int
			fmt.Sscanf(n.Summary, "%d new", &k)
			total += k
		} else {
			total++
		}
	}
	if total != 10_000 {
		t.Fatalf("shown or counted %d of 10000 criticals", total)
	}
}

func TestEngineDedupe(t *testing.T) {
	e := testEngine() // remembers 8
	if e.incident("", inc("a", ops.Info), t0) != Notify {
		t.Fatal("first sight")
	}
	if d := e.incident("", inc("a", ops.Critical), t0.Add(time.Hour)); d != Duplicate {
		t.Fatalf("replay: %v", d)
	}
	// Filtered incidents are remembered too: a catch-up after the pause
	// must not notify what arrived during it.
	e.setRules(Rules{PausedUntil: t0.Add(2 * time.Hour), PauseCriticals: true}, t0)
	if d := e.incident("", inc("b", ops.Critical), t0.Add(time.Hour)); d != Paused {
		t.Fatalf("paused: %v", d)
	}
	e.setRules(Rules{}, t0)
	if d := e.incident("", inc("b", ops.Critical), t0.Add(3*time.Hour)); d != Duplicate {
		t.Fatalf("replay after pause: %v", d)
	}
	// Empty UUIDs are never duplicates.
	for range 2 {
		if e.incident("", ops.Incident{}, t0.Add(4*time.Hour)) == Duplicate {
			t.Fatal("empty UUID deduplicated")
		}
	}
	// Memory is bounded: after 8 newer ids, "a" is forgotten.
	for i := range 8 {
		e.incident("", inc(fmt.Sprint(i), ops.Info), t0.Add(5*time.Hour))
	}
	if len(e.seen.set) != 8 {
		t.Fatalf("remembering %d ids, want 8", len(e.seen.set))
	}
	if d := e.incident("", inc("a", ops.Info), t0.Add(6*time.Hour)); d == Duplicate {
		t.Fatal("ring did not forget")
	}
}

// What a pause or quiet hours held back comes as one digest when the
// silence ends, and never before.
func TestEngineDigestPause(t *testing.T) {
	e := testEngine()
	until := t0.Add(time.Hour)
	e.setRules(Rules{PausedUntil: until, MutedRooms: []string{"ci"}}, t0)
	e.incident("", inc("i1", ops.Info), t0)
	e.incident("", inc("c1", ops.Critical), t0.Add(time.Minute))
	e.incident("", inc("c1", ops.Critical), t0.Add(2*time.Minute)) // duplicate
	e.incident("", ops.Incident{UUID: "m1", Severity: ops.Critical, Room: "ci"}, t0)
	e.incident("", inc("w1", ops.Warning), t0.Add(3*time.Minute))
	// The critical one broke through the pause at once.
	if got := drain(e, until.Add(-time.Second)); len(got) != 1 || got[0].ID != "c1" {
		t.Fatalf("during the pause: %+v", got)
	}
	if dl := e.deadline(t0); !dl.Equal(until) {
		t.Fatalf("deadline %v, want the pause's end %v", dl, until)
	}
	got := drain(e, until)
	if len(got) != 1 {
		t.Fatalf("after the pause: %+v", got)
	}
	want := Notification{
		Summary: "2 incidents while notifications were paused",
		Body:    "Warning: title w1 (ops)\nInfo: title i1 (ops)",
		Urgency: Normal,
		Tag:     "digest",
	}
	if n := got[0]; n.Summary != want.Summary || n.Body != want.Body || n.Urgency != want.Urgency || n.Tag != want.Tag {
		t.Fatalf("digest %+v\nwant %+v", n, want)
	}
	if len(drain(e, until.Add(time.Hour))) != 0 || !e.deadline(until).IsZero() {
		t.Fatal("the digest came twice")
	}
}

func TestEngineDigestResumedEarly(t *testing.T) {
	e := testEngine()
	e.setRules(Rules{PausedUntil: PauseUntilTomorrow(t0)}, t0)
	e.incident("", inc("w1", ops.Warning), t0)
	e.setRules(Rules{}, t0) // the tray's "Resume notifications"
	got := drain(e, t0.Add(time.Minute))
	if len(got) != 1 || got[0].Summary != "1 incident while notifications were paused" || got[0].Urgency != Normal {
		t.Fatalf("got %+v", got)
	}
}

func TestEngineDigestQuietHours(t *testing.T) {
	e := testEngine()
	q := QuietHours{Enabled: true, Start: At(22, 0), End: At(7, 0)}
	e.setRules(Rules{QuietHours: q}, t0)
	night := time.Date(2026, 3, 14, 23, 30, 0, 0, time.UTC)
	if d := e.incident("", inc("w1", ops.Warning), night); d != Quiet {
		t.Fatalf("warning at night: %v", d)
	}
	if d := e.incident("", inc("c1", ops.Critical), night); d != Notify {
		t.Fatalf("critical at night: %v", d)
	}
	if got := drain(e, night); len(got) != 1 || got[0].ID != "c1" {
		t.Fatalf("at night: %+v", got)
	}
	morning := time.Date(2026, 3, 15, 7, 0, 0, 0, time.UTC)
	if dl := e.deadline(night); !dl.Equal(morning) {
		t.Fatalf("deadline %v, want %v", dl, morning)
	}
	got := drain(e, morning)
	if len(got) != 1 || got[0].Summary != "1 incident during quiet hours" || got[0].Body != "Warning: title w1 (ops)" {
		t.Fatalf("in the morning: %+v", got)
	}
}

func TestEngineDigestPauseIntoQuietHours(t *testing.T) {
	e := testEngine()
	q := QuietHours{Enabled: true, Start: At(22, 0), End: At(7, 0)}
	evening := time.Date(2026, 3, 14, 21, 0, 0, 0, time.UTC)
	e.setRules(Rules{QuietHours: q, PausedUntil: evening.Add(2 * time.Hour)}, t0)
	e.incident("", inc("w1", ops.Warning), evening)
	if dl := e.deadline(evening); !dl.Equal(evening.Add(2 * time.Hour)) {
		t.Fatalf("deadline %v", dl)
	}
	// The pause ends inside quiet hours: still silent, look again at 07:00.
	at := evening.Add(2 * time.Hour)
	if got := drain(e, at); len(got) != 0 {
		t.Fatalf("inside quiet hours: %+v", got)
	}
	e.incident("", inc("i1", ops.Info), at)
	morning := time.Date(2026, 3, 15, 7, 0, 0, 0, time.UTC)
	if dl := e.deadline(at); !dl.Equal(morning) {
		t.Fatalf("deadline %v, want %v", dl, morning)
	}
	got := drain(e, morning)
	if len(got) != 1 || got[0].Summary != "2 incidents while notifications were silenced" {
		t.Fatalf("got %+v", got)
	}
}

func TestEngineRetryHoldsTheQueue(t *testing.T) {
	e := testEngine()
	e.incident("", inc("a", ops.Warning), t0)
	e.incident("", inc("b", ops.Warning), t0)
	n, _ := e.next(t0)
	if wait, ok := e.failed(n, t0); !ok || wait != 2*time.Second {
		t.Fatalf("first failure: retry in %v, %v", wait, ok)
	}
	if dl := e.deadline(t0); !dl.Equal(t0.Add(2 * time.Second)) {
		t.Fatalf("deadline %v", dl)
	}
	if got := drain(e, t0.Add(time.Second)); len(got) != 0 {
		t.Fatalf("delivered %+v while a retry waits", got)
	}
	if got := drain(e, t0.Add(2*time.Second)); len(got) != 2 || got[0].ID != "a" || got[1].ID != "b" {
		t.Fatalf("after the wait: %+v", got)
	}
	// A success resets the count: the next failure waits 2 s again.
	e.incident("", inc("c", ops.Warning), t0.Add(time.Hour))
	n, _ = e.next(t0.Add(time.Hour))
	if wait, _ := e.failed(n, t0.Add(time.Hour)); wait != 2*time.Second {
		t.Fatalf("after a success: retry in %v", wait)
	}
}

// A critical incident breaks through a pause (the user forgot the pause, not
// the on-call duty), unless the rules say a pause holds criticals too; then
// it waits for the digest like the rest.
func TestEnginePauseAndCriticals(t *testing.T) {
	until := t0.Add(time.Hour)
	e := testEngine()
	e.setRules(Rules{PausedUntil: until}, t0)
	if d := e.incident("", inc("c1", ops.Critical), t0); d != Notify {
		t.Fatalf("critical during a pause: %v", d)
	}
	if d := e.incident("", inc("w1", ops.Warning), t0); d != Paused {
		t.Fatalf("warning during a pause: %v", d)
	}
	if got := drain(e, t0); len(got) != 1 || got[0].ID != "c1" || got[0].Urgency != Critical {
		t.Fatalf("delivered during the pause: %+v", got)
	}

	e = testEngine()
	e.setRules(Rules{PausedUntil: until, PauseCriticals: true}, t0)
	if d := e.incident("", inc("c1", ops.Critical), t0); d != Paused {
		t.Fatalf("critical in a pause that holds criticals: %v", d)
	}
	if got := drain(e, t0); len(got) != 0 {
		t.Fatalf("delivered during the pause: %+v", got)
	}
	if got := drain(e, until); len(got) != 1 || got[0].Tag != "digest" || got[0].Urgency != Critical {
		t.Fatalf("after the pause: %+v", got)
	}
}
