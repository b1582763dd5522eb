// Package sockettest provides a real WebSocket server on loopback that speaks
// the WarpKit wire protocol, for tests of code built on package socket and
// for Warpdesk's demo mode.
//
// The server keeps per-connection rooms (room.join / room.leave), answers the
// heartbeat ping "2" with "3" (switchable off, to play a dead peer), records
// every frame it receives, broadcasts envelopes to a room, can drop every
// connection, and can stop and restart on the same address. With a Token it
// requires authentication, as a real backend would.
package sockettest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/warpdesk/warpdesk/socket"
)

// Options configures a Server. The zero value is a server on a free
// loopback port with no authentication.
type Options struct {
	// Addr is the listen address. Empty means "127.0.0.1:0".
	Addr string
	// Path is the WebSocket endpoint. Empty means "/ws".
	Path string
	// Token, when set, makes the server require authentication: the header
	// "Authorization: Bearer <Token>" on the upgrade, or a first frame
	// {"type":"auth","token":<Token>}. A connection that fails either way is
	// closed with code 4001 "unauthorized"; until it authenticates it
	// receives no broadcasts and its room joins are refused.
	Token string
	// HTTP serves every path other than Path, e.g. a catch-up endpoint.
	HTTP http.Handler
	// Logger receives connection events. Nil means no logging.
	Logger *slog.Logger
}

// Frame is one text frame the server received.
type Frame struct {
	Conn int    // connection number, from 1, in accept order
	Text string // the frame as sent
}

// Server is a running test server. Its methods are safe for concurrent use.
type Server struct {
	opts     Options
	upgrader websocket.Upgrader
	log      *slog.Logger

	mu       sync.Mutex
	addr     string
	ln       net.Listener
	srv      *http.Server
	conns    map[int]*peer
	nextConn int
	frames   []Frame
	pong     bool
	accepts  int
	onMsg    []func(conn int, typ string, frame []byte)
	wg       sync.WaitGroup
}

type peer struct {
	id     int
	ws     *websocket.Conn
	wmu    sync.Mutex
	rooms  []string
	authed bool
}

func (p *peer) write(msg []byte) error {
	p.wmu.Lock()
	defer p.wmu.Unlock()
	p.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return p.ws.WriteMessage(websocket.TextMessage, msg)
}

// NewServer starts a server; it is listening when NewServer returns.
func NewServer(opts Options) (*Server, error) {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.Path == "" {
		opts.Path = "/ws"
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Server{
		opts:     opts,
		log:      log,
		upgrader: websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }},
		conns:    map[int]*peer{},
		pong:     true,
		addr:     opts.Addr,
	}
	if err := s.listen(); err != nil {
		return nil, err
	}
	return s, nil
}

// Start is NewServer for tests: it fails the test on error and closes the
// server when the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := NewServer(opts)
	if err != nil {
		t.Fatalf("sockettest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

func (s *Server) listen() error {
	var ln net.Listener
	var err error
	// A restart may race the kernel releasing the port: retry briefly.
	for i := 0; i < 50; i++ {
		ln, err = net.Listen("tcp", s.addr)
		if err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		return fmt.Errorf("sockettest: listen %s: %w", s.addr, err)
	}
	mux := http.NewServeMux()
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	mux.HandleFunc(s.opts.Path, func(w http.ResponseWriter, r *http.Request) { s.serveWS(w, r, srv) })
	if s.opts.HTTP != nil {
		mux.Handle("/", s.opts.HTTP)
	}
	s.mu.Lock()
	s.ln, s.srv, s.addr = ln, srv, ln.Addr().String()
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		_ = srv.Serve(ln)
	}()
	return nil
}

// Addr returns the host:port the server listens on.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// URL returns the WebSocket URL, e.g. ws://127.0.0.1:41234/ws.
func (s *Server) URL() string { return "ws://" + s.Addr() + s.opts.Path }

// HTTPURL returns the HTTP base URL, e.g. http://127.0.0.1:41234.
func (s *Server) HTTPURL() string { return "http://" + s.Addr() }

// Accepts returns how many WebSocket upgrades the server has accepted.
func (s *Server) Accepts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accepts
}

