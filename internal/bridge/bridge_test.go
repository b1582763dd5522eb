package bridge

import (
	"reflect"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/socket"
)

func TestRules(t *testing.T) {
	s := settings.Default()
	s.MinSeverity = settings.SeverityCritical
	s.MutedRooms = []string{"payments"}
	s.QuietHours = settings.QuietHours{Enabled: true, Start: "22:00", End: "07:00"}
	s.OutageNotice = 5 * time.Minute
	r := Rules(s)
	if r.MinSeverity != notify.SeverityCritical || !reflect.DeepEqual(r.MutedRooms, []string{"payments"}) || r.OutageNotice != 5*time.Minute {
		t.Fatalf("rules %+v", r)
	}
	if !r.QuietHours.Enabled || r.QuietHours.Start != notify.At(22, 0) || r.QuietHours.End != notify.At(7, 0) {
		t.Fatalf("quiet hours %+v", r.QuietHours)
	}
	s.OutageNotice = 0
	s.QuietHours.Enabled = false
	r = Rules(s)
	if r.OutageNotice >= 0 {
		t.Fatal("settings' 0 (no notice) must become notify's negative")
	}
	if r.QuietHours.Enabled {
		t.Fatal("disabled quiet hours enabled")
	}
}

func TestIncident(t *testing.T) {
	in := ops.Incident{UUID: "u", Title: "DB down", Severity: "critical", Room: "ops", CreatedAt: 1706803200000}
	got := Incident(in)
	want := notify.Incident{UUID: "u", Title: "DB down", Severity: notify.SeverityCritical, Room: "ops", CreatedAt: time.UnixMilli(1706803200000)}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
}

type notices struct{ log []string }

func (n *notices) ConnectionLost(time.Time)     { n.log = append(n.log, "lost") }
func (n *notices) ConnectionRestored(time.Time) { n.log = append(n.log, "restored") }
func (n *notices) SetAwake(a bool, _ time.Time) {
	if a {
		n.log = append(n.log, "awake")
	} else {
		n.log = append(n.log, "asleep")
	}
}

func TestFollower(t *testing.T) {
	var n notices
	f := NewFollower(&n, nil)
	for _, st := range []socket.Status{
		{State: socket.StateConnecting},
		{State: socket.StateConnected},
		{State: socket.StateReconnecting, Attempt: 1},
		{State: socket.StateReconnecting, Attempt: 2},
		{State: socket.StateConnected},
		{State: socket.StateDisconnected, Asleep: true},
		{State: socket.StateConnected},
	} {
		f.Observe(st)
	}
	want := []string{"restored", "lost", "restored", "asleep", "lost", "awake", "restored"}
	if !reflect.DeepEqual(n.log, want) {
		t.Fatalf("notices %v, want %v", n.log, want)
	}
}
