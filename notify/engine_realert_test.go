package notify

import (
	"strings"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/ops"
)

// Re-alerts on the engine's hand-moved clock: an unacknowledged critical
// is notified again every Rules.ReAlert until Settled; the rules in force
// when one is due decide, as for any critical.

func reAlertEngine(r Rules) *engine {
	e := newEngine(Options{Window: 4 * time.Second, Burst: 3, Remember: 64, AppName: "Warpdesk"})
	e.setRules(r, t0)
	return e
}

// wake is what the delivery goroutine does when its one timer fires: it
// sleeps until the engine's deadline and takes what is due then.
func wake(t *testing.T, e *engine, from time.Time) (time.Time, []Notification) {
	t.Helper()
	dl := e.deadline(from)
	if dl.IsZero() {
		t.Fatalf("no deadline after %v: nothing would wake the notifier", from.Sub(t0))
	}
	return dl, drain(e, dl)
}

func TestEngineReAlertInterval(t *testing.T) {
	e := reAlertEngine(Rules{ReAlert: 5 * time.Minute, CriticalSound: true})
	e.incident("", inc("c1", ops.Critical), t0)
	e.incident("", inc("w1", ops.Warning), t0)
	first := drain(e, t0)
	if len(first) != 2 || first[0].Sound != SoundCritical || first[1].Sound != "" {
		t.Fatalf("first notifications %+v: want the critical with SoundCritical, the warning silent", first)
	}
	at := t0
	for i := 1; i <= 3; i++ {
		var got []Notification
		at, got = wake(t, e, at)
		if want := t0.Add(time.Duration(i) * 5 * time.Minute); !at.Equal(want) {
			t.Fatalf("re-alert %d due at +%v, want +%v", i, at.Sub(t0), want.Sub(t0))
		}
		if len(got) != 1 || got[0].ID != "c1" || got[0].Urgency != Critical || got[0].Sound != SoundReAlert ||
			got[0].Tag != "realert::c1" {
			t.Fatalf("re-alert %d: %+v", i, got)
		}
		if want := "Unacknowledged for " + span(time.Duration(i)*5*time.Minute); !strings.HasPrefix(got[0].Body, want) {
			t.Fatalf("re-alert %d body %q, want it to start %q", i, got[0].Body, want)
		}
		if len(drain(e, at.Add(time.Minute))) != 0 {
			t.Fatalf("re-alert %d: more than one per interval", i)
		}
	}
}

func TestEngineReAlertStopsWhenSettled(t *testing.T) {
	e := reAlertEngine(Rules{ReAlert: 5 * time.Minute})
	e.incident("", inc("acked", ops.Critical), t0)
	e.incident("", inc("resolved", ops.Critical), t0.Add(time.Minute))
	drain(e, t0.Add(time.Minute))

	e.re.settle("", "acked") // acknowledged here or by anyone: same call
	at, got := wake(t, e, t0.Add(time.Minute))
	if len(got) != 1 || got[0].ID != "resolved" || !at.Equal(t0.Add(6*time.Minute)) {
		t.Fatalf("at +%v: %+v, want only the unsettled one at +6m", at.Sub(t0), got)
	}
	e.re.settle("", "resolved")
	if dl := e.deadline(at); !dl.IsZero() {
		t.Fatalf("deadline %v after every incident settled: the notifier would wake for nothing", dl)
	}
	if got := drain(e, at.Add(time.Hour)); len(got) != 0 {
		t.Fatalf("re-alerted after settling: %+v", got)
	}
}