// serveWS serves one connection accepted by gen, the http.Server of one
// listen.
func (s *Server) serveWS(w http.ResponseWriter, r *http.Request, gen *http.Server) {
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
	p := &peer{id: s.nextConn, ws: ws}
	if s.opts.Token == "" || r.Header.Get("Authorization") == "Bearer "+s.opts.Token {
		p.authed = true
	}
	s.conns[p.id] = p
	s.mu.Unlock()
	s.log.Debug("connection opened", "conn", p.id)
	defer func() {
		s.mu.Lock()
		delete(s.conns, p.id)
		s.mu.Unlock()
		ws.Close()
		s.log.Debug("connection closed", "conn", p.id)
	}()
	for {
		mt, msg, err := ws.ReadMessage()
		if err != nil {
			return
		}
		if mt != websocket.TextMessage {
			continue
		}
		s.mu.Lock()
		s.frames = append(s.frames, Frame{Conn: p.id, Text: string(msg)})
		pong := s.pong
		s.mu.Unlock()
		if string(msg) == "2" {
			if pong {
				_ = p.write([]byte("3"))
			}
			continue
		}
		var m struct {
			Type  string `json:"type"`
			Room  string `json:"room"`
			Token string `json:"token"`
		}
		if json.Unmarshal(msg, &m) != nil {
			continue
		}
		switch {
		case m.Type == "auth" && s.opts.Token != "":
			if m.Token != s.opts.Token {
				s.reject(p)
				return
			}
			s.mu.Lock()
			p.authed = true
			s.mu.Unlock()
		case !s.isAuthed(p):
			s.reject(p)
			return
		case m.Type == "room.join":
			s.mu.Lock()
			if !slices.Contains(p.rooms, m.Room) {
				p.rooms = append(p.rooms, m.Room)
			}
			s.mu.Unlock()
		case m.Type == "room.leave":
			s.mu.Lock()
			if i := slices.Index(p.rooms, m.Room); i >= 0 {
				p.rooms = slices.Delete(p.rooms, i, i+1)
			}
			s.mu.Unlock()
		}
		s.mu.Lock()
		hooks := slices.Clone(s.onMsg)
		s.mu.Unlock()
		for _, h := range hooks {
			h(p.id, m.Type, msg)
		}
	}
}

func (s *Server) isAuthed(p *peer) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return p.authed
}

func (s *Server) reject(p *peer) {
	msg := websocket.FormatCloseMessage(4001, "unauthorized")
	p.wmu.Lock()
	_ = p.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
	p.wmu.Unlock()
}

// OnMessage registers f for every parsed client message (not pings). It runs
// on the connection's read goroutine.
func (s *Server) OnMessage(f func(conn int, typ string, frame []byte)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onMsg = append(s.onMsg, f)
}

// Frames returns every text frame received so far, in arrival order.
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
	s.frames = nil
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
	ids := make([]int, 0, len(s.conns))
	for id := range s.conns {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Rooms returns the rooms connection conn has joined.
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

func (s *Server) members(room string) []*peer {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*peer
	for _, id := range sortedIDs(s.conns) {
		p := s.conns[id]
		if p.authed && (room == "" || slices.Contains(p.rooms, room)) {
			out = append(out, p)
		}
	}
	return out
}

func sortedIDs(m map[int]*peer) []int {
	ids := make([]int, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Emit broadcasts a typed message to room ("" for everyone).
func Emit[T any](s *Server, room string, m socket.Message[T], data T) error {
	return s.Broadcast(room, m.Name(), data)
}

// DropAll closes every connection's TCP socket abruptly, without a close
// frame, as a crashed server or a cut cable would.
func (s *Server) DropAll() {
	s.mu.Lock()
	peers := make([]*peer, 0, len(s.conns))
	for _, p := range s.conns {
		peers = append(peers, p)
	}
	s.mu.Unlock()
	for _, p := range peers {
		p.ws.NetConn().Close()
	}
}

// CloseAll sends every connection a close frame with code and reason, then
// closes it.
func (s *Server) CloseAll(code int, reason string) {
	s.mu.Lock()
	peers := make([]*peer, 0, len(s.conns))
	for _, p := range s.conns {
		peers = append(peers, p)
	}
	s.mu.Unlock()
	msg := websocket.FormatCloseMessage(code, reason)
	for _, p := range peers {
		p.wmu.Lock()
		_ = p.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
		p.wmu.Unlock()
		p.ws.NetConn().Close()
	}
}

// Stop stops listening and drops every connection; Restart listens again on
// the same address.
func (s *Server) Stop() {
	s.mu.Lock()
	srv := s.srv
	s.srv, s.ln = nil, nil
	s.mu.Unlock()
	if srv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 0)
	defer cancel()
	_ = srv.Shutdown(ctx) // closes the listener; hijacked conns are ours
	srv.Close()
	s.DropAll()
	s.wg.Wait()
	// Wait for the connection goroutines to notice.
	for i := 0; i < 200 && s.Conns() > 0; i++ {
		time.Sleep(5 * time.Millisecond)
	}
}

// Restart listens again on the address the server had.
func (s *Server) Restart() error {
	s.mu.Lock()
	running := s.srv != nil
	s.mu.Unlock()
	if running {
		return nil
	}
	return s.listen()
}

// Close stops the server for good. Safe to call twice.
func (s *Server) Close() { s.Stop() }
