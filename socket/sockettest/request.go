package sockettest

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/warpdesk/warpdesk/socket"
)

// Request is one request the server received: a client frame with a "ref"
// (see socket.Call and docs/PROTOCOL.md).
type Request struct {
	Conn  int    // connection number
	Name  string // the request name, the frame's "type"
	Ref   string // what the reply must carry to match it
	Frame []byte // the whole frame, "type" and "ref" included
}

// RequestHandler answers one request. It returns the reply's data, encoded
// as JSON, or an error: a *socket.RemoteError (found with errors.As) is sent
// as ok false with its code and message, any other error as ok false with
// code "internal" and the error's text.
type RequestHandler func(req Request) (any, error)

// ReplyMode says what the server does with the requests it receives.
type ReplyMode int

const (
	// ReplyAnswer answers every request through its handler, after the
	// reply delay. A request with no handler gets ok false with code
	// "unknown_request". This is the default.
	ReplyAnswer ReplyMode = iota
	// ReplyNever records requests and never answers them: a server that
	// ignores what it does not understand, as servers written for WarpKit do.
	ReplyNever
	// ReplyDrop drops the connection (no close frame) as soon as a request
	// arrives, unanswered: the request was written, the reply never comes.
	ReplyDrop
)

// responder is a server's request handling.
type responder struct {
	once     sync.Once // installs the OnMessage hook on first use
	mu       sync.Mutex
	handlers map[string]RequestHandler
	mode     ReplyMode
	delay    time.Duration
}

// requests returns s's request handling, installing it on first use: a
// server that is never told about requests answers none.
func (s *Server) requests() *responder {
	r := &s.reqs
	r.once.Do(func() {
		r.handlers = map[string]RequestHandler{}
		s.OnMessage(func(conn int, _ string, frame []byte) { s.serveRequest(r, conn, frame) })
	})
	return r
}

// HandleRequest makes the server answer requests named name with h,
// replacing any handler it had for name. h runs on the connection's read
// goroutine, or on a timer's goroutine when there is a reply delay.
func (s *Server) HandleRequest(name string, h RequestHandler) {
	r := s.requests()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.handlers[name] = h
}

// Handle is HandleRequest for a typed request: the frame is decoded into
// Req (a frame that does not fit is answered with code "bad_request") and
// h's Resp is the reply's data.
func Handle[Req, Resp any](s *Server, r socket.Request[Req, Resp], h func(conn int, req Req) (Resp, error)) {
	s.HandleRequest(r.Name(), func(q Request) (any, error) {
		var req Req
		if err := json.Unmarshal(q.Frame, &req); err != nil {
			return nil, &socket.RemoteError{Code: "bad_request", Message: err.Error()}
		}
		return h(q.Conn, req)
	})
}

// SetReplyMode sets what the server does with requests from now on.
func (s *Server) SetReplyMode(m ReplyMode) {
	r := s.requests()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.mode = m
}

// SetReplyDelay makes the server wait d before it answers each request
// (zero: answer at once). Delayed replies are sent independently, so
// requests answered with different delays may be answered out of order.
func (s *Server) SetReplyDelay(d time.Duration) {
	r := s.requests()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.delay = d
}

// serveRequest handles one client frame, if it is a request.
func (s *Server) serveRequest(r *responder, conn int, frame []byte) {
	q, ok := parseRequest(conn, frame)
	if !ok {
		return // not a request
	}
	r.mu.Lock()
	mode, delay, h := r.mode, r.delay, r.handlers[q.Name]
	r.mu.Unlock()
	switch mode {
	case ReplyNever:
		return
	case ReplyDrop:
		if p := s.peerByID(conn); p != nil {
			p.ws.NetConn().Close()
		}
		return
	}
	answer := func() {
		if h == nil {
			_ = s.ReplyError(conn, q.Ref, "unknown_request", fmt.Sprintf("no handler for %q", q.Name))
			return
		}
		data, err := h(q)
		var re *socket.RemoteError
		switch {
		case errors.As(err, &re):
			_ = s.ReplyError(conn, q.Ref, re.Code, re.Message)
		case err != nil:
			_ = s.ReplyError(conn, q.Ref, "internal", err.Error())
		default:
			_ = s.Reply(conn, q.Ref, data)
		}
	}
	if delay > 0 {
		time.AfterFunc(delay, answer)
		return
	}
	answer()
}

// Requests returns the requests named name received so far, in order, from
// the recorded frames ("" for all of them). It works in every reply mode.
func (s *Server) Requests(name string) []Request {
	var out []Request
	for _, f := range s.Frames() {
		q, ok := parseRequest(f.Conn, []byte(f.Text))
		if ok && (name == "" || q.Name == name) {
			out = append(out, q)
		}
	}
	return out
}

// parseRequest reads a frame as a request: an object with a string "type"
// and a string "ref". Keys match exactly, as in JavaScript, not the way
// encoding/json matches struct fields.
func parseRequest(conn int, frame []byte) (Request, bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal(frame, &m) != nil {
		return Request{}, false
	}
	var name, ref string
	if json.Unmarshal(m["type"], &name) != nil || json.Unmarshal(m["ref"], &ref) != nil {
		return Request{}, false
	}
	return Request{Conn: conn, Name: name, Ref: ref, Frame: frame}, true
}

// replyData is the data of a reply envelope.
type replyData struct {
	Ref   string      `json:"ref"`
	OK    bool        `json:"ok"`
	Data  any         `json:"data,omitempty"`
	Error *replyError `json:"error,omitempty"`
}

type replyError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Reply sends connection conn the reply {"ref":ref,"ok":true,"data":data},
// whatever the reply mode: to answer by hand, late, twice or to a ref that
// was never asked.
func (s *Server) Reply(conn int, ref string, data any) error {
	return s.sendReply(conn, replyData{Ref: ref, OK: true, Data: data})
}

// ReplyError sends connection conn the refusal
// {"ref":ref,"ok":false,"error":{"code":code,"message":message}}.
func (s *Server) ReplyError(conn int, ref, code, message string) error {
	return s.sendReply(conn, replyData{Ref: ref, Error: &replyError{Code: code, Message: message}})
}

func (s *Server) sendReply(conn int, d replyData) error {
	p := s.peerByID(conn)
	if p == nil {
		return fmt.Errorf("sockettest: reply %s: no open connection %d", d.Ref, conn)
	}
	frame, err := Envelope("reply", d)
	if err != nil {
		return err
	}
	return p.write(frame)
}

// peerByID returns open connection conn, or nil.
func (s *Server) peerByID(conn int) *peer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns[conn]
}
