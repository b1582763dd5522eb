package sockettest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/gorilla/websocket"

	"github.com/warpdesk/warpdesk/socket"
)

// Envelope builds the frame Broadcast sends.
func Envelope(name string, data any) ([]byte, error) {
	return json.Marshal(struct {
		Name      string `json:"name"`
		Data      any    `json:"data"`
		Timestamp int64  `json:"timestamp"`
	}{name, data, time.Now().UnixMilli()})
}

// Broadcast sends the envelope {name, data, timestamp} to every
// authenticated connection in room, or to every authenticated connection
// when room is "".
func (s *Server) Broadcast(room, name string, data any) error {
	msg, err := Envelope(name, data)
	if err != nil {
		return err
	}
	return s.BroadcastRaw(room, msg)
}

// BroadcastRaw sends frame as it is (malformed or not) to the members of
// room, or to everyone when room is "".
func (s *Server) BroadcastRaw(room string, frame []byte) error {
	var errs []error
	for _, p := range s.members(room) {
		if err := p.write(frame); err != nil {
			errs = append(errs, fmt.Errorf("conn %d: %w", p.id, err))
		}
	}
	return errors.Join(errs...)
}

// SendBinary sends a binary frame to every connection.
func (s *Server) SendBinary(data []byte) {
	for _, p := range s.members("") {
		p.wmu.Lock()
		_ = p.ws.WriteMessage(websocket.BinaryMessage, data)
		p.wmu.Unlock()
	}
}

// members returns the authenticated connections in room (all of them when
// room is ""), leaving out those being closed.
func (s *Server) members(room string) []*peer {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*peer
	for _, id := range sortedIDs(s.conns) {
		p := s.conns[id]
		if p.authed && !p.closing && (room == "" || slices.Contains(p.rooms, room)) {
			out = append(out, p)
		}
	}
	return out
}

// Emit broadcasts a typed message to room ("" for everyone).
func Emit[T any](s *Server, room string, m socket.Message[T], data T) error {
	return s.Broadcast(room, m.Name(), data)
}

func (s *Server) peers() []*peer {
	s.mu.Lock()
	defer s.mu.Unlock()
	peers := make([]*peer, 0, len(s.conns))
	for _, p := range s.conns {
		peers = append(peers, p)
	}
	return peers
}

// DropAll closes every connection's TCP socket abruptly, without a close
// frame, as a crashed server or a cut cable would.
func (s *Server) DropAll() {
	for _, p := range s.peers() {
		p.ws.NetConn().Close()
	}
}

// CloseAll closes every connection with code and reason, doing the close
// handshake: it returns once every client has answered with its close
// frame, or CloseWait has passed and the rest have been cut.
func (s *Server) CloseAll(code int, reason string) {
	var closing []*peer
	for _, p := range s.peers() {
		if s.startClosing(p, false) {
			closing = append(closing, p)
			p.closeHandshake(code, reason, s.opts.CloseWait)
		}
	}
	if !s.waitGone(closing, s.opts.CloseWait+time.Second) {
		for _, p := range closing {
			p.ws.NetConn().Close()
		}
	}
}
