package app

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/warpdesk/warpdesk/store"
)

// This file turns a store.State into words, with no Fyne: what the window
// process's dashboard (board.go) says, testable as plain functions.

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

// clock is a wall-clock time as the dashboard prints it: "17:35", or
// "Mon 17:35" when it is not today, "" for the zero time.
func clock(now, t time.Time) string {
	switch {
	case t.IsZero():
		return ""
	case sameDay(now, t):
		return t.Format("15:04")
	}
	return t.Format("Mon 15:04")
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

// dueIn says how long until t: "now", "in 12s", "in 3m", "in 2h 5m".
func dueIn(now, t time.Time) string {
	d := t.Sub(now).Round(time.Second)
	switch {
	case d <= 0:
		return "now"
	case d < time.Minute:
		return fmt.Sprintf("in %ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("in %dm", int(d.Round(time.Minute)/time.Minute))
	}
	return fmt.Sprintf("in %dh %dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// linkDetail says why the link is not live, since when and when the next
// attempt is: "connection refused · since 17:30 · next attempt in 12s".
func linkDetail(st store.State, now time.Time) string {
	s := st.Reason
	if s == "" && st.Link == store.LinkLive {
		s = "connected, catching up"
	}
	if st.Link != store.LinkLive && !st.Since.IsZero() {
		s = join(s, "since "+clock(now, st.Since))
	}
	if !st.NextAttempt.IsZero() {
		s = join(s, "next attempt "+dueIn(now, st.NextAttempt))
	}
	return s
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + " · " + b
}

// bannersOf lists the banners st calls for, most important first.
func bannersOf(st store.State, now time.Time) []Banner {
	var bs []Banner
	switch st.Knowledge {
	case store.Unknown:
		title := "Not connected — incidents unknown"
		if st.Link == store.LinkLive {
			title = "Connected — incidents not known yet"
		}
		bs = append(bs, Banner{BannerUnknown, title, linkDetail(st, now)})
	case store.Stale:
		title := "Not live — incidents as of " + clock(now, st.AsOf)
		detail := linkDetail(st, now)
		if st.Link == store.LinkLive {
			title = "Catching up — incidents as of " + clock(now, st.AsOf)
			detail = catchUpDetail(st, now)
		}
		bs = append(bs, Banner{BannerStale, title, detail})
	}
	if st.Knowledge != store.Stale && st.CatchUpErr != "" {
		bs = append(bs, Banner{BannerCatchUp, "Catch-up failing", catchUpDetail(st, now)})
	}
	if !st.PausedUntil.IsZero() && st.PausedUntil.After(now) {
		detail := "criticals still notify"
		if !st.CriticalsBreakPause {
			detail = "criticals are held back too"
		}
		bs = append(bs, Banner{BannerPaused, "Notifications paused until " + clock(now, st.PausedUntil), detail})
	}
	return bs
}

func catchUpDetail(st store.State, now time.Time) string {
	s := st.CatchUpErr
	if !st.CatchUpRetry.IsZero() {
		s = join(s, "retrying "+dueIn(now, st.CatchUpRetry))
	}
	return s
}

// syncLine is the status line's freshness: "Up to date · 17:35" while
// current (it moves with the clock: the list is current now), "As of
// 17:35" while stale, "" while unknown. Minutes, not seconds: a text that
// changes makes Fyne repaint the whole window, and a shown dashboard on a
// quiet server should repaint once a minute, not once a second
// (docs/BENCHMARKS.md, idle).
func syncLine(st store.State, now time.Time) string {
	switch st.Knowledge {
	case store.Current:
		return "Up to date · " + now.Format("15:04")
	case store.Stale:
		return "As of " + clock(now, st.AsOf)
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

// ordered returns the incidents in the order o; it never modifies in.
func ordered(in []store.Incident, o Order) []store.Incident {
	if o != OrderCritical {
		return in
	}
	out := slices.Clone(in)
	slices.SortStableFunc(out, func(a, b store.Incident) int {
		return cmp.Compare(a.Severity.Rank(), b.Severity.Rank())
	})
	return out
}
