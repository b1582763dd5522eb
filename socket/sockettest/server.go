package sockettest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Limits on what a connection may send before it authenticates.
const (
	// MaxHeldFrames is how many frames (room joins, messages) the server
	// holds for a connection that has not authenticated yet.
	MaxHeldFrames = 1000
	// MaxHeldBytes is how many bytes of such frames it holds.
	MaxHeldBytes = 1 << 20
)

// Options configures a Server. The zero value is a server on a free
// loopback port with no authentication.
type Options struct {
	// Addr is the listen address. Empty means "127.0.0.1:0".
	Addr string
	// Path is the WebSocket endpoint. Empty means "/ws".
	Path string
	// Token, when set, makes the server require authentication: the header
	// "Authorization: Bearer <Token>" or the query parameter ?token=<Token>
	// on the upgrade, or a frame {"type":"auth","token":<Token>} within
	// AuthTimeout (see the package documentation). Empty means every
	// connection is accepted as it is.
	Token string
	// Tokens are more tokens the server accepts, as it accepts Token (a
	// server with several users); the server requires authentication when
	// Token or Tokens is set. ConnToken says which one a connection used.
	Tokens []string
	// AuthTimeout is how long a connection may take to send its auth frame;
	// what it sends meanwhile is held. Zero means 10s. Unused without Token.
	AuthTimeout time.Duration
	// CloseWait is how long the server waits for the client's close frame
	// after sending its own, before it closes TCP. Zero means 1s.
	CloseWait time.Duration
	// ReadLimit is the largest text frame the server reads, in bytes; a
	// larger one closes the connection with 1009 "message too big". Zero
	// means 16 MiB; negative means no limit.
	ReadLimit int64
	// Compression negotiates permessage-deflate with clients that offer it.
	// False means frames are never compressed.
	Compression bool
	// RecordBytes bounds the record Frames returns: past that many bytes of
	// frames, the oldest are forgotten. Zero means the record keeps
	// everything, as a test wants; a long-running server sets it.
	RecordBytes int
	// HTTP serves every path other than Path, e.g. a catch-up endpoint.
	HTTP http.Handler
	// Logger receives connection events. Nil means no logging.
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.Path == "" {
		o.Path = "/ws"
	}
	if o.AuthTimeout <= 0 {
		o.AuthTimeout = 10 * time.Second
	}
	if o.ReadLimit == 0 {
		o.ReadLimit = 16 << 20
	}
	if o.CloseWait <= 0 {
		o.CloseWait = time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return o
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
	recorded int // bytes of text in frames
	pong     bool
	accepts  int
	onMsg    []func(conn int, typ string, frame []byte)
	wg       sync.WaitGroup

	reqs responder // request handling (request.go)
}

// NewServer starts a server; it is listening when NewServer returns.
func NewServer(opts Options) (*Server, error) {
	opts = opts.withDefaults()
	s := &Server{
		opts: opts,
		log:  opts.Logger,
		upgrader: websocket.Upgrader{
			CheckOrigin:       func(*http.Request) bool { return true },
			EnableCompression: opts.Compression,
		},
		conns: map[int]*peer{},
		pong:  true,
		addr:  opts.Addr,
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
	s.waitGone(nil, time.Second)
}

// waitGone waits up to d until none of peers (every connection when nil) is
// open any more, and reports whether they are all gone.
func (s *Server) waitGone(peers []*peer, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		s.mu.Lock()
		open := len(s.conns) > 0
		if peers != nil {
			open = false
			for _, p := range peers {
				open = open || s.conns[p.id] == p
			}
		}
		s.mu.Unlock()
		if !open {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
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
