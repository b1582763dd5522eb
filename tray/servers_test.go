package tray

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// twoServers is Production live with a critical and Staging down.
func twoServers() store.State {
	return store.State{
		Servers: []store.ServerState{
			{ID: "p", Name: "Production", Link: store.LinkLive, Knowledge: store.Current, Open: 1, Critical: 1},
			{ID: "s", Name: "Staging", Link: store.LinkReconnecting, Reason: "connection refused",
				NextAttempt: now.Add(time.Second)},
		},
		Link: store.LinkReconnecting, Reason: "connection refused",
		Incidents: []store.Incident{{Incident: ops.Incident{UUID: "1", Severity: ops.Critical}, Server: "p"}},
	}
}

func TestLayerReconnectsOneServer(t *testing.T) {
	rec := newRecorder()
	_, h, src := startFake(t, twoServers(), rec.options())
	if !h.click(LabelReconnectServer + "Staging") {
		t.Fatal("no Reconnect Staging to click")
	}
	if got := rec.next(5 * time.Second); got != "reconnect s" {
		t.Errorf("Reconnect Staging did %q, want reconnect s", got)
	}
	if !h.click(LabelReconnect) {
		t.Fatal("no Reconnect now to click")
	}
	if got := rec.next(5 * time.Second); got != "reconnect" {
		t.Errorf("Reconnect now did %q, want every server reconnected", got)
	}

	// Staging back: its reconnect item goes; a click that crossed the
	// update does nothing.
	s := twoServers()
	s.Servers[1] = store.ServerState{ID: "s", Name: "Staging", Link: store.LinkLive, Knowledge: store.Current}
	s.Link, s.Reason = store.LinkLive, ""
	src.Set(s)
	waitFor(t, "2 of 2 live", func() bool { tt, _, _ := h.view(); return tt == "2 of 2 live — 1 active, 1 critical" })
	waitFor(t, "Reconnect Staging gone", func() bool {
		_, m, _ := h.view()
		return !strings.Contains(strings.Join(m, "|"), LabelReconnectServer+"Staging")
	})

}

