package tray

import (
	"strings"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// now is a Tuesday afternoon.
var now = time.Date(2026, 12, 1, 17, 40, 0, 0, time.UTC)

func inc(sev ops.Severity, acked bool) store.Incident {
	return store.Incident{Incident: ops.Incident{UUID: "u", Severity: sev}, Acked: acked}
}

var (
	threeOneCritical = []store.Incident{inc(ops.Critical, false), inc(ops.Warning, false), inc(ops.Info, false)}
	ackedCritical    = []store.Incident{inc(ops.Critical, true), inc(ops.Warning, false)}
	// ackedElsewhere: someone acknowledged the critical on another desktop.
	ackedElsewhere = []store.Incident{{Incident: ops.Incident{UUID: "c", Title: "db down",
		Severity: ops.Critical, AcknowledgedBy: "alice", AcknowledgedAt: 1}}, inc(ops.Warning, false)}
)

// menuText writes a menu on one line: "---" for a separator, "(off)" after
// a disabled item, " | " between items.
func menuText(items []Item) string {
	var b []string
	for _, it := range items {
		switch {
		case it.Separator:
			b = append(b, "---")
		case it.Disabled:
			b = append(b, it.Label+"(off)")
		default:
			b = append(b, it.Label)
		}
	}
	return strings.Join(b, " | ")
}

func TestBuild(t *testing.T) {
	live := store.State{Link: store.LinkLive, Knowledge: store.Current, AsOf: now}
	stale := func(l store.Link, reason string) store.State {
		return store.State{Link: l, Reason: reason, Knowledge: store.Stale,
			AsOf: now.Add(-5 * time.Minute), Incidents: threeOneCritical}
	}
	with := func(s store.State, f func(*store.State)) store.State { f(&s); return s }
	const (
		rest      = " | --- | Open dashboard | Reconnect now | Settings… | --- | Pause notifications for 1 hour | Pause notifications until tomorrow"
		restLive  = " | --- | Open dashboard | Reconnect now(off) | Settings… | --- | Pause notifications for 1 hour | Pause notifications until tomorrow"
		ackOff    = " | Acknowledge all critical(off) | --- | Quit"
		ackOn     = " | Acknowledge all critical | --- | Quit"
		paused    = " · notifications paused until 18:40"
		restPause = " | --- | Open dashboard | Reconnect now(off) | Settings… | --- | Resume notifications"
	)
	for _, tc := range []struct {
		name    string
		s       store.State
		icon    Icon
		paused  bool
		tooltip string
		menu    string // after the tooltip line
	}{
		{"never connected", store.State{}, IconUnknown, false, TextUnknown, rest + ackOff},
		{"refused, never connected", store.State{Link: store.LinkReconnecting, Reason: "connection refused"},
			IconUnknown, false, TextUnknown, " | connection refused(off)" + rest + ackOff},
		{"rejected token, never connected", store.State{Link: store.LinkRejected, Reason: "server rejected the token"},
			IconUnknown, false, TextUnknown, " | server rejected the token(off)" + rest + ackOff},
		{"unknown hides incidents it has", store.State{Link: store.LinkOffline, Incidents: threeOneCritical},
			IconUnknown, false, TextUnknown, rest + ackOn},
		{"connected, catching up", store.State{Link: store.LinkLive},
			IconUnknown, false, TextCatchingUp, restLive + ackOff},
		{"live, all clear", live, IconLive, false, "Live — no active incidents", restLive + ackOff},
		{"live with an unacknowledged critical", with(live, func(s *store.State) { s.Incidents = threeOneCritical }),
			IconCritical, false, "Live — 3 active, 1 critical", restLive + ackOn},
		{"live, critical acknowledged", with(live, func(s *store.State) { s.Incidents = ackedCritical }),
			IconLive, false, "Live — 2 active, 1 critical", restLive + ackOff},
		{"live, critical acknowledged on another desktop", with(live, func(s *store.State) { s.Incidents = ackedElsewhere }),
			IconLive, false, "Live — 2 active, 1 critical", restLive + ackOff},
		{"live, no critical", with(live, func(s *store.State) { s.Incidents = threeOneCritical[1:] }),
			IconLive, false, "Live — 2 active", restLive + ackOff},
		{"reconnecting, stale", stale(store.LinkReconnecting, "connection reset"),
			IconReconnecting, false, "Reconnecting — as of 17:35: 3 active, 1 critical",
			" | connection reset(off)" + rest + ackOn},
		{"offline, stale", stale(store.LinkOffline, "no network"),
			IconOffline, false, "Offline — as of 17:35: 3 active, 1 critical", " | no network(off)" + rest + ackOn},
		{"rejected, stale", stale(store.LinkRejected, "server rejected the token"),
			IconOffline, false, "Token rejected — as of 17:35: 3 active, 1 critical",
			" | server rejected the token(off)" + rest + ackOn},
		{"live, catch-up failing", with(stale(store.LinkLive, ""), func(s *store.State) { s.CatchUpErr = "HTTP 502" }),
			IconReconnecting, false, "Live — as of 17:35: 3 active, 1 critical",
			" | Catch-up failing: HTTP 502(off)" + restLive + ackOn},
		{"paused, live", with(live, func(s *store.State) { s.PausedUntil = now.Add(time.Hour) }),
			IconLive, true, "Live — no active incidents" + paused, restPause + ackOff},
		{"paused, unknown", store.State{Link: store.LinkLive, PausedUntil: now.Add(time.Hour)},
			IconUnknown, true, TextCatchingUp + paused, restPause + ackOff},
		{"paused with a critical", with(live, func(s *store.State) {
			s.PausedUntil, s.Incidents = now.Add(time.Hour), threeOneCritical
		}), IconCritical, true, "Live — 3 active, 1 critical" + paused, restPause + ackOn},
		{"paused until tomorrow", with(live, func(s *store.State) { s.PausedUntil = time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC) }),
			IconLive, true, "Live — no active incidents · notifications paused until Wed 08:00", restPause + ackOff},
		{"pause over", with(live, func(s *store.State) { s.PausedUntil = now }),
			IconLive, false, "Live — no active incidents", restLive + ackOff},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := Build(tc.s, now)
			if v.Icon != tc.icon || v.Paused != tc.paused {
				t.Errorf("icon %v paused %v, want %v paused %v", v.Icon, v.Paused, tc.icon, tc.paused)
			}
			if v.Tooltip != tc.tooltip {
				t.Errorf("tooltip %q\n want %q", v.Tooltip, tc.tooltip)
			}
			if got, want := menuText(v.Items), tc.tooltip+"(off)"+tc.menu; got != want {
				t.Errorf("menu\n got %s\nwant %s", got, want)
			}
		})
	}
}

