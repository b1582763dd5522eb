package app

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/warpdesk/warpdesk/ipc"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// quiet is a live, current State with incidents and monitors whose times
// fall on odd seconds, as a real server's do.
func quiet() store.State {
	in := func(uuid string, sev ops.Severity, created time.Time) store.Incident {
		return store.Incident{Incident: ops.Incident{UUID: uuid, Title: "t " + uuid, Severity: sev, Room: "ops", CreatedAt: created.UnixMilli()}}
	}
	acked := in("w1", ops.Warning, at(17, 10, 41))
	acked.AcknowledgedBy, acked.AcknowledgedAt = "bob", at(17, 33, 29).UnixMilli()
	return store.State{Link: store.LinkLive, Knowledge: store.Current, AsOf: at(17, 0, 0),
		Incidents: []store.Incident{in("c1", ops.Critical, at(17, 20, 13)), acked, in("i1", ops.Info, at(17, 0, 7))},
		Monitors:  []store.Monitor{{MonitorChange: ops.MonitorChange{MonitorUUID: "m1", Name: "api", Status: ops.Down, ChangedAt: at(17, 34, 52).UnixMilli()}}}}
}

// A shown dashboard on a quiet server redraws once a minute, on the
// minute, however many ages it shows (issue 9, idle: the old one redrew
// every second).
func TestQuietDashboardRedrawsOnceAMinute(t *testing.T) {
	f := newFixture(t, WindowOptions{Tick: time.Hour})
	f.now = at(17, 35, 20)
	f.src.publish(quiet())
	f.w.Show()
	redraws, end := 0, f.now.Add(10*time.Minute)
	for f.w.due.Before(end) {
		if f.w.due.IsZero() || f.w.due.Truncate(time.Minute) != f.w.due {
			t.Fatalf("next redraw at %v, want one on the minute", f.w.due)
		}
		f.now = f.w.due
		f.w.tick()
		redraws++
	}
	if redraws > 10 {
		t.Fatalf("%d redraws in 10 minutes, want at most one a minute", redraws)
	}
}

// The next redraw is worked out from what is drawn: until just before it
// the dashboard reads the same, at it something reads differently.
func TestNextRedrawIsWhenATextChanges(t *testing.T) {
	multi := quiet()
	multi.Servers = []store.ServerState{
		{ID: "prod", Name: "Production", Link: store.LinkLive, Knowledge: store.Current},
		{ID: "stg", Name: "Staging", Link: store.LinkReconnecting, Knowledge: store.Stale, AsOf: at(17, 29, 3),
			Reason: "connection refused", Since: at(17, 29, 3), NextAttempt: at(17, 36, 40)},
	}
	multi.Incidents[0].Server = "stg"
	reconnecting := store.State{Link: store.LinkReconnecting, Reason: "connection refused", Since: at(17, 30, 0),
		NextAttempt: at(17, 35, 44)}
	paused := quiet()
	paused.PausedUntil = at(17, 35, 31)
	stale := quiet() // nothing moves by the minute but the ages
	stale.Link, stale.Knowledge, stale.Reason, stale.Since = store.LinkOffline, store.Stale, "no network", at(17, 20, 0)
	for name, st := range map[string]store.State{"quiet": quiet(), "several servers": multi,
		"reconnecting": reconnecting, "paused": paused, "stale": stale} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, WindowOptions{})
			f.now = at(17, 35, 20)
			f.src.publish(st)
			b := f.w.Board
			b.Select(ipcRef(st.Incidents))
			drawn, next := texts(b.Object), b.Next()
			if next.IsZero() {
				t.Fatal("nothing scheduled")
			}
			b.Set(st, next.Add(-time.Millisecond))
			if got := texts(b.Object); got != drawn {
				t.Fatalf("the dashboard changed before the next redraw %v:\n%s\nthen\n%s", next, drawn, got)
			}
			b.Set(st, next)
			if got := texts(b.Object); got == drawn {
				t.Fatalf("nothing changed at the next redraw %v:\n%s", next, drawn)
			}
		})
	}
}

// texts is every text drawn in o, in order.
func texts(o fyne.CanvasObject) string {
	var parts []string
	for _, obj := range test.LaidOutObjects(o) {
		if txt, ok := obj.(*canvas.Text); ok && txt.Text != "" {
			parts = append(parts, txt.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// A redraw for the time neither sorts the list again nor looks up the
// severities' resources anew.
func TestTickReusesTheList(t *testing.T) {
	f := newFixture(t, WindowOptions{})
	f.src.publish(quiet())
	b := f.w.Board
	b.Order.SetSelected("Critical first")
	first := b.listed()
	icon := b.rows.views[0].icon.Resource
	f.now = f.now.Add(time.Minute)
	f.w.tick()
	if again := b.listed(); &again[0] != &first[0] {
		t.Fatal("the list was ordered again for a tick")
	}
	if b.rows.views[0].icon.Resource != icon || lookOf(ops.Critical).Icon != lookOf(ops.Critical).Icon {
		t.Fatal("the severity's icon was made anew")
	}
}

func ipcRef(ins []store.Incident) ipc.IncidentRef {
	if len(ins) == 0 {
		return ipc.IncidentRef{}
	}
	return ipc.IncidentRef{Server: ins[0].Server, UUID: ins[0].UUID}
}

// States that arrive faster than the UI goroutine draws them are drawn
// once, the newest: the window keeps one State waiting, not one queued
// draw per State (the UI queue is unbounded), so a storm costs neither
// memory nor redraws that nobody sees.
func TestStatesWaitingAreDrawnOnceTheNewest(t *testing.T) {
	var queued []func()
	f := newFixture(t, WindowOptions{do: func(fn func()) { queued = append(queued, fn) }})
	draws := 0
	f.w.Board.drawn = func() { draws++ }
	st := quiet()
	for range 100 {
		f.src.publish(st)
	}
	if len(queued) != 1 {
		t.Fatalf("%d draws queued on the UI goroutine for 100 States, want 1", len(queued))
	}
	queued[0]()
	if draws != 1 || f.w.Board.Shown().Version != f.src.st.Version {
		t.Fatalf("%d draws, drew version %d; want 1, the newest (%d)", draws, f.w.Board.Shown().Version, f.src.st.Version)
	}
	f.src.publish(st)
	if len(queued) != 2 {
		t.Fatal("a State after the draw queued no draw")
	}
}
