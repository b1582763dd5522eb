package sockettest

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// peer is one accepted connection. Its fields below wmu are guarded by
// Server.mu.
type peer struct {
	id  int
	ws  *websocket.Conn
	wmu sync.Mutex // serialises writes

	rooms     []string
	authed    bool
	token     string      // the token it authenticated with
	closing   bool        // the server has sent its close frame
	held      []heldFrame // what arrived before auth, in order
	heldBytes int
	authTimer *time.Timer // refuses the connection if auth never comes
}

// clientMsg is the part of a client frame the server understands.
type clientMsg struct {
	Type  string `json:"type"`
	Room  string `json:"room"`
	Token string `json:"token"`
}

func (p *peer) write(msg []byte) error {
	p.wmu.Lock()
	defer p.wmu.Unlock()
	p.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return p.ws.WriteMessage(websocket.TextMessage, msg)
}

// closeHandshake writes a close frame with code and reason, then lets the
// read loop run for at most wait so that the client's close frame can come
// back before TCP is closed.
func (p *peer) closeHandshake(code int, reason string, wait time.Duration) {
	msg := websocket.FormatCloseMessage(code, reason)
	p.wmu.Lock()
	_ = p.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
	p.wmu.Unlock()
	_ = p.ws.SetReadDeadline(time.Now().Add(wait))
}

// serveWS serves one connection accepted by gen, the http.Server of one
// listen.
func (s *Server) serveWS(w http.ResponseWriter, r *http.Request, gen *http.Server) {
	auth, token := s.upgradeAuth(r)
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	s.mu.Lock()
	if s.srv != gen {
		// Stop ran while this upgrade was finishing, too late for its
		// DropAll to see the connection: drop it here.
		s.mu.Unlock()
		ws.NetConn().Close()
		return
	}
	s.nextConn++
	s.accepts++
	p := &peer{id: s.nextConn, ws: ws, authed: auth == authOK, token: token}
	if auth == authPending {
		p.authTimer = time.AfterFunc(s.opts.AuthTimeout, func() { s.authExpired(p) })
	}
	s.conns[p.id] = p
	s.mu.Unlock()
	s.log.Debug("connection opened", "conn", p.id, "auth", auth.String())
	defer func() {
		s.mu.Lock()
		if p.authTimer != nil {
			p.authTimer.Stop()
		}
		delete(s.conns, p.id)
		s.mu.Unlock()
		ws.Close()
		s.log.Debug("connection closed", "conn", p.id)
	}()
	if auth == authFailed {
		s.refuse(p, 4001, "unauthorized")
	}
	for {
		msg, err := s.readText(p)
		if err != nil {
			return
		}
		if msg != nil {
			s.receive(p, msg)
		}
	}
}

// readText reads p's next message: a text frame's bytes, or nil for a
// binary frame or one over ReadLimit, which refuses the connection with
// 1009 (the rest of it is discarded as it arrives, never held in memory).
func (s *Server) readText(p *peer) ([]byte, error) {
	mt, r, err := p.ws.NextReader()
	if err != nil || mt != websocket.TextMessage {
		return nil, err
	}
	limit := s.opts.ReadLimit
	if limit < 0 {
		return io.ReadAll(r)
	}
	msg, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(msg)) > limit {
		s.refuse(p, websocket.CloseMessageTooBig, "message too big")
		return nil, nil
	}
	return msg, nil
}

// receive handles one text frame from p.
func (s *Server) receive(p *peer, msg []byte) {
	s.mu.Lock()
	if p.closing {
		s.mu.Unlock()
		return // draining until the client's close frame
	}
	s.record(Frame{Conn: p.id, Text: string(msg)})
	pong := s.pong
	s.mu.Unlock()
	if string(msg) == "2" {
		if pong {
			_ = p.write([]byte("3"))
		}
		return
	}
	var m clientMsg
	if json.Unmarshal(msg, &m) != nil {
		return
	}
	if m.Type == "auth" && s.authRequired() {
		s.authFrame(p, m, msg)
		return
	}
	s.mu.Lock()
	if !p.authed {
		ok := p.hold(m, msg)
		s.mu.Unlock()
		if !ok {
			s.refuse(p, websocket.ClosePolicyViolation, "too much before auth")
		}
		return
	}
	p.applyRooms(m)
	s.mu.Unlock()
	s.runHooks(p.id, m.Type, msg)
}

// applyRooms applies a room.join or room.leave; s.mu must be held.
func (p *peer) applyRooms(m clientMsg) {
	switch m.Type {
	case "room.join":
		if !slices.Contains(p.rooms, m.Room) {
			p.rooms = append(p.rooms, m.Room)
		}
	case "room.leave":
		if i := slices.Index(p.rooms, m.Room); i >= 0 {
			p.rooms = slices.Delete(p.rooms, i, i+1)
		}
	}
}

func (s *Server) runHooks(conn int, typ string, frame []byte) {
	s.mu.Lock()
	hooks := slices.Clone(s.onMsg)
	s.mu.Unlock()
	for _, h := range hooks {
		h(conn, typ, frame)
	}
}

// refuse closes p with code and reason, once, doing the close handshake;
// what p had held is dropped.
func (s *Server) refuse(p *peer, code int, reason string) {
	if s.startClosing(p, false) {
		s.closeWith(p, code, reason)
	}
}

// authExpired refuses p if it has not authenticated by now. The check and
// the refusal are one step, so an auth frame that is being applied at this
// very moment wins.
func (s *Server) authExpired(p *peer) {
	if s.startClosing(p, true) {
		s.closeWith(p, 4001, "unauthorized: no auth in time")
	}
}

func (s *Server) closeWith(p *peer, code int, reason string) {
	s.log.Debug("refusing connection", "conn", p.id, "code", code, "reason", reason)
	p.closeHandshake(code, reason, s.opts.CloseWait)
}

// startClosing marks p as closing and reports whether it was not already
// (nor, with unlessAuthed, authenticated).
func (s *Server) startClosing(p *peer, unlessAuthed bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.closing || (unlessAuthed && p.authed) {
		return false
	}
	p.closing = true
	p.held, p.heldBytes = nil, 0
	if p.authTimer != nil {
		p.authTimer.Stop()
	}
	return true
}
