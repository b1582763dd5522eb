package app

import (
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/socket"
)

func TestStatusBarEveryState(t *testing.T) {
	test.NewTempApp(t)
	taps := 0
	bar := NewStatusBar(func() { taps++ })
	w := test.NewTempWindow(t, bar.Object)
	w.Resize(fyne.NewSize(700, 60))
	for _, tc := range []struct {
		status socket.Status
		text   string
		reason string
		button bool
	}{
		{socket.Status{State: socket.StateConnected}, "Live", "", false},
		{socket.Status{State: socket.StateConnecting}, "Connecting…", "", true},
		{socket.Status{State: socket.StateReconnecting, Attempt: 2}, "Reconnecting…", "server unreachable, 2 attempts failed", true},
		{socket.Status{State: socket.StateDisconnected, Offline: true}, "Offline", "no network", true},
		{socket.Status{State: socket.StateDisconnected, Asleep: true}, "Offline", "asleep", true},
		{socket.Status{State: socket.StateDisconnected, Err: fmt.Errorf("4001: %w", socket.ErrRejected)}, "Offline", "server rejected us — check the token", true},
		{socket.Status{State: socket.StateDisconnected, Attempt: 4, Err: socket.ErrGaveUp}, "Offline", "gave up after 4 attempts", true},
	} {
		t.Run(tc.text+"/"+tc.reason, func(t *testing.T) {
			v := Describe(tc.status)
			bar.Set(v)
			if bar.Text.Text != tc.text || bar.Reason.Text != tc.reason {
				t.Errorf("bar says %q / %q, want %q / %q", bar.Text.Text, bar.Reason.Text, tc.text, tc.reason)
			}
			if bar.Dot.FillColor != v.Level.Color() {
				t.Errorf("dot colour %v, want %v", bar.Dot.FillColor, v.Level.Color())
			}
			if bar.Reconnect.Visible() != tc.button {
				t.Errorf("Reconnect now visible = %v, want %v", bar.Reconnect.Visible(), tc.button)
			}
			if tc.button {
				before := taps
				test.Tap(bar.Reconnect)
				if taps != before+1 {
					t.Error("tapping Reconnect now did not call the action")
				}
			}
		})
	}
}

func TestIncidentRowShowsSeverityByColourIconAndWord(t *testing.T) {
	test.NewTempApp(t)
	var acked []string
	row := NewIncidentRow(func(u string) { acked = append(acked, u) })
	test.NewTempWindow(t, row)
	now := time.UnixMilli(1_000_000_000)
	for _, tc := range []struct {
		sev  ops.Severity
		word string
		imp  widget.Importance
	}{
		{ops.Critical, "Critical", widget.DangerImportance},
		{ops.Warning, "Warning", widget.WarningImportance},
		{ops.Info, "Info", widget.HighImportance},
	} {
		in := ops.Incident{UUID: "u-" + string(tc.sev), Title: "Disk full", Severity: tc.sev, Room: "infra",
			CreatedAt: now.Add(-5 * time.Minute).UnixMilli()}
		row.Set(in, now, false)
		if row.Severity.Text != tc.word || row.Severity.Importance != tc.imp {
			t.Errorf("%s: word %q importance %v", tc.sev, row.Severity.Text, row.Severity.Importance)
		}
		if row.Icon.Resource == nil {
			t.Errorf("%s: no icon", tc.sev)
		}
		if row.Bar.FillColor != lookOf(tc.sev).Color {
			t.Errorf("%s: bar colour %v", tc.sev, row.Bar.FillColor)
		}
		if row.Title.Text != "Disk full" || row.Room.Text != "#infra" || row.Age.Text != "5m ago" {
			t.Errorf("%s: title %q room %q age %q", tc.sev, row.Title.Text, row.Room.Text, row.Age.Text)
		}
		if row.Ack.Visible() != (tc.sev == ops.Critical) {
			t.Errorf("%s: Acknowledge visible = %v", tc.sev, row.Ack.Visible())
		}
	}
	crit := ops.Incident{UUID: "c1", Title: "Down", Severity: ops.Critical, CreatedAt: now.UnixMilli()}
	row.Set(crit, now, false)
	test.Tap(row.Ack)
	if len(acked) != 1 || acked[0] != "c1" {
		t.Errorf("acknowledged %v", acked)
	}
	row.Set(crit, now, true)
	if row.Ack.Visible() {
		t.Error("an acknowledged incident shows no Acknowledge button")
	}
	if row.Room.Text != "" {
		t.Errorf("no room, yet %q", row.Room.Text)
	}
}

