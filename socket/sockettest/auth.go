package sockettest

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// upgradeAuth is what the upgrade request proves about a connection.
type upgradeAuth int

const (
	authPending upgradeAuth = iota // no credential yet: wait for an auth frame
	authOK                         // no token required, or a matching one presented
	authFailed                     // a credential presented that does not match
)

func (a upgradeAuth) String() string {
	switch a {
	case authOK:
		return "ok"
	case authFailed:
		return "failed"
	}
	return "pending"
}

// upgradeAuth checks the credentials on the upgrade request: the
// Authorization header and the token query parameter. Either one matching
// is enough, and its token is returned; one presented and none matching
// fails.
func (s *Server) upgradeAuth(r *http.Request) (upgradeAuth, string) {
	if !s.authRequired() {
		return authOK, ""
	}
	presented := false
	if h := r.Header.Get("Authorization"); h != "" {
		presented = true
		if tok, ok := strings.CutPrefix(h, "Bearer "); ok && s.tokenOK(tok) {
			return authOK, tok
		}
	}
	if q := r.URL.Query(); q.Has("token") {
		presented = true
		if s.tokenOK(q.Get("token")) {
			return authOK, q.Get("token")
		}
	}
	if presented {
		return authFailed, ""
	}
	return authPending, ""
}

// authRequired reports whether connections must present a token.
func (s *Server) authRequired() bool { return s.opts.Token != "" || len(s.opts.Tokens) > 0 }

// tokenOK compares in constant time, as a server checking secrets should,
// against every accepted token.
func (s *Server) tokenOK(tok string) bool {
	ok := 0
	for _, want := range append([]string{s.opts.Token}, s.opts.Tokens...) {
		if want != "" {
			ok |= subtle.ConstantTimeCompare([]byte(tok), []byte(want))
		}
	}
	return ok == 1
}

// ConnToken returns the token open connection conn authenticated with; ""
// when it has not (yet), when it is gone, or when the server requires no
// token. A server with several users (Tokens) tells them apart with it.
func (s *Server) ConnToken(conn int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.conns[conn]; p != nil && p.authed {
		return p.token
	}
	return ""
}

// heldFrame is a frame that arrived before auth.
type heldFrame struct {
	msg   clientMsg
	frame []byte
}

// hold keeps a frame that arrived before auth and reports whether it fit
// within MaxHeldFrames and MaxHeldBytes; s.mu must be held.
func (p *peer) hold(m clientMsg, frame []byte) bool {
	if len(p.held) >= MaxHeldFrames || p.heldBytes+len(frame) > MaxHeldBytes {
		return false
	}
	p.held = append(p.held, heldFrame{m, frame})
	p.heldBytes += len(frame)
	return true
}

// authFrame handles {"type":"auth"}: a wrong token refuses the connection;
// a right one authenticates it and applies what it had held, in order. The
// held room joins take effect together with the authentication, so no
// broadcast falls between them; then the OnMessage hooks see the auth frame
// and the held frames.
func (s *Server) authFrame(p *peer, m clientMsg, frame []byte) {
	if !s.tokenOK(m.Token) {
		s.refuse(p, 4001, "unauthorized")
		return
	}
	s.mu.Lock()
	if p.closing { // AuthTimeout won the race
		s.mu.Unlock()
		return
	}
	held := p.held
	p.held, p.heldBytes = nil, 0
	p.authed, p.token = true, m.Token
	if p.authTimer != nil {
		p.authTimer.Stop()
	}
	for _, h := range held {
		p.applyRooms(h.msg)
	}
	s.mu.Unlock()
	if len(held) > 0 {
		s.log.Debug("authenticated; applied what came first", "conn", p.id, "frames", len(held))
	}
	s.runHooks(p.id, m.Type, frame)
	for _, h := range held {
		s.runHooks(p.id, h.msg.Type, h.frame)
	}
}
