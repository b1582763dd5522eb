package notify

import (
	"strings"
	"testing"
	"time"
)

// notice takes what is due at now and keeps the connection notices.
func notice(e *engine, now time.Time) []Notification {
	var out []Notification
	for _, n := range drain(e, now) {
		if n.Tag == "connection" {
			out = append(out, n)
		}
	}
	return out
}

// The connection-lost notice: once per outage, after the debounce, never
// while asleep, counted from the wake-up.

func TestEngineOutageBriefBlip(t *testing.T) {
	e := testEngine()
	e.outage("").lost(t0, e.rules)
	e.outage("").restored()
	if !e.deadline(t0).IsZero() || len(notice(e, t0.Add(time.Hour))) != 0 {
		t.Fatal("notice after a blip")
	}
}

func TestEngineOutageLongOutageOneNotice(t *testing.T) {
	e := testEngine()
	e.restored("", t0.Add(-time.Hour)) // it was up before
	e.outage("").lost(t0, e.rules)
	e.outage("").lost(t0.Add(time.Minute), e.rules) // repeated: keeps the first time
	if dl := e.deadline(t0); !dl.Equal(t0.Add(DefaultOutageNotice)) {
		t.Fatalf("deadline %v", dl)
	}
	if len(notice(e, t0.Add(DefaultOutageNotice-time.Second))) != 0 {
		t.Fatal("notice too early")
	}
	got := notice(e, t0.Add(DefaultOutageNotice))
	if len(got) != 1 || got[0].Summary != "Warpdesk is offline" || !strings.Contains(got[0].Body, "since 10:00") || got[0].Urgency != Normal {
		t.Fatalf("notice %+v", got)
	}
	if len(notice(e, t0.Add(time.Hour))) != 0 || !e.deadline(t0).IsZero() {
		t.Fatal("second notice in one outage")
	}
	e.outage("").restored()
	e.outage("").lost(t0.Add(2*time.Hour), e.rules)
	if len(notice(e, t0.Add(2*time.Hour+DefaultOutageNotice))) != 1 {
		t.Fatal("a new outage gets its own notice")
	}
}

func TestEngineOutageSleep(t *testing.T) {
	e := testEngine()
	e.outage("").setAwake(false, t0, e.rules)
	e.outage("").lost(t0.Add(time.Second), e.rules) // the socket drops as the machine sleeps
	if !e.deadline(t0).IsZero() {
		t.Fatal("scheduled while asleep")
	}
	wake := t0.Add(8 * time.Hour)
	e.outage("").setAwake(true, wake, e.rules)
	if len(notice(e, wake)) != 0 {
		t.Fatal("notice at wake-up")
	}
	e.outage("").restored() // reconnects 5 s after wake
	if len(notice(e, wake.Add(time.Hour))) != 0 {
		t.Fatal("notice around sleep")
	}
	// Still down long after waking: that is an outage.
	e.outage("").setAwake(false, wake.Add(2*time.Hour), e.rules)
	e.outage("").lost(wake.Add(2*time.Hour), e.rules)
	w2 := wake.Add(3 * time.Hour)
	e.outage("").setAwake(true, w2, e.rules)
	if dl := e.deadline(t0); !dl.Equal(w2.Add(DefaultOutageNotice)) {
		t.Fatalf("deadline %v, want wake+notice", dl)
	}
	if len(notice(e, w2.Add(DefaultOutageNotice))) != 1 {
		t.Fatal("no notice for an outage that outlasts the wake-up")
	}
}

func TestEngineOutageUnannouncedSleep(t *testing.T) {
	e := testEngine()
	e.outage("").lost(t0, e.rules)
	// The timer fires (monotonic clock) but the wall clock says hours
	// passed: the machine slept without SetAwake.
	wake := t0.Add(9 * time.Hour)
	if len(notice(e, wake)) != 0 {
		t.Fatal("notice right after an unannounced sleep")
	}
	if dl := e.deadline(t0); !dl.Equal(wake.Add(DefaultOutageNotice)) {
		t.Fatalf("deadline %v, want %v", dl, wake.Add(DefaultOutageNotice))
	}
	// A notice slightly late (busy deliverer) still goes out.
	if len(notice(e, wake.Add(DefaultOutageNotice+10*time.Second))) != 1 {
		t.Fatal("late notice dropped")
	}
}

func TestEngineOutageRules(t *testing.T) {
	e := testEngine()
	e.setRules(Rules{}, t0) // zero: no notice
	e.outage("").lost(t0, e.rules)
	if !e.deadline(t0).IsZero() {
		t.Fatal("disabled notice scheduled")
	}
	e.setRules(Rules{OutageNotice: time.Minute}, t0) // enabled mid-outage
	if len(notice(e, t0.Add(time.Minute))) != 1 {
		t.Fatal("custom OutageNotice")
	}
	e = testEngine()
	e.setRules(Rules{PausedUntil: t0.Add(time.Hour), OutageNotice: DefaultOutageNotice}, t0)
	e.outage("").lost(t0, e.rules)
	if len(notice(e, t0.Add(DefaultOutageNotice))) != 0 || !e.deadline(t0).IsZero() {
		t.Fatal("notice while paused, or retried later")
	}
}

// A server removed while its outage notice is pending raises none; so
// does the last one (once servers were listed, none is a list too).
func TestEngineOutageServerRemoved(t *testing.T) {
	e := testEngine()
	e.setServers([]Server{{ID: "a"}, {ID: "b"}})
	e.lost("a", t0, false)
	e.lost("b", t0, false)
	e.setServers([]Server{{ID: "b"}})
	e.setServers(nil)
	if got := drain(e, t0.Add(time.Hour)); len(got) != 0 {
		t.Fatalf("notices for removed servers: %+v", got)
	}
	if dl := e.deadline(t0); !dl.IsZero() {
		t.Fatalf("deadline %v: the notifier would wake for nothing", dl)
	}
}
