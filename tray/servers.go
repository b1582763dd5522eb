package tray

import (
	"fmt"
	"strings"
	"time"

	"github.com/warpdesk/warpdesk/store"
)

// The words and lines for several servers. A server is "live" in the
// first line when its link is live and its list current: only then do its
// counts say what is true now.

// iconRank orders icons from fine to most pressing, for the icon of
// several servers: an unacknowledged critical on a current server above
// everything (it is known, current, and needs the user), then unknown
// (the list proves nothing), offline, reconnecting, and live.
var iconRank = [...]int{IconLive: 0, IconReconnecting: 1, IconOffline: 2, IconUnknown: 3, IconCritical: 4}

// worstIcon is the most pressing of the servers' icons, each server's
// picked as with one server (icon) from its own link, knowledge and
// unacknowledged critical incidents. So a server that is live and current
// with an unacknowledged critical shows the critical mark even while
// another server is down or unknown: then as IconCriticalPartial, whose
// badge says not every server is live (the tooltip and first line name
// which). A critical on a server whose list is stale or unknown shows
// that server's link, as with one server: it is not known to be current.
//
// crit are the unacknowledged critical incidents
// (store.State.Unacknowledged(ops.Critical)).
func worstIcon(servers []store.ServerState, crit []store.Incident) Icon {
	unacked := map[string]int{}
	for _, in := range crit {
		unacked[in.Server]++
	}
	worst, allLive := IconLive, true
	for _, sv := range servers {
		if i := icon(sv.Link, sv.Knowledge, unacked[sv.ID]); iconRank[i] > iconRank[worst] {
			worst = i
		}
		allLive = allLive && isLive(sv)
	}
	if worst == IconCritical && !allLive {
		return IconCriticalPartial
	}
	return worst
}

// isLive reports whether a server's link is live and its list current.
func isLive(sv store.ServerState) bool {
	return sv.Link == store.LinkLive && sv.Knowledge == store.Current
}

// everyLive reports whether every server's link is live (nothing to
// reconnect).
func everyLive(servers []store.ServerState) bool {
	for _, sv := range servers {
		if sv.Link != store.LinkLive {
			return false
		}
	}
	return true
}

// overall is the tooltip and first line for several servers: "2 of 3
// live — 5 active, 1 critical". The servers whose list is not current
// are named after the counts, so that no count reads as "all clear" while
// one is unknown or stale: "1 of 2 live — no active incidents (1 server
// unknown)", "2 of 3 live — 4 active (1 server as of 17:35)" (the oldest
// time), and "0 of 2 live — incidents unknown" when none is known.
func overall(servers []store.ServerState, c counts, now time.Time) string {
	live, unknown, stale := 0, 0, 0
	var asOf time.Time
	for _, sv := range servers {
		switch {
		case isLive(sv):
			live++
		case sv.Knowledge == store.Unknown:
			unknown++
		case sv.Knowledge == store.Stale:
			if stale++; stale == 1 || sv.AsOf.Before(asOf) {
				asOf = sv.AsOf
			}
		}
	}
	line := fmt.Sprintf("%d of %d live — ", live, len(servers))
	if unknown == len(servers) {
		return line + "incidents unknown"
	}
	var notes []string
	if unknown > 0 {
		notes = append(notes, plural(unknown, "server", "servers")+" unknown")
	}
	if stale > 0 {
		what := plural(stale, "server", "servers")
		if unknown > 0 {
			what = fmt.Sprint(stale)
		}
		notes = append(notes, what+" as of "+clock(asOf, now))
	}
	if len(notes) == 0 {
		return line + c.String()
	}
	return line + c.String() + " (" + strings.Join(notes, ", ") + ")"
}

// plural is "1 server", "2 servers".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// serverLines are the menu's lines for several servers: per server, in
// the State's order, "Production: Live — 3 active, 1 critical" (with the
// reason after a " · " while there is one), disabled, then "Reconnect
// Production" while its link is not live.
func serverLines(servers []store.ServerState, now time.Time) []Item {
	items := make([]Item, 0, 2*len(servers))
	for _, sv := range servers {
		name := serverName(sv)
		line := name + ": " + summary(sv.Link, sv.Knowledge, sv.AsOf, counts{active: sv.Open, critical: sv.Critical}, now)
		if d := detail(sv.Link, sv.Reason, sv.CatchUpErr); d != "" {
			line += " · " + d
		}
		items = append(items, Item{Label: line, Disabled: true})
		if sv.Link != store.LinkLive {
			items = append(items, Item{Label: LabelReconnectServer + name, Action: ActionReconnectServer, Server: sv.ID})
		}
	}
	return items
}

// serverName is how the menu names a server: its name, else its URL for
// display, else its ID.
func serverName(sv store.ServerState) string {
	switch {
	case sv.Name != "":
		return sv.Name
	case sv.Server != "":
		return sv.Server
	case sv.ID != "":
		return sv.ID
	}
	return "server"
}
