package store

import (
	"sort"

	"github.com/warpdesk/warpdesk/ops"
)

// composeLocked makes State's server fields from the servers: Servers and
// the worst server's fields on every change (a few hundred bytes per
// server), the merged incident and monitor lists only when c says a
// server's changed (with one server, or one with any, its own list is
// shared, not copied).
func (s *Store) composeLocked(c *change) {
	if c.inc {
		s.st.Incidents = mergeIncidents(s.servers)
	}
	if c.mon {
		s.st.Monitors = mergeMonitors(s.servers)
	}
	var list []ServerState
	if len(s.servers) > 0 {
		list = make([]ServerState, len(s.servers))
	}
	worst := -1
	for i, srv := range s.servers {
		srv.knowledge()
		ss := srv.st
		ss.Name = srv.name
		if ss.Name == "" {
			ss.Name = ss.Server
		}
		ss.Open, ss.Critical = len(srv.inc.list), srv.inc.crit
		list[i] = ss
		if worst < 0 || ss.worse(&list[worst]) {
			worst = i
		}
	}
	s.st.Servers = list
	top := ServerState{Link: LinkConnecting, Since: s.born, Knowledge: Unknown}
	if worst >= 0 {
		top = list[worst]
	}
	s.st.Server, s.st.Link, s.st.Reason, s.st.Since, s.st.NextAttempt = top.Server, top.Link, top.Reason, top.Since, top.NextAttempt
	s.st.Knowledge, s.st.AsOf, s.st.CatchUpErr, s.st.CatchUpRetry = top.Knowledge, top.AsOf, top.CatchUpErr, top.CatchUpRetry
}

// knowledgeRank orders Knowledge from the best to the worst: Current,
// Stale (it was current once), Unknown (never evidence of anything).
var knowledgeRank = [...]int{Current: 0, Stale: 1, Unknown: 2}

// worse is the order of State's worst server: the worse link (Link.Worse)
// first; at the same link the worse knowledge (Unknown, then Stale, then
// Current); at the same of both, the first in Servers.
func (a *ServerState) worse(b *ServerState) bool {
	if a.Link != b.Link {
		return a.Link.Worse(b.Link)
	}
	ka, kb := a.Knowledge, b.Knowledge
	if ka < 0 || int(ka) >= len(knowledgeRank) || kb < 0 || int(kb) >= len(knowledgeRank) {
		return false
	}
	return knowledgeRank[ka] > knowledgeRank[kb]
}

// mergeIncidents merges the servers' lists in State's order: newest first,
// at the same instant critical first, then by uuid, then by the server's
// place in Servers (the same uuid on two servers is two incidents).
func mergeIncidents(servers []*server) []Incident {
	var lists [][]Incident
	n := 0
	for _, srv := range servers {
		if l := srv.inc.list; len(l) > 0 {
			lists = append(lists, l)
			n += len(l)
		}
	}
	switch len(lists) {
	case 0:
		return nil
	case 1:
		return lists[0]
	}
	out := make([]Incident, 0, n)
	for len(out) < n {
		best := -1
		for i, l := range lists {
			if len(l) > 0 && (best < 0 || before(&l[0].Incident, &lists[best][0].Incident)) {
				best = i
			}
		}
		out = append(out, lists[best][0])
		lists[best] = lists[best][1:]
	}
	return out
}

// mergeMonitors merges the servers' monitors in State's order: the
// unhealthy first, then by name, then by the server's place in Servers
// (the lists are appended in that order and the sort is stable), then by
// uuid (each list's own order).
func mergeMonitors(servers []*server) []Monitor {
	var out []Monitor
	lists := 0
	for _, srv := range servers {
		if l := srv.mon.sorted(); len(l) > 0 {
			if lists == 0 {
				out = l
			} else {
				if lists == 1 {
					out = append([]Monitor(nil), out...)
				}
				out = append(out, l...)
			}
			lists++
		}
	}
	if lists > 1 {
		sort.SliceStable(out, func(i, j int) bool { return monitorBefore(&out[i], &out[j]) })
	}
	return out
}

// Unacknowledged returns the open incidents of severity sev that nobody
// has acknowledged yet (Incident.Unacknowledged), in State's order (each
// names its Server). It is what "Acknowledge all critical" sends and what a
// re-alert repeats, per server.
func (st State) Unacknowledged(sev ops.Severity) []Incident {
	var out []Incident
	for _, in := range st.Incidents {
		if in.Severity == sev && in.Unacknowledged() {
			out = append(out, in)
		}
	}
	return out
}