func TestIncidentListEmptyAndFull(t *testing.T) {
	test.NewTempApp(t)
	now := time.UnixMilli(5_000_000)
	l := NewIncidentList(func() time.Time { return now }, func(string) bool { return false }, nil, nil)
	w := test.NewTempWindow(t, l.Object)
	w.Resize(fyne.NewSize(700, 400))
	if l.Header.Text != "Active Incidents (0)" || !l.Empty.Visible() || l.List.Visible() || l.AckAll.Visible() {
		t.Errorf("empty: header %q empty %v list %v", l.Header.Text, l.Empty.Visible(), l.List.Visible())
	}
	items := []ops.Incident{
		{UUID: "b", Title: "Newest", Severity: ops.Critical, Room: "ops", CreatedAt: 4_000_000},
		{UUID: "a", Title: "Older", Severity: ops.Info, Room: "infra", CreatedAt: 3_000_000},
	}
	l.Set(items, 1)
	if l.Header.Text != "Active Incidents (2)" || l.Empty.Visible() || !l.List.Visible() || !l.AckAll.Visible() {
		t.Errorf("full: header %q empty %v list %v ackall %v", l.Header.Text, l.Empty.Visible(), l.List.Visible(), l.AckAll.Visible())
	}
	if l.List.Length() != 2 {
		t.Errorf("list length %d", l.List.Length())
	}
	var titles []string
	for _, o := range test.LaidOutObjects(l.List) {
		if r, ok := o.(*IncidentRow); ok && r.Title.Text != "" {
			titles = append(titles, r.Title.Text)
		}
	}
	if len(titles) < 2 || titles[0] != "Newest" || titles[1] != "Older" {
		t.Errorf("rendered rows %q, want Newest, Older", titles)
	}
	l.Set(nil, 0)
	if !l.Empty.Visible() || l.Header.Text != "Active Incidents (0)" {
		t.Error("emptied list does not show the empty state")
	}
}

func TestMonitorPanel(t *testing.T) {
	test.NewTempApp(t)
	p := NewMonitorPanel()
	test.NewTempWindow(t, p.Object)
	if len(p.Box.Objects) != 1 {
		t.Fatalf("empty panel has %d rows, want the placeholder", len(p.Box.Objects))
	}
	now := time.UnixMilli(10_000_000)
	p.Set([]ops.MonitorChange{
		{MonitorUUID: "m1", Name: "API", Status: ops.Down, ChangedAt: now.Add(-3 * time.Minute).UnixMilli()},
		{MonitorUUID: "m2", Name: "", Status: ops.Up, ChangedAt: now.UnixMilli()},
	}, now)
	if len(p.Box.Objects) != 2 {
		t.Fatalf("%d rows", len(p.Box.Objects))
	}
	if got := MonitorLine(ops.MonitorChange{MonitorUUID: "m1", Name: "API", Status: ops.Down, ChangedAt: now.Add(-3 * time.Minute).UnixMilli()}, now); got != "API — Down, 3m ago" {
		t.Errorf("line %q", got)
	}
	if got := MonitorLine(ops.MonitorChange{MonitorUUID: "m2", Status: ops.Degraded, ChangedAt: now.UnixMilli()}, now); got != "m2 — Degraded, just now" {
		t.Errorf("line %q", got)
	}
}

func TestAge(t *testing.T) {
	now := time.Date(2026, 1, 2, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{-time.Minute, "just now"}, // clock skew
		{2 * time.Second, "just now"},
		{42 * time.Second, "42s ago"},
		{5 * time.Minute, "5m ago"},
		{3 * time.Hour, "3h ago"},
		{3*time.Hour + 2*time.Minute, "3h 2m ago"},
		{48 * time.Hour, "2d ago"},
		{52 * time.Hour, "2d 4h ago"},
	} {
		if got := Age(now, now.Add(-tc.d)); got != tc.want {
			t.Errorf("Age(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}
