package app

import (
	"testing"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// edge is the monitor "CDN edge" of server, up since 17:30.
func edge(server string) store.Monitor {
	return store.Monitor{Server: server, MonitorChange: ops.MonitorChange{MonitorUUID: "edge", Name: "CDN edge",
		Status: ops.Up, ChangedAt: at(17, 30, 0).UnixMilli()}}
}

// monitorLines are the monitor rows' texts and whether each is dimmed.
func monitorLines(b *Board) (lines []string, dimmed []bool) {
	for _, o := range b.monitors.box.Objects {
		for _, v := range b.monitors.views {
			if v.object == o {
				lines, dimmed = append(lines, v.Line.Text), append(dimmed, alpha(v.veil) != 0)
			}
		}
	}
	return lines, dimmed
}

// With several servers each monitor names its server, and a monitor of a
// server whose list is not current is dimmed and says "as of" that
// server's time instead of a fresh age, as its incident rows do: never a
// stale "Up, just now" presented as current.
func TestMonitorsOfSeveralServers(t *testing.T) {
	f := newFixture(t, WindowOptions{})
	st := twoServers()
	st.Monitors = []store.Monitor{edge("prod"), edge("stg")}
	f.src.publish(st)
	lines, dimmed := monitorLines(f.w.Board)
	if len(lines) != 2 || lines[0] != "Production · CDN edge — Up, 5 min ago" || dimmed[0] ||
		lines[1] != "Staging · CDN edge — Up, as of 17:29" || !dimmed[1] {
		t.Fatalf("monitors %q, dimmed %v", lines, dimmed)
	}
}

// With one server the monitors name no server and look as before while
// current; while stale they are dimmed and say "as of" too.
func TestMonitorsOfOneServer(t *testing.T) {
	f := newFixture(t, WindowOptions{})
	st := twoServers()
	st.Servers, st.Incidents = st.Servers[1:], st.Incidents[1:]
	st.Monitors = []store.Monitor{edge("stg")}
	f.src.publish(st)
	if lines, dimmed := monitorLines(f.w.Board); len(lines) != 1 || lines[0] != "CDN edge — Up, as of 17:29" || !dimmed[0] {
		t.Fatalf("stale: monitors %q, dimmed %v", lines, dimmed)
	}
	st.Link, st.Knowledge = store.LinkLive, store.Current
	st.Servers = []store.ServerState{{ID: "stg", Name: "Staging", Link: store.LinkLive, Knowledge: store.Current}}
	f.src.publish(st)
	if lines, dimmed := monitorLines(f.w.Board); len(lines) != 1 || lines[0] != "CDN edge — Up, 5 min ago" || dimmed[0] {
		t.Fatalf("current: monitors %q, dimmed %v", lines, dimmed)
	}
}
