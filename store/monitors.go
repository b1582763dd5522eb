package store

import (
	"sort"
	"strings"

	"github.com/warpdesk/warpdesk/ops"
)

// monitors holds the latest status of every monitor the server told us
// about, keyed by monitor uuid. A change older than the one held (by
// changedAt) is ignored, so a catch-up snapshot cannot roll a monitor back.
// Owned by the Store under its lock; list is replaced, never modified.
type monitors struct {
	server string // the server's ID, which every Monitor of list names
	m      map[string]ops.MonitorChange
	list   []Monitor
	max    int
}

func newMonitors(server string, max int) monitors {
	return monitors{server: server, m: map[string]ops.MonitorChange{}, max: max}
}

// update records a valid change; it reports whether anything changed. A
// monitor beyond max is ignored.
func (s *monitors) update(c ops.MonitorChange) bool {
	old, ok := s.m[c.MonitorUUID]
	if ok && (old.ChangedAt > c.ChangedAt || old == c) {
		return false
	}
	if !ok && len(s.m) >= s.max {
		return false
	}
	if c.Name == "" {
		c.Name = old.Name
	}
	s.m[c.MonitorUUID] = c
	s.list = nil
	return true
}

func rankOf(s ops.MonitorStatus) int {
	switch s {
	case ops.Down:
		return 0
	case ops.Degraded:
		return 1
	}
	return 2
}

// sorted returns the monitors, each naming the server, the unhealthy
// first (down, degraded, up), then by name, then by uuid.
func (s *monitors) sorted() []Monitor {
	if s.list != nil || len(s.m) == 0 {
		return s.list
	}
	out := make([]Monitor, 0, len(s.m))
	for _, c := range s.m {
		out = append(out, Monitor{MonitorChange: c, Server: s.server})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		return monitorBefore(a, b) || !monitorBefore(b, a) && a.MonitorUUID < b.MonitorUUID
	})
	s.list = out
	return out
}

// monitorBefore is the order of the monitors' lists: the unhealthy first
// (down, degraded, up), then by name. One server's list is ordered by
// uuid after that (sorted); the merged list by the servers' order
// (mergeMonitors).
func monitorBefore(a, b *Monitor) bool {
	if ra, rb := rankOf(a.Status), rankOf(b.Status); ra != rb {
		return ra < rb
	}
	if !strings.EqualFold(a.Name, b.Name) {
		return strings.ToLower(a.Name) < strings.ToLower(b.Name)
	}
	return false
}