func TestEngineReAlertOff(t *testing.T) {
	e := reAlertEngine(Rules{})
	e.incident("", inc("c1", ops.Critical), t0)
	drain(e, t0)
	if dl := e.deadline(t0); !dl.IsZero() {
		t.Fatalf("deadline %v with re-alerts off", dl)
	}
	if got := drain(e, t0.Add(24*time.Hour)); len(got) != 0 {
		t.Fatalf("re-alerted with ReAlert 0: %+v", got)
	}
	// Switched on later: the interval counts from then, not from the
	// incident (which would re-alert everything at once).
	on := t0.Add(time.Hour)
	e.setRules(Rules{ReAlert: 5 * time.Minute}, on)
	if at, got := wake(t, e, on); len(got) != 1 || !at.Equal(on.Add(5*time.Minute)) {
		t.Fatalf("after switching on: %+v at +%v", got, at.Sub(on))
	}
}

// Only criticals re-alert, and an incident that arrived acknowledged or
// muted is not watched.
func TestEngineReAlertWhatIsWatched(t *testing.T) {
	e := reAlertEngine(Rules{ReAlert: time.Minute, MutedRooms: []string{"ci"}, MutedServers: []string{"lab"}})
	e.incident("", inc("w1", ops.Warning), t0)
	acked := inc("acked", ops.Critical)
	acked.AcknowledgedBy = "bob"
	if d := e.incident("", acked, t0); d != Acknowledged {
		t.Fatalf("an acknowledged incident: %v", d)
	}
	muted := inc("muted", ops.Critical)
	muted.Room = "ci"
	e.incident("", muted, t0)
	e.incident("lab", inc("lab", ops.Critical), t0)
	drain(e, t0)
	if dl := e.deadline(t0); !dl.IsZero() {
		t.Fatalf("deadline %v: something is watched (%+v)", dl, e.re.list)
	}
}

// Quiet hours: a critical re-alerts through them, like any critical.
func TestEngineReAlertQuietHours(t *testing.T) {
	night := time.Date(2026, 3, 14, 23, 0, 0, 0, time.UTC)
	e := reAlertEngine(Rules{ReAlert: 5 * time.Minute, QuietHours: QuietHours{Enabled: true, Start: At(22, 0), End: At(7, 0)}})
	if d := e.incident("", inc("c1", ops.Critical), night); d != Notify {
		t.Fatalf("a critical in quiet hours: %v", d)
	}
	drain(e, night)
	if at, got := wake(t, e, night); len(got) != 1 || got[0].ID != "c1" || !at.Equal(night.Add(5*time.Minute)) {
		t.Fatalf("re-alert in quiet hours: %+v at %v", got, at)
	}
}

// A pause: criticals break through it by default, re-alerts too; with
// PauseCriticals a re-alert due during the pause is skipped (the pause's
// digest names the incident), and they resume after it.
func TestEngineReAlertPause(t *testing.T) {
	t.Run("criticals break through", func(t *testing.T) {
		e := reAlertEngine(Rules{ReAlert: 5 * time.Minute, PausedUntil: t0.Add(time.Hour)})
		e.incident("", inc("c1", ops.Critical), t0)
		drain(e, t0)
		if _, got := wake(t, e, t0); len(got) != 1 || got[0].ID != "c1" {
			t.Fatalf("re-alert in a pause: %+v", got)
		}
	})
	t.Run("pause holds criticals", func(t *testing.T) {
		until := t0.Add(12 * time.Minute)
		e := reAlertEngine(Rules{ReAlert: 5 * time.Minute, PausedUntil: until, PauseCriticals: true})
		if d := e.incident("", inc("c1", ops.Critical), t0); d != Paused {
			t.Fatalf("decision %v", d)
		}
		at := t0
		var got []Notification
		for at.Before(until) {
			at, got = wake(t, e, at)
			if at.Before(until) && len(got) != 0 {
				t.Fatalf("at +%v in the pause: %+v", at.Sub(t0), got)
			}
		}
		// The pause ends at +12m: the digest names c1; the next
		// re-alert is due at +15m, after the skipped ones at +5m, +10m.
		if len(got) != 1 || got[0].Tag != tagDigest || !strings.Contains(got[0].Body, "title c1") {
			t.Fatalf("at the pause's end (+%v): %+v", at.Sub(t0), got)
		}
		at, got = wake(t, e, at)
		if len(got) != 1 || got[0].ID != "c1" || !at.Equal(t0.Add(15*time.Minute)) {
			t.Fatalf("after the pause: %+v at +%v", got, at.Sub(t0))
		}
	})
}

