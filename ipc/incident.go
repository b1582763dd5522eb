package ipc

import "github.com/warpdesk/warpdesk/ops"

// IncidentRef names one incident across servers: the same UUID on two
// servers is two incidents (store.Incident's Server and UUID).
type IncidentRef struct {
	// Server is the server's ID (store.ServerState.ID); "" for the one
	// server of a single-server store.
	Server string
	UUID   string
}

// ShowIncident asks the window to raise itself with the incident selected
// (a notification's default action). It never blocks; of several calls
// before the next write only the newest is sent. A call while no Run is
// active is sent when the next Run starts, after its first State, so the
// incident is drawn before it is selected. A ref no incident can have
// ("" or too long a UUID, too long a server ID) is dropped: the window
// would end the link on it.
func (s *Server) ShowIncident(server, uuid string) {
	if uuid == "" || len(uuid) > ops.MaxUUIDLen || len(server) > maxServerLen {
		return
	}
	s.mu.Lock()
	s.inc = &IncidentRef{Server: server, UUID: uuid}
	s.mu.Unlock()
	s.signal()
}

// IncidentShows receives the incident each time the agent asks the window
// to show one (Server.ShowIncident): raise the window and select it. Of
// requests close together only the newest is kept. It is closed when the
// link ends.
func (rm *Remote) IncidentShows() <-chan IncidentRef { return rm.incs }

// offerIncident hands ref to IncidentShows, replacing one not yet taken.
// Only the reader goroutine sends, so the second try cannot find the
// channel full.
func (rm *Remote) offerIncident(ref IncidentRef) {
	select {
	case rm.incs <- ref:
		return
	default:
	}
	select {
	case <-rm.incs:
	default:
	}
	rm.incs <- ref
}