func TestBuildIsPure(t *testing.T) {
	s := store.State{Link: store.LinkLive, Knowledge: store.Current, Incidents: threeOneCritical}
	a, b := Build(s, now), Build(s, now)
	if menuText(a.Items) != menuText(b.Items) || a.Tooltip != b.Tooltip || a.Icon != b.Icon {
		t.Error("the same State and instant gave two Views")
	}
}

func TestClock(t *testing.T) {
	berlin := time.FixedZone("CET", 3600)
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{now.Add(-5 * time.Minute), "17:35"},
		{now.Add(-24 * time.Hour), "Mon 17:40"},
		{time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC), "Wed 08:00"},
		{now.Add(-30 * 24 * time.Hour), "1 Nov 17:40"},
		{now.In(berlin), "17:40"}, // written in now's location
	} {
		if got := clock(tc.t, now); got != tc.want {
			t.Errorf("clock(%v) = %q, want %q", tc.t, got, tc.want)
		}
	}
}

func TestIconPNGs(t *testing.T) {
	seen := map[string]string{}
	for _, i := range []Icon{IconUnknown, IconLive, IconCritical, IconReconnecting, IconOffline, IconCriticalPartial} {
		for _, p := range []bool{false, true} {
			png := string(i.PNG(p))
			if !strings.HasPrefix(png, "\x89PNG") {
				t.Errorf("%v paused=%v: not a PNG", i, p)
			}
			name := i.String()
			if p {
				name += " paused"
			}
			if other, dup := seen[png]; dup {
				t.Errorf("%s and %s share an image", name, other)
			}
			seen[png] = name
		}
	}
	if string(Icon(99).PNG(false)) != string(IconUnknown.PNG(false)) {
		t.Error("an invalid Icon does not fall back to unknown")
	}
}

