package app

import (
	"cmp"
	"slices"

	"github.com/warpdesk/warpdesk/store"
)

// This file turns a store.State into words, with no Fyne: what the window
// process's dashboard (board.go) says, testable as plain functions. Every
// time-dependent text is written through a moment (moment.go).

// BannerKind says which banner a Banner is, and so how it is drawn.
type BannerKind int

const (
	// BannerUnknown: no catch-up yet; the list is not evidence of anything.
	BannerUnknown BannerKind = iota
	// BannerStale: the list was current at AsOf and may be out of date.
	BannerStale
	// BannerCatchUp: connected, but the catch-up is failing.
	BannerCatchUp
	// BannerPaused: notifications are paused.
	BannerPaused
)

// Banner is one explanation across the top of the dashboard.
type Banner struct {
	Kind   BannerKind
	Title  string
	Detail string
}

// linkWords names the link state for the status line: the store's words,
// with an ellipsis while a dial is under way.
func linkWords(l store.Link) string {
	if l == store.LinkConnecting || l == store.LinkReconnecting {
		return l.Label() + "…"
	}
	return l.Label()
}

// summary is State's own link and knowledge fields (those of the worst
// server) as one ServerState.
func summary(st store.State) store.ServerState {
	return store.ServerState{
		Server: st.Server, Link: st.Link, Reason: st.Reason, Since: st.Since, NextAttempt: st.NextAttempt,
		Knowledge: st.Knowledge, AsOf: st.AsOf, CatchUpErr: st.CatchUpErr, CatchUpRetry: st.CatchUpRetry,
	}
}

// several reports whether st watches more than one server: then the
// dashboard names the server on each row, offers a filter by server and
// shows one status line per server.
func several(st store.State) bool { return len(st.Servers) > 1 }

// linkDetail says why the link is not live, since when and when the next
// attempt is: "connection refused · since 17:30 · next attempt in 12s".
func linkDetail(sv store.ServerState, m *moment) string {
	s := sv.Reason
	if s == "" && sv.Link == store.LinkLive {
		s = "connected, catching up"
	}
	if sv.Link != store.LinkLive && !sv.Since.IsZero() {
		s = join(s, "since "+m.clock(sv.Since))
	}
	if !sv.NextAttempt.IsZero() {
		s = join(s, "next attempt "+m.dueIn(sv.NextAttempt))
	}
	return s
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + " · " + b
}

// bannersOf lists the banners st calls for, most important first. With
// several servers the link and catch-up are said per server, in the
// status area (serverLine), and only the pause has a banner.
func bannersOf(st store.State, m *moment) []Banner {
	var bs []Banner
	if !several(st) {
		bs = linkBanners(summary(st), m)
	}
	if !st.PausedUntil.IsZero() && m.before(st.PausedUntil) {
		detail := "criticals still notify"
		if !st.CriticalsBreakPause {
			detail = "criticals are held back too"
		}
		bs = append(bs, Banner{BannerPaused, "Notifications paused until " + m.clock(st.PausedUntil), detail})
	}
	return bs
}

// linkBanners are the banners of one server's link and knowledge.
func linkBanners(sv store.ServerState, m *moment) []Banner {
	var bs []Banner
	switch sv.Knowledge {
	case store.Unknown:
		title := "Not connected — incidents unknown"
		if sv.Link == store.LinkLive {
			title = "Connected — incidents not known yet"
		}
		bs = append(bs, Banner{BannerUnknown, title, linkDetail(sv, m)})
	case store.Stale:
		title := "Not live — incidents as of " + m.clock(sv.AsOf)
		detail := linkDetail(sv, m)
		if sv.Link == store.LinkLive {
			title = "Catching up — incidents as of " + m.clock(sv.AsOf)
			detail = catchUpDetail(sv, m)
		}
		bs = append(bs, Banner{BannerStale, title, detail})
	}
	if sv.Knowledge != store.Stale && sv.CatchUpErr != "" {
		bs = append(bs, Banner{BannerCatchUp, "Catch-up failing", catchUpDetail(sv, m)})
	}
	return bs
}

