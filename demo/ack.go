package demo

import (
	"errors"
	"fmt"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/socket/sockettest"
)

// ErrNotFound is matched by Acknowledge's error for a uuid that names no
// open incident.
var ErrNotFound = errors.New("demo: no such open incident")

// Acknowledge acknowledges the open incident uuid as user by and, the
// first time, broadcasts incident.acknowledged to its room. Acknowledging
// it again, as anyone, changes nothing, broadcasts nothing and returns the
// first acknowledgement: a client that retries after a lost reply gets the
// same answer. An unknown or resolved uuid gives ErrNotFound.
func (s *Server) Acknowledge(uuid, by string) (ops.Acknowledgement, error) {
	s.mu.Lock()
	in, ok := s.open[uuid]
	if !ok {
		s.mu.Unlock()
		return ops.Acknowledgement{}, fmt.Errorf("%w: %q", ErrNotFound, uuid)
	}
	if in.IsAcknowledged() {
		s.mu.Unlock()
		return ops.Acknowledgement{UUID: uuid, By: in.AcknowledgedBy, At: in.AcknowledgedAt}, nil
	}
	a := ops.Acknowledgement{UUID: uuid, By: by, At: s.opts.Now().UnixMilli()}
	if err := a.Validate(); err != nil {
		s.mu.Unlock()
		return ops.Acknowledgement{}, err
	}
	s.open[uuid] = in.Acknowledge(a)
	s.mu.Unlock()
	s.log.Info("incident acknowledged", "uuid", uuid, "by", by, "room", in.Room)
	_ = s.emit(in.Room, func() error { return sockettest.Emit(s.ws, in.Room, ops.IncidentAcknowledged, a) })
	return a, nil
}

// serveAcknowledge answers the incident.acknowledge request of connection
// conn as the user its token belongs to. The broadcast goes out before the
// reply, so the requester sees incident.acknowledged first.
func (s *Server) serveAcknowledge(conn int, req ops.IncidentRef) (ops.Acknowledgement, error) {
	if err := req.Validate(); err != nil {
		return ops.Acknowledgement{}, &socket.RemoteError{Code: ops.CodeBadRequest, Message: err.Error()}
	}
	by, ok := s.userByToken(s.ws.ConnToken(conn))
	if !ok { // cannot happen: requests come only from authenticated connections
		return ops.Acknowledgement{}, &socket.RemoteError{Code: "unauthorized", Message: "who are you?"}
	}
	a, err := s.Acknowledge(req.UUID, by)
	if errors.Is(err, ErrNotFound) {
		return a, &socket.RemoteError{Code: ops.CodeNotFound, Message: "no open incident " + req.UUID + " (never raised, or resolved)"}
	}
	return a, err
}
