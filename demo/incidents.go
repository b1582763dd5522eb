package demo

import (
	"sort"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/socket/sockettest"
)

// Open returns the open incidents, newest first.
func (s *Server) Open() []ops.Incident {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.openLocked(nil)
}

func (s *Server) openLocked(rooms map[string]bool) []ops.Incident {
	out := make([]ops.Incident, 0, len(s.open))
	for _, in := range s.open {
		if rooms == nil || in.Room == "" || rooms[in.Room] {
			out = append(out, in)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].CreatedAt != out[j].CreatedAt {
			return out[i].CreatedAt > out[j].CreatedAt
		}
		return out[i].UUID < out[j].UUID
	})
	return out
}

// Monitors returns every monitor's current status, by name.
func (s *Server) Monitors() []ops.MonitorChange {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.monitorsLocked()
}

func (s *Server) monitorsLocked() []ops.MonitorChange {
	out := make([]ops.MonitorChange, 0, len(s.monitors))
	for _, m := range s.monitors {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Create raises an incident and broadcasts incident.created to its room
// (everyone when it has none). An empty UUID or CreatedAt is filled in; an
// empty severity means warning. It returns the incident as raised.
func (s *Server) Create(in ops.Incident) (ops.Incident, error) {
	s.mu.Lock()
	if in.UUID == "" {
		in.UUID = s.uuidLocked()
	}
	s.mu.Unlock()
	if in.CreatedAt == 0 {
		in.CreatedAt = s.opts.Now().UnixMilli()
	}
	if in.Severity == "" {
		in.Severity = ops.Warning
	}
	if err := in.Validate(); err != nil {
		return in, err
	}
	s.mu.Lock()
	s.open[in.UUID] = in
	s.mu.Unlock()
	s.log.Info("incident created", "uuid", in.UUID, "severity", in.Severity, "room", in.Room, "title", in.Title)
	return in, s.emit(in.Room, func() error { return sockettest.Emit(s.ws, in.Room, ops.IncidentCreated, in) })
}

// Resolve closes an open incident and broadcasts incident.resolved to its
// room. It reports whether the incident was open.
func (s *Server) Resolve(uuid string) bool {
	s.mu.Lock()
	in, ok := s.open[uuid]
	delete(s.open, uuid)
	s.mu.Unlock()
	if !ok {
		return false
	}
	s.log.Info("incident resolved", "uuid", uuid, "room", in.Room)
	_ = s.emit(in.Room, func() error {
		return sockettest.Emit(s.ws, in.Room, ops.IncidentResolved, ops.IncidentRef{UUID: uuid})
	})
	return true
}

// SetMonitor changes a monitor's status and broadcasts
// monitor.status-changed to everyone. An unknown uuid adds a monitor named
// name (or the uuid).
func (s *Server) SetMonitor(uuid, name string, status ops.MonitorStatus) (ops.MonitorChange, error) {
	s.mu.Lock()
	m, ok := s.monitors[uuid]
	if !ok {
		m = ops.MonitorChange{MonitorUUID: uuid, Name: name}
		if m.Name == "" {
			m.Name = uuid
		}
	}
	m.Status = status
	m.ChangedAt = s.opts.Now().UnixMilli()
	if err := m.Validate(); err != nil {
		s.mu.Unlock()
		return m, err
	}
	s.monitors[uuid] = m
	s.mu.Unlock()
	s.log.Info("monitor changed", "monitor", m.Name, "status", m.Status)
	return m, s.emit("", func() error { return sockettest.Emit(s.ws, "", ops.MonitorStatusChanged, m) })
}

// emit sends, ignoring failures caused by a connection going away mid-write
// (the client catches up over HTTP), but reporting them in the log.
func (s *Server) emit(room string, send func() error) error {
	if err := send(); err != nil {
		s.log.Debug("broadcast incomplete", "room", room, "err", err)
	}
	return nil
}