func catchUpDetail(sv store.ServerState, m *moment) string {
	s := sv.CatchUpErr
	if !sv.CatchUpRetry.IsZero() {
		s = join(s, "retrying "+m.dueIn(sv.CatchUpRetry))
	}
	return s
}

// serverLine is one server's status line with several servers: its state
// in the user's words ("Live", "Reconnecting…", "Incidents unknown",
// "Token rejected", "As of 17:29") and the detail (why, since when, next
// attempt).
func serverLine(sv store.ServerState, m *moment) (state, detail string) {
	switch {
	case sv.Link == store.LinkRejected:
		return "Token rejected", linkDetail(sv, m)
	case sv.Knowledge == store.Current && sv.CatchUpErr != "":
		return "Live · catch-up failing", catchUpDetail(sv, m)
	case sv.Knowledge == store.Current:
		return "Live", ""
	case sv.Link == store.LinkLive && sv.Knowledge == store.Stale:
		return "Catching up · as of " + m.clock(sv.AsOf), catchUpDetail(sv, m)
	case sv.Link == store.LinkLive:
		return "Connected · incidents not known yet", linkDetail(sv, m)
	case sv.Knowledge == store.Stale:
		return linkWords(sv.Link) + " · as of " + m.clock(sv.AsOf), linkDetail(sv, m)
	}
	return linkWords(sv.Link) + " · incidents unknown", linkDetail(sv, m)
}

// knowledgeOf is how far the whole list can be trusted: Current only when
// every server's is, Unknown when any server's is, Stale otherwise (as of
// the oldest AsOf).
func knowledgeOf(st store.State) store.ServerState {
	if !several(st) {
		return summary(st)
	}
	k := store.ServerState{Knowledge: store.Current}
	for _, sv := range st.Servers {
		switch {
		case sv.Knowledge == store.Unknown:
			k.Knowledge = store.Unknown
		case sv.Knowledge == store.Stale && k.Knowledge != store.Unknown:
			if k.Knowledge != store.Stale || sv.AsOf.Before(k.AsOf) {
				k.AsOf = sv.AsOf
			}
			k.Knowledge = store.Stale
		}
	}
	return k
}

// syncLine is the status line's freshness: "Up to date · 17:35" while
// current (it moves with the clock: the list is current now), "As of
// 17:35" while stale, "" while unknown. Minutes, not seconds: a text that
// changes makes Fyne repaint the whole window, and a shown dashboard on a
// quiet server should repaint once a minute, not once a second
// (docs/BENCHMARKS.md, idle).
func syncLine(k store.ServerState, m *moment) string {
	switch k.Knowledge {
	case store.Current:
		return "Up to date · " + m.minute()
	case store.Stale:
		return "As of " + m.clock(k.AsOf)
	}
	return ""
}

// Order is how the incident list is sorted.
type Order int

const (
	// OrderNewest lists the newest first (the store's order).
	OrderNewest Order = iota
	// OrderCritical lists the most severe first, newest first within.
	OrderCritical
)

// Orders' names, as the dashboard's selector shows them.
var orderNames = []string{"Newest first", "Critical first"}

// ordered returns the incidents of server (every server's for "") in the
// order o; it never modifies in.
func ordered(in []store.Incident, o Order, server string) []store.Incident {
	out := in
	if server != "" {
		out = make([]store.Incident, 0, len(in))
		for _, x := range in {
			if x.Server == server {
				out = append(out, x)
			}
		}
	}
	if o != OrderCritical {
		return out
	}
	if server == "" {
		out = slices.Clone(in)
	}
	slices.SortStableFunc(out, func(a, b store.Incident) int {
		return cmp.Compare(a.Severity.Rank(), b.Severity.Rank())
	})
	return out
}