func TestBuildSeveralServers(t *testing.T) {
	on := func(server string, incs ...store.Incident) []store.Incident {
		out := make([]store.Incident, len(incs))
		for i, in := range incs {
			in.Server = server
			out[i] = in
		}
		return out
	}
	prod := store.ServerState{ID: "p", Name: "Production", Link: store.LinkLive, Knowledge: store.Current, AsOf: now,
		Open: 3, Critical: 1}
	prodIncs := on("p", threeOneCritical...)
	staging := store.ServerState{ID: "s", Name: "Staging", Link: store.LinkLive, Knowledge: store.Current, AsOf: now}
	with := func(sv store.ServerState, f func(*store.ServerState)) store.ServerState { f(&sv); return sv }
	down := with(staging, func(sv *store.ServerState) {
		sv.Link, sv.Knowledge, sv.AsOf, sv.Reason, sv.Open = store.LinkReconnecting, store.Stale, now.Add(-5*time.Minute),
			"connection refused", 2
	})
	rejected := store.ServerState{ID: "s", Server: "wss://staging.example/ws", Link: store.LinkRejected,
		Reason: "server rejected the token"}
	state := func(incs []store.Incident, servers ...store.ServerState) store.State {
		return store.State{Servers: servers, Incidents: incs}
	}
	const (
		rest     = " | --- | Open dashboard | Reconnect now | Settings… | --- | Pause notifications for 1 hour | Pause notifications until tomorrow"
		restLive = " | --- | Open dashboard | Reconnect now(off) | Settings… | --- | Pause notifications for 1 hour | Pause notifications until tomorrow"
		ackOff   = " | Acknowledge all critical(off) | --- | Quit"
		ackOn    = " | Acknowledge all critical | --- | Quit"
		prodLine = " | Production: Live — 3 active, 1 critical(off)"
	)
	for _, tc := range []struct {
		name    string
		s       store.State
		icon    Icon
		tooltip string
		menu    string // after the tooltip line
	}{
		{"both live", state(prodIncs, prod, staging), IconCritical, "2 of 2 live — 3 active, 1 critical",
			prodLine + " | Staging: Live — no active incidents(off)" + restLive + ackOn},
		{"both live, critical acknowledged", state(on("p", ackedCritical...), with(prod, func(sv *store.ServerState) { sv.Open = 2 }), staging),
			IconLive, "2 of 2 live — 2 active, 1 critical",
			" | Production: Live — 2 active, 1 critical(off) | Staging: Live — no active incidents(off)" + restLive + ackOff},
		{"one reconnecting: the live one's critical still shows", state(append(prodIncs, on("s", inc(ops.Warning, false), inc(ops.Info, false))...), prod, down),
			IconCriticalPartial, "1 of 2 live — 5 active, 1 critical (1 server as of 17:35)",
			prodLine + " | Staging: Reconnecting — as of 17:35: 2 active · connection refused(off) | Reconnect Staging" + rest + ackOn},
		{"one rejected, never known", state(prodIncs, prod, rejected), IconCriticalPartial,
			"1 of 2 live — 3 active, 1 critical (1 server unknown)",
			prodLine + " | wss://staging.example/ws: Not connected — incidents unknown · server rejected the token(off)" +
				" | Reconnect wss://staging.example/ws" + rest + ackOn},
		{"none known", state(nil, store.ServerState{ID: "a", Name: "A"}, store.ServerState{ID: "b", Name: "B", Link: store.LinkLive}),
			IconUnknown, "0 of 2 live — incidents unknown",
			" | A: Not connected — incidents unknown(off) | Reconnect A | B: Connected, catching up — incidents unknown(off)" + rest + ackOff},
		{"two unknown of three", state(nil, store.ServerState{ID: "a", Name: "A"}, staging, store.ServerState{ID: "b", Name: "B"}),
			IconUnknown, "1 of 3 live — no active incidents (2 servers unknown)",
			" | A: Not connected — incidents unknown(off) | Reconnect A | Staging: Live — no active incidents(off)" +
				" | B: Not connected — incidents unknown(off) | Reconnect B" + rest + ackOff},
		{"live, catch-up failing", state(nil, with(staging, func(sv *store.ServerState) {
			sv.Knowledge, sv.AsOf, sv.CatchUpErr = store.Stale, now.Add(-5*time.Minute), "HTTP 502"
		}), with(prod, func(sv *store.ServerState) { sv.ID, sv.Name, sv.Open, sv.Critical = "x", "", 0, 0 })),
			IconReconnecting, "1 of 2 live — no active incidents (1 server as of 17:35)",
			" | Staging: Live — as of 17:35: no active incidents · Catch-up failing: HTTP 502(off) | x: Live — no active incidents(off)" +
				restLive + ackOff},
		{"three, offline one", state(nil, staging, with(down, func(sv *store.ServerState) {
			sv.ID, sv.Name, sv.Link, sv.Reason, sv.Open = "o", "Lab", store.LinkOffline, "no network", 0
		}), with(staging, func(sv *store.ServerState) { sv.ID, sv.Name = "t", "Team" })),
			IconOffline, "2 of 3 live — no active incidents (1 server as of 17:35)",
			" | Staging: Live — no active incidents(off) | Lab: Offline — as of 17:35: no active incidents · no network(off)" +
				" | Reconnect Lab | Team: Live — no active incidents(off)" + rest + ackOff},
		{"one unknown, two stale", state(nil, store.ServerState{ID: "a", Name: "A"}, with(down, func(sv *store.ServerState) { sv.Open = 0 }),
			with(down, func(sv *store.ServerState) { sv.ID, sv.Name, sv.AsOf, sv.Open = "c", "C", now.Add(-10*time.Minute), 0 })),
			IconUnknown, "0 of 3 live — no active incidents (1 server unknown, 2 as of 17:30)",
			" | A: Not connected — incidents unknown(off) | Reconnect A | Staging: Reconnecting — as of 17:35: no active incidents · connection refused(off)" +
				" | Reconnect Staging | C: Reconnecting — as of 17:30: no active incidents · connection refused(off) | Reconnect C" + rest + ackOff},
		{"paused", func() store.State { s := state(nil, prod, staging); s.PausedUntil = now.Add(time.Hour); return s }(),
			IconLive, "2 of 2 live — no active incidents · notifications paused until 18:40",
			prodLine + " | Staging: Live — no active incidents(off) | --- | Open dashboard | Reconnect now(off) | Settings…" +
				" | --- | Resume notifications" + ackOff},
		{"one server listed: its words", store.State{Servers: []store.ServerState{prod}, Link: store.LinkLive,
			Knowledge: store.Current, Incidents: prodIncs}, IconCritical, "Live — 3 active, 1 critical", restLive + ackOn},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := Build(tc.s, now)
			if v.Icon != tc.icon {
				t.Errorf("icon %v, want %v", v.Icon, tc.icon)
			}
			if v.Tooltip != tc.tooltip {
				t.Errorf("tooltip %q\n want %q", v.Tooltip, tc.tooltip)
			}
			if got, want := menuText(v.Items), tc.tooltip+"(off)"+tc.menu; got != want {
				t.Errorf("menu\n got %s\nwant %s", got, want)
			}
			for _, it := range v.Items {
				if it.Action == ActionReconnectServer && (it.Server == "" || it.Label != LabelReconnectServer+serverNameOf(tc.s, it.Server)) {
					t.Errorf("%q reconnects server %q", it.Label, it.Server)
				}
			}
		})
	}
}