// TestApplyUnchangedCostsNothing: States that change nothing the tray
// shows (a redial's next attempt, monitors, the version) make no call to
// the tray host, so an idle agent's tray costs nothing per update.
func TestApplyUnchangedCostsNothing(t *testing.T) {
	base := twoServers()
	src, h := newSource(base), &fakeHost{}
	tr := newTray(src, newRecorder().options(), h)
	t.Cleanup(tr.Close)
	tr.apply(now)
	h.mu.Lock()
	icons, tips, labels, builds := h.icons, h.tips, h.labels, h.builds
	h.mu.Unlock()
	for i := range 50 {
		s := base
		s.Servers = append([]store.ServerState(nil), base.Servers...)
		s.Servers[1].NextAttempt = now.Add(time.Duration(i) * time.Second)
		s.Servers[1].Since = now.Add(-time.Duration(i) * time.Second)
		s.NextAttempt = s.Servers[1].NextAttempt
		s.Monitors = []store.Monitor{{MonitorChange: ops.MonitorChange{Name: "api", Status: "up"}}}
		src.Set(s)
		if wait := tr.apply(now.Add(time.Duration(i) * 100 * time.Millisecond)); wait != 0 {
			t.Fatalf("update %d: asks to look again in %v", i, wait)
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.icons != icons || h.tips != tips || h.labels != labels || h.builds != builds {
		t.Errorf("unchanged States cost %d icon, %d tooltip, %d label sets and %d menu builds",
			h.icons-icons, h.tips-tips, h.labels-labels, h.builds-builds)
	}
}

// TestIconsConvertedOnce: the systray host converts each icon once (the
// conversion decodes a PNG), not on every change.
func TestIconsConvertedOnce(t *testing.T) {
	h := &systrayHost{log: slog.New(slog.DiscardHandler)}
	h.SetIcon(IconCritical, true)
	first := h.icons[IconCritical][1]
	if len(first) == 0 {
		t.Fatal("no converted icon kept")
	}
	if allocs := testing.AllocsPerRun(20, func() { h.SetIcon(IconCritical, true) }); allocs > 4 {
		t.Errorf("setting a converted icon again allocates %v times: converted again?", allocs)
	}
	if &h.icons[IconCritical][1][0] != &first[0] {
		t.Error("the icon was converted again")
	}
	h.SetIcon(Icon(99), false)
	if h.icons[IconUnknown][0] == nil {
		t.Error("an invalid icon did not fall back to unknown")
	}
}

// TestSeveralServersWithTheRealStore: the store's State for two servers,
// as their connections feed it, reads "2 of 2 live" and, with one lost,
// "1 of 2 live" with a Reconnect item for that one.
func TestSeveralServersWithTheRealStore(t *testing.T) {
	st := store.New(store.Options{})
	t.Cleanup(st.Close)
	h := &fakeHost{}
	tr := newTray(st, newRecorder().options(), h)
	tr.apply(time.Now())
	tr.run(st)
	t.Cleanup(tr.Close)

	feeds := []*store.Feed{st.Feed("p", "Production"), st.Feed("s", "Staging")}
	for _, f := range feeds {
		if err := f.SetLink(store.LinkStatus{Link: store.LinkLive}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.CaughtUp(f.BeginCatchUp(), ops.Snapshot{}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "2 of 2 live", func() bool { tt, _, _ := h.view(); return tt == "2 of 2 live — no active incidents" })

	if err := feeds[1].SetLink(store.LinkStatus{Link: store.LinkReconnecting, Reason: "connection refused"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "1 of 2 live", func() bool {
		tt, _, _ := h.view()
		return strings.HasPrefix(tt, "1 of 2 live — no active incidents (1 server as of ")
	})
	waitFor(t, "Reconnect Staging", func() bool {
		_, m, _ := h.view()
		return strings.Contains(strings.Join(m, "|"), "|"+LabelReconnectServer+"Staging#")
	})
}

// TestCriticalIconWithAServerDown: with several servers, a current
// server's unacknowledged critical shows the critical mark whatever the
// other servers' links, with the badge that says not all are live while
// one is not (the tooltip names those); a critical on a server
// whose list is stale or unknown is not known to be current, and shows
// that server's link as before; with one server nothing changed.
func TestCriticalIconWithAServerDown(t *testing.T) {
	live := func(id string) store.ServerState {
		return store.ServerState{ID: id, Name: id, Link: store.LinkLive, Knowledge: store.Current, AsOf: now}
	}
	with := func(sv store.ServerState, f func(*store.ServerState)) store.ServerState { f(&sv); return sv }
	stale := func(sv *store.ServerState) { sv.Knowledge, sv.AsOf = store.Stale, now.Add(-5*time.Minute) }
	link := func(l store.Link, reason string) func(*store.ServerState) {
		return func(sv *store.ServerState) { sv.Link, sv.Reason = l, reason }
	}
	both := func(f, g func(*store.ServerState)) func(*store.ServerState) {
		return func(sv *store.ServerState) { f(sv); g(sv) }
	}
	critOn := func(ids ...string) []store.Incident {
		var out []store.Incident
		for _, id := range ids {
			in := inc(ops.Critical, false)
			in.Server = id
			out = append(out, in)
		}
		return out
	}
	ackedOn := func(id string) []store.Incident {
		in := inc(ops.Critical, true)
		in.Server = id
		return []store.Incident{in}
	}
	p := live("P")
	for _, tc := range []struct {
		name    string
		servers []store.ServerState
		incs    []store.Incident
		icon    Icon
		tooltip string
	}{
		{"other reconnecting, stale", []store.ServerState{p, with(live("S"), both(stale, link(store.LinkReconnecting, "refused")))},
			critOn("P"), IconCriticalPartial, "1 of 2 live — 1 active, 1 critical (1 server as of 17:35)"},
		{"other reconnecting, never known", []store.ServerState{p, {ID: "S", Link: store.LinkReconnecting}},
			critOn("P"), IconCriticalPartial, "1 of 2 live — 1 active, 1 critical (1 server unknown)"},
		{"other offline", []store.ServerState{p, with(live("S"), both(stale, link(store.LinkOffline, "no network")))},
			critOn("P"), IconCriticalPartial, "1 of 2 live — 1 active, 1 critical (1 server as of 17:35)"},
		{"other rejected", []store.ServerState{p, {ID: "S", Link: store.LinkRejected, Reason: "server rejected the token"}},
			critOn("P"), IconCriticalPartial, "1 of 2 live — 1 active, 1 critical (1 server unknown)"},
		{"other rejected after it was known", []store.ServerState{p, with(live("S"), both(stale, link(store.LinkRejected, "rejected")))},
			critOn("P"), IconCriticalPartial, "1 of 2 live — 1 active, 1 critical (1 server as of 17:35)"},
		{"other unknown", []store.ServerState{p, {ID: "S"}},
			critOn("P"), IconCriticalPartial, "1 of 2 live — 1 active, 1 critical (1 server unknown)"},
		{"other catching up", []store.ServerState{p, {ID: "S", Link: store.LinkLive}},
			critOn("P"), IconCriticalPartial, "1 of 2 live — 1 active, 1 critical (1 server unknown)"},
		{"others unknown and offline", []store.ServerState{{ID: "U"}, p, with(live("O"), both(stale, link(store.LinkOffline, "asleep")))},
			critOn("P"), IconCriticalPartial, "1 of 3 live — 1 active, 1 critical (1 server unknown, 1 as of 17:35)"},
		{"critical acknowledged, other reconnecting", []store.ServerState{p, with(live("S"), both(stale, link(store.LinkReconnecting, "refused")))},
			ackedOn("P"), IconReconnecting, "1 of 2 live — 1 active, 1 critical (1 server as of 17:35)"},
		{"critical on the stale server", []store.ServerState{p, with(live("S"), both(stale, link(store.LinkReconnecting, "refused")))},
			critOn("S"), IconReconnecting, "1 of 2 live — 1 active, 1 critical (1 server as of 17:35)"},
		{"critical on a live server failing catch-up", []store.ServerState{p, with(live("S"), stale)},
			critOn("S"), IconReconnecting, "1 of 2 live — 1 active, 1 critical (1 server as of 17:35)"},
		{"critical on the stale server, other unknown", []store.ServerState{{ID: "U"}, with(live("S"), both(stale, link(store.LinkOffline, "asleep")))},
			critOn("S"), IconUnknown, "0 of 2 live — 1 active, 1 critical (1 server unknown, 1 as of 17:35)"},
		{"other live, catch-up failing", []store.ServerState{p, with(live("S"), stale)},
			critOn("P"), IconCriticalPartial, "1 of 2 live — 1 active, 1 critical (1 server as of 17:35)"},
		{"criticals on both, one stale", []store.ServerState{p, with(live("S"), both(stale, link(store.LinkReconnecting, "refused")))},
			critOn("P", "S"), IconCriticalPartial, "1 of 2 live — 2 active, 2 critical (1 server as of 17:35)"},
		{"all live, critical", []store.ServerState{p, live("S")}, critOn("P"), IconCritical, "2 of 2 live — 1 active, 1 critical"},
		{"all live, criticals on both", []store.ServerState{p, live("S")}, critOn("P", "S"), IconCritical, "2 of 2 live — 2 active, 2 critical"},
		{"all live, none", []store.ServerState{p, live("S")}, nil, IconLive, "2 of 2 live — no active incidents"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := Build(store.State{Servers: tc.servers, Incidents: tc.incs}, now)
			if v.Icon != tc.icon {
				t.Errorf("icon %v, want %v", v.Icon, tc.icon)
			}
			if v.Tooltip != tc.tooltip || v.Items[0].Label != tc.tooltip {
				t.Errorf("tooltip %q, first line %q\nwant %q", v.Tooltip, v.Items[0].Label, tc.tooltip)
			}
		})
	}

	// One server: a stale or unknown list never shows the critical mark.
	for _, tc := range []struct {
		name string
		s    store.State
		icon Icon
	}{
		{"stale, reconnecting", store.State{Link: store.LinkReconnecting, Knowledge: store.Stale, AsOf: now}, IconReconnecting},
		{"stale, offline", store.State{Link: store.LinkOffline, Knowledge: store.Stale, AsOf: now}, IconOffline},
		{"live, catch-up failing", store.State{Link: store.LinkLive, Knowledge: store.Stale, AsOf: now}, IconReconnecting},
		{"unknown", store.State{Link: store.LinkRejected}, IconUnknown},
		{"catching up", store.State{Link: store.LinkLive}, IconUnknown},
		{"live", store.State{Link: store.LinkLive, Knowledge: store.Current}, IconCritical},
	} {
		tc.s.Incidents = critOn("")
		if got := Build(tc.s, now).Icon; got != tc.icon {
			t.Errorf("one server %s: icon %v, want %v", tc.name, got, tc.icon)
		}
	}
}
