package tray

import (
	"fmt"
	"time"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// The words and lines for several servers. A server is "live" in the
// first line when its link is live and its list current: only then do its
// counts say what is true now.

// iconRank orders icons from fine to worst, for the icon of several
// servers: unknown (the list proves nothing) above offline, reconnecting,
// an unacknowledged critical, and live.
var iconRank = [...]int{IconLive: 0, IconCritical: 1, IconReconnecting: 2, IconOffline: 3, IconUnknown: 4}

// worstIcon is the worst of the servers' icons, each server's picked as
// with one server (icon) from its own link, knowledge and unacknowledged
// critical incidents. So the critical mark shows only while every server
// is live and current, as it shows with one server only while its list
// is current: a server that is down or unknown is what the icon says
// first, and the tooltip says the rest.
func worstIcon(servers []store.ServerState, incs []store.Incident) Icon {
	unacked := map[string]int{}
	for _, in := range incs {
		if in.Severity == ops.Critical && !in.Acked {
			unacked[in.Server]++
		}
	}
	worst := IconLive
	for _, sv := range servers {
		if i := icon(sv.Link, sv.Knowledge, unacked[sv.ID]); iconRank[i] > iconRank[worst] {
			worst = i
		}
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
// live — 5 active, 1 critical". Servers whose list is unknown are named,
// so that no count reads as "all clear" while one is: "1 of 2 live — no
// active incidents (1 server unknown)", and "0 of 2 live — incidents
// unknown" when none is known.
func overall(servers []store.ServerState, c counts) string {
	live, unknown := 0, 0
	for _, sv := range servers {
		if isLive(sv) {
			live++
		}
		if sv.Knowledge == store.Unknown {
			unknown++
		}
	}
	line := fmt.Sprintf("%d of %d live — ", live, len(servers))
	switch {
	case unknown == len(servers):
		return line + "incidents unknown"
	case unknown == 1:
		return line + c.String() + " (1 server unknown)"
	case unknown > 1:
		return line + c.String() + fmt.Sprintf(" (%d servers unknown)", unknown)
	}
	return line + c.String()
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