// serverNameOf is the menu's name of the server with the id in s.
func serverNameOf(s store.State, id string) string {
	for _, sv := range s.Servers {
		if sv.ID == id {
			return serverName(sv)
		}
	}
	return "(none)"
}

// TestFailedAcknowledgementKeepsTheMark: a critical whose acknowledgement
// from this desktop failed (AckErr) is still unacknowledged — the server
// does not know — so the critical mark and "Acknowledge all critical"
// stay, as store.State.Unacknowledged says; one awaiting the server's
// answer counts as acknowledged.
func TestFailedAcknowledgementKeepsTheMark(t *testing.T) {
	failed, pending := inc(ops.Critical, true), inc(ops.Critical, true)
	failed.AckErr, pending.AckPending = "not connected", true
	sv := func(id string) store.ServerState {
		return store.ServerState{ID: id, Name: id, Link: store.LinkLive, Knowledge: store.Current, AsOf: now}
	}
	for _, tc := range []struct {
		name   string
		in     store.Incident
		icon   Icon
		ackOff bool
	}{
		{"failed", failed, IconCritical, false},
		{"pending", pending, IconLive, true},
	} {
		one := store.State{Link: store.LinkLive, Knowledge: store.Current, Incidents: []store.Incident{tc.in}}
		in := tc.in
		in.Server = "b"
		several := store.State{Servers: []store.ServerState{sv("a"), sv("b")}, Incidents: []store.Incident{in}}
		for what, s := range map[string]store.State{"one server": one, "two servers": several} {
			v := Build(s, now)
			if v.Icon != tc.icon {
				t.Errorf("%s, %s: icon %v, want %v", tc.name, what, v.Icon, tc.icon)
			}
			for _, it := range v.Items {
				if it.Action == ActionAckCritical && it.Disabled != tc.ackOff {
					t.Errorf("%s, %s: %q disabled %v, want %v", tc.name, what, it.Label, it.Disabled, tc.ackOff)
				}
			}
		}
	}
}
