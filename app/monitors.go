package app

import (
	"sort"
	"strings"
	"sync"

	"github.com/warpdesk/warpdesk/ops"
)

// Monitors holds the latest status of every monitor the server told us
// about, keyed by monitor uuid. A change older than the one held (by
// changedAt) is ignored, so a catch-up snapshot cannot roll a monitor back.
// Safe for concurrent use; OnChange runs after every change.
type Monitors struct {
	mu sync.Mutex
	m  map[string]ops.MonitorChange

	// OnChange is called after every change. Set it before use.
	OnChange func()
}

// NewMonitors returns an empty set.
func NewMonitors() *Monitors { return &Monitors{m: map[string]ops.MonitorChange{}} }

// Update records a change; it reports whether anything changed.
func (s *Monitors) Update(c ops.MonitorChange) bool {
	if c.Validate() != nil {
		return false
	}
	s.mu.Lock()
	old, ok := s.m[c.MonitorUUID]
	if ok && (old.ChangedAt > c.ChangedAt || old == c) {
		s.mu.Unlock()
		return false
	}
	if c.Name == "" {
		c.Name = old.Name
	}
	s.m[c.MonitorUUID] = c
	s.mu.Unlock()
	if s.OnChange != nil {
		s.OnChange()
	}
	return true
}

// List returns the monitors, the unhealthy first (down, degraded, up), then
// by name.
func (s *Monitors) List() []ops.MonitorChange {
	s.mu.Lock()
	out := make([]ops.MonitorChange, 0, len(s.m))
	for _, c := range s.m {
		out = append(out, c)
	}
	s.mu.Unlock()
	rank := map[ops.MonitorStatus]int{ops.Down: 0, ops.Degraded: 1, ops.Up: 2}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if rank[a.Status] != rank[b.Status] {
			return rank[a.Status] < rank[b.Status]
		}
		if !strings.EqualFold(a.Name, b.Name) {
			return strings.ToLower(a.Name) < strings.ToLower(b.Name)
		}
		return a.MonitorUUID < b.MonitorUUID
	})
	return out
}

// Reset forgets every monitor: for a switch to another server.
func (s *Monitors) Reset() {
	s.mu.Lock()
	s.m = map[string]ops.MonitorChange{}
	s.mu.Unlock()
	if s.OnChange != nil {
		s.OnChange()
	}
}
