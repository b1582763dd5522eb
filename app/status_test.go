package app

import (
	"fmt"
	"testing"

	"github.com/warpdesk/warpdesk/assets"
	"github.com/warpdesk/warpdesk/socket"
)

func TestDescribeEveryState(t *testing.T) {
	rejected := fmt.Errorf("closed 4001: %w", socket.ErrRejected)
	gaveUp := fmt.Errorf("after 5: %w", socket.ErrGaveUp)
	for _, tc := range []struct {
		name   string
		in     socket.Status
		level  Level
		text   string
		reason string
		canRe  bool
	}{
		{"connected", socket.Status{State: socket.StateConnected}, LevelLive, "Live", "", false},
		{"connecting", socket.Status{State: socket.StateConnecting}, LevelReconnecting, "Connecting…", "", true},
		{"reconnecting after a drop", socket.Status{State: socket.StateReconnecting}, LevelReconnecting, "Reconnecting…", "connection lost", true},
		{"reconnecting, failing", socket.Status{State: socket.StateReconnecting, Attempt: 3}, LevelReconnecting, "Reconnecting…", "server unreachable, 3 attempts failed", true},
		{"reconnecting, one failure", socket.Status{State: socket.StateReconnecting, Attempt: 1}, LevelReconnecting, "Reconnecting…", "server unreachable, 1 attempt failed", true},
		{"no network", socket.Status{State: socket.StateDisconnected, Offline: true}, LevelOffline, "Offline", "no network", true},
		{"asleep", socket.Status{State: socket.StateDisconnected, Asleep: true}, LevelOffline, "Offline", "asleep", true},
		{"no network wins over asleep", socket.Status{State: socket.StateDisconnected, Offline: true, Asleep: true}, LevelOffline, "Offline", "no network", true},
		{"rejected", socket.Status{State: socket.StateDisconnected, Err: rejected}, LevelOffline, "Offline", "server rejected us — check the token", true},
		{"gave up", socket.Status{State: socket.StateDisconnected, Attempt: 5, Err: gaveUp}, LevelOffline, "Offline", "gave up after 5 attempts", true},
		{"stopped", socket.Status{State: socket.StateDisconnected}, LevelOffline, "Offline", "disconnected", true},
		{"zero value", socket.Status{}, LevelOffline, "Offline", "disconnected", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := Describe(tc.in)
			if v.Level != tc.level || v.Text != tc.text || v.Reason != tc.reason || v.CanReconnect != tc.canRe {
				t.Errorf("Describe(%+v) = %+v, want level %v text %q reason %q canReconnect %v",
					tc.in, v, tc.level, tc.text, tc.reason, tc.canRe)
			}
		})
	}
}

func TestSummary(t *testing.T) {
	live := View{Level: LevelLive, Text: "Live"}
	off := View{Level: LevelOffline, Text: "Offline", Reason: "no network"}
	for _, tc := range []struct {
		v    View
		c    Counts
		want string
	}{
		{live, Counts{Active: 3, Critical: 1}, "Live — 3 active, 1 critical"},
		{live, Counts{Active: 2}, "Live — 2 active"},
		{live, Counts{}, "Live — no active incidents"},
		{off, Counts{Active: 1, Critical: 1, Unacknowledged: 1}, "Offline — 1 active, 1 critical (no network)"},
		{View{Level: LevelReconnecting, Text: "Reconnecting…"}, Counts{}, "Reconnecting… — no active incidents"},
		{View{Level: LevelReconnecting, Text: "Reconnecting…", Reason: "server unreachable, 7 attempts failed"}, Counts{Active: 1},
			"Reconnecting… — 1 active"}, // stable across attempts
	} {
		if got := Summary(tc.v, tc.c); got != tc.want {
			t.Errorf("Summary(%+v, %+v) = %q, want %q", tc.v, tc.c, got, tc.want)
		}
	}
}

func TestTrayIcon(t *testing.T) {
	crit := Counts{Active: 1, Critical: 1, Unacknowledged: 1}
	acked := Counts{Active: 1, Critical: 1}
	for _, tc := range []struct {
		l    Level
		c    Counts
		want string
	}{
		{LevelLive, Counts{}, assets.TrayLive.Name()},
		{LevelLive, acked, assets.TrayLive.Name()},
		{LevelLive, crit, assets.TrayCritical.Name()},
		{LevelReconnecting, crit, assets.TrayReconnecting.Name()},
		{LevelOffline, crit, assets.TrayOffline.Name()},
		{LevelOffline, Counts{}, assets.TrayOffline.Name()},
	} {
		if got := TrayIcon(tc.l, tc.c).Name(); got != tc.want {
			t.Errorf("TrayIcon(%v, %+v) = %s, want %s", tc.l, tc.c, got, tc.want)
		}
	}
}

func TestLevelColoursDiffer(t *testing.T) {
	if LevelLive.Color() == LevelReconnecting.Color() || LevelReconnecting.Color() == LevelOffline.Color() ||
		LevelLive.Color() == LevelOffline.Color() {
		t.Fatal("each level needs its own colour")
	}
}

func TestSameStatus(t *testing.T) {
	e1 := fmt.Errorf("x: %w", socket.ErrRejected)
	if !sameStatus(socket.Status{State: socket.StateConnected}, socket.Status{State: socket.StateConnected}) {
		t.Error("equal statuses differ")
	}
	if sameStatus(socket.Status{Err: e1}, socket.Status{}) {
		t.Error("an error must count")
	}
	if sameStatus(socket.Status{Attempt: 1}, socket.Status{Attempt: 2}) {
		t.Error("attempts must count")
	}
	// An uncomparable error type must not panic.
	if !sameStatus(socket.Status{Err: uncomparable{[]int{1}}}, socket.Status{Err: uncomparable{[]int{1}}}) {
		t.Error("same error text, same status")
	}
}

type uncomparable struct{ x []int }

func (uncomparable) Error() string { return "uncomparable" }

func statusOffline() socket.Status { return socket.Status{State: socket.StateDisconnected} }
