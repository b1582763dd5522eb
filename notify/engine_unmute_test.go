package notify

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/ops"
)

// A critical that arrives while its server or room is muted is watched
// all the same: once unmuted, while still unacknowledged, it re-alerts
// from the next interval (counted from the unmute, not from its arrival,
// so an unmute never brings a burst at once); while muted, nothing wakes
// the notifier for it.
func TestEngineReAlertAfterUnmute(t *testing.T) {
	for _, tc := range []struct {
		name  string
		muted Rules
	}{
		{"server", Rules{ReAlert: 5 * time.Minute, MutedServers: []string{"lab"}}},
		{"room", Rules{ReAlert: 5 * time.Minute, MutedRooms: []string{"ops"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := reAlertEngine(tc.muted)
			c := inc("c1", ops.Critical)
			c.Room = "ops"
			if d := e.incident("lab", c, t0); d != Muted {
				t.Fatalf("decision %v, want muted", d)
			}
			if got := drain(e, t0.Add(time.Hour)); len(got) != 0 {
				t.Fatalf("muted, yet notified: %+v", got)
			}
			if dl := e.deadline(t0); !dl.IsZero() {
				t.Fatalf("deadline +%v while muted: the notifier would wake for nothing", dl.Sub(t0))
			}
			unmute := t0.Add(time.Hour)
			e.setRules(Rules{ReAlert: 5 * time.Minute}, unmute)
			if got := drain(e, unmute); len(got) != 0 {
				t.Fatalf("an immediate burst at the unmute: %+v", got)
			}
			at, got := wake(t, e, unmute)
			if len(got) != 1 || got[0].ID != "c1" || !at.Equal(unmute.Add(5*time.Minute)) {
				t.Fatalf("at +%v after the unmute: %+v, want c1 re-alerted one interval after it", at.Sub(unmute), got)
			}
			e.re.settle("lab", "c1")
			if dl := e.deadline(at); !dl.IsZero() {
				t.Fatalf("deadline after settling: %v", dl)
			}
		})
	}
}

// One notified, then muted for longer than an interval, then unmuted:
// its re-alerts resume one interval after the unmute, not at once.
func TestEngineReAlertMutedAfterwards(t *testing.T) {
	e := reAlertEngine(Rules{ReAlert: 5 * time.Minute})
	e.incident("", inc("c1", ops.Critical), t0)
	drain(e, t0)
	e.setRules(Rules{ReAlert: 5 * time.Minute, MutedRooms: []string{"ops"}}, t0.Add(time.Minute))
	if dl := e.deadline(t0.Add(time.Minute)); !dl.IsZero() {
		t.Fatalf("deadline +%v while muted", dl.Sub(t0))
	}
	unmute := t0.Add(time.Hour)
	e.setRules(Rules{ReAlert: 5 * time.Minute}, unmute)
	if got := drain(e, unmute); len(got) != 0 {
		t.Fatalf("burst at the unmute: %+v", got)
	}
	if at, got := wake(t, e, unmute); len(got) != 1 || !at.Equal(unmute.Add(5*time.Minute)) {
		t.Fatalf("at +%v after the unmute: %+v", at.Sub(unmute), got)
	}
}

// A muted room is matched as the server sent it, not as a notification
// shows it: one near settings.MaxRoomLen (longer than the display cut)
// stays muted for re-alerts too.
func TestEngineReAlertLongMutedRoom(t *testing.T) {
	room := strings.Repeat("r", 63)
	e := reAlertEngine(Rules{ReAlert: 5 * time.Minute, MutedRooms: []string{room}})
	c := inc("c1", ops.Critical)
	c.Room = room
	if d := e.incident("", c, t0); d != Muted {
		t.Fatalf("decision %v", d)
	}
	if dl := e.deadline(t0); !dl.IsZero() {
		t.Fatalf("deadline +%v for a muted room", dl.Sub(t0))
	}
	if got := drain(e, t0.Add(time.Hour)); len(got) != 0 {
		t.Fatalf("a muted room re-alerted: %+v", got)
	}
}

// A muted server that floods criticals does not push the others out of
// the bounded watch list: the muted go first.
func TestEngineReAlertMutedGoFirst(t *testing.T) {
	e := newEngine(Options{Window: time.Second, Burst: 1, Remember: 4 * maxWatched, AppName: "Warpdesk"})
	e.setRules(Rules{ReAlert: time.Minute, MutedServers: []string{"lab"}}, t0)
	e.incident("prod", inc("p1", ops.Critical), t0)
	for i := range maxWatched + 10 {
		e.incident("lab", inc(fmt.Sprint("l", i), ops.Critical), t0)
	}
	if len(e.re.list) != maxWatched || e.re.find("prod", "p1") < 0 {
		t.Fatalf("%d watched, prod's critical watched: %v", len(e.re.list), e.re.find("prod", "p1") >= 0)
	}
}
