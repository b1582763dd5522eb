package sockettest

import (
	"encoding/json"
	"slices"
	"strings"
)

// OnMessage registers f for every parsed client message (not pings) of an
// authenticated connection; what a connection sends before its auth frame
// reaches f right after it. f runs on the connection's read goroutine.
func (s *Server) OnMessage(f func(conn int, typ string, frame []byte)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onMsg = append(s.onMsg, f)
}

// Frames returns every text frame received so far, in arrival order
// (frames a connection sends after the server has closed it are drained,
// not recorded).
func (s *Server) Frames() []Frame {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.frames)
}

// Messages returns the received frames whose "type" is typ, in order.
func (s *Server) Messages(typ string) []Frame {
	var out []Frame
	needle := `"type":` + strings.TrimSpace(mustJSON(typ))
	for _, f := range s.Frames() {
		if strings.Contains(f.Text, needle) {
			out = append(out, f)
		}
	}
	return out
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// ResetFrames forgets the recorded frames.
func (s *Server) ResetFrames() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.frames, s.recorded = nil, 0
}

// record appends f to the record, forgetting the oldest frames past
// RecordBytes; s.mu must be held.
func (s *Server) record(f Frame) {
	s.frames = append(s.frames, f)
	s.recorded += len(f.Text)
	for s.opts.RecordBytes > 0 && s.recorded > s.opts.RecordBytes && len(s.frames) > 0 {
		s.recorded -= len(s.frames[0].Text)
		s.frames[0] = Frame{} // let the text go before append reallocates
		s.frames = s.frames[1:]
	}
}

// Conns returns the number of open connections.
func (s *Server) Conns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// ConnIDs returns the open connections' numbers, ascending.
func (s *Server) ConnIDs() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedIDs(s.conns)
}

// Rooms returns the rooms connection conn has joined (joins held before
// auth count only once it has authenticated).
func (s *Server) Rooms(conn int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.conns[conn]; p != nil {
		return slices.Clone(p.rooms)
	}
	return nil
}

// SetPong turns the answer to pings on or off; off plays a dead peer.
func (s *Server) SetPong(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pong = on
}

func sortedIDs(m map[int]*peer) []int {
	ids := make([]int, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