// Criticals that arrived together re-alert together: up to Burst one by
// one, more as one summary that still names them.
func TestEngineReAlertTogether(t *testing.T) {
	e := reAlertEngine(Rules{ReAlert: 5 * time.Minute, CriticalSound: true})
	for i, id := range []string{"a", "b", "c", "d", "e"} {
		e.incident("", inc(id, ops.Critical), t0.Add(time.Duration(i)*time.Second))
	}
	drain(e, t0.Add(time.Minute))
	at, got := wake(t, e, t0.Add(time.Minute))
	if len(got) != 1 || got[0].Tag != tagReAlert || got[0].Sound != SoundReAlert || got[0].Urgency != Critical ||
		got[0].Summary != "5 critical incidents still unacknowledged" {
		t.Fatalf("at +%v: %+v", at.Sub(t0), got)
	}
	if len(drain(e, at.Add(30*time.Second))) != 0 {
		t.Fatal("the stragglers of the group re-alerted on their own")
	}
	e.re.settle("", "a")
	e.re.settle("", "b")
	_, got = wake(t, e, at)
	if len(got) != 3 || got[0].ID != "c" || got[2].ID != "e" {
		t.Fatalf("three left: %+v, want them one by one", got)
	}
}

// Memory stays bounded whatever a server sends: the oldest watch goes.
func TestEngineReAlertBounded(t *testing.T) {
	e := newEngine(Options{Window: time.Second, Burst: 1, Remember: 2 * maxWatched, AppName: "Warpdesk"})
	e.setRules(Rules{ReAlert: time.Minute}, t0)
	for i := range maxWatched + 10 {
		e.incident("", inc(string(rune('a'+i%26))+strings.Repeat("x", i/26), ops.Critical), t0)
	}
	if len(e.re.list) != maxWatched {
		t.Fatalf("%d watched, want the bound %d", len(e.re.list), maxWatched)
	}
}

func TestEngineCriticalSoundOff(t *testing.T) {
	e := reAlertEngine(Rules{ReAlert: time.Minute})
	e.incident("", inc("c1", ops.Critical), t0)
	got := drain(e, t0)
	_, again := wake(t, e, t0)
	if got[0].Sound != "" || again[0].Sound != "" {
		t.Fatalf("sounds %q, %q without CriticalSound", got[0].Sound, again[0].Sound)
	}
}

// An incident that settled by leaving the list (its room left, its server
// removed) and came back unacknowledged (the room joined again, a
// catch-up) is watched again: not notified again at once (a duplicate),
// but re-alerted after an interval. One back acknowledged, or muted, is
// not.
func TestEngineReAlertWhenBack(t *testing.T) {
	e := reAlertEngine(Rules{ReAlert: 5 * time.Minute, MutedRooms: []string{"ci"}})
	muted := inc("m", ops.Critical)
	muted.Room = "ci"
	for _, in := range []ops.Incident{inc("c1", ops.Critical), inc("c2", ops.Critical), muted} {
		e.incident("", in, t0)
	}
	drain(e, t0)
	e.re.settle("", "c1") // dropped with its room
	e.re.settle("", "c2")
	back := t0.Add(time.Minute)
	acked := inc("c2", ops.Critical)
	acked.AcknowledgedBy = "bob"
	e.revealed("", []ops.Incident{inc("c1", ops.Critical), acked, muted}, back)
	if got := drain(e, back); len(got) != 0 {
		t.Fatalf("notified again when back: %+v", got)
	}
	at, got := wake(t, e, back)
	if len(got) != 1 || got[0].ID != "c1" || !at.Equal(back.Add(5*time.Minute)) {
		t.Fatalf("at +%v: %+v, want c1 re-alerted 5 min after it came back", at.Sub(t0), got)
	}
}
