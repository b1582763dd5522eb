// Package demo is Warpdesk's built-in operations backend: a WebSocket server
// (on socket/sockettest) that behaves like a real one, so the app does its job
// on a machine with nothing else running.
//
// It accepts the demo token (ops.DemoToken), and the tokens of
// Options.Users, in any of the ways sockettest documents: an auth frame {"type":"auth","token":...}, which may come after
// the client's room joins and messages, as it does with WarpKit's
// SocketClient (they are held until auth succeeds); the upgrade header
// "Authorization: Bearer <token>"; or, for browsers, which cannot set
// headers, ?token=<token> on the WebSocket URL. A wrong token, or no auth
// within 10s, closes the connection with code 4001, after a proper close
// handshake. Clients join rooms ("ops", "payments", "infra"); incidents go
// to their room's members, monitor changes to everyone. A background stream
// creates and resolves incidents, flaps monitors, raises a burst of related
// incidents now and then and, occasionally, drops every connection so that
// reconnecting is visible. GET /api/incidents returns the open incidents (a
// JSON ops.Snapshot, filtered by ?room=; Authorization: Bearer header) so
// clients can catch up. Options.Compression turns on permessage-deflate.
//
// Clients acknowledge incidents with the incident.acknowledge request
// (ops.Acknowledge): the server answers {uuid, by, at}, where by is the
// user the connection's token belongs to (Options.Users; the demo token is
// user "demo"), never a name the client gives, and broadcasts
// incident.acknowledged to the incident's room the first time. Every
// incident has a description, a service and a URL, a page of this server
// (GET /incidents/{uuid}), so "open in the browser" works in the demo.
//
// Every knob has a default that makes a believable demo; tests make it fast
// and deterministic (Options.Seed, Options.Interval < 0 with Step, Create,
// Resolve and SetMonitor to drive it by hand).
package demo

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/socket/sockettest"
)

// DefaultRooms are the rooms the demo's incidents are raised in.
var DefaultRooms = []string{"ops", "payments", "infra"}

// Options configures the demo server. The zero value is the full demo.
type Options struct {
	// Token is the token clients must present. Empty means ops.DemoToken.
	// It acts as user DemoUser unless Users names it.
	Token string
	// Users maps more accepted tokens to user names, e.g. from ParseUsers:
	// the user a connection's token belongs to is who acknowledges what it
	// acknowledges. Nil means Token only.
	Users map[string]string
	// Rooms are the rooms incidents are raised in. Nil means DefaultRooms.
	Rooms []string
	// Interval is the mean time between stream events (exponentially
	// distributed). Zero means 3s; negative means no background stream at
	// all: the test drives the server with Step, Create, Resolve, SetMonitor.
	Interval time.Duration
	// BurstEvery is the mean time between bursts of related incidents. Zero
	// means 50s; negative means never.
	BurstEvery time.Duration
	// DropEvery is the mean time between dropped connections. Zero means
	// 80s; negative means never.
	DropEvery time.Duration
	// Seed seeds the stream's randomness (titles, severities, uuids, timing).
	// Zero means a seed from the clock.
	Seed uint64
	// Initial is how many incidents are open when the server starts. Zero
	// means 3; negative means none.
	Initial int
	// Compression negotiates permessage-deflate with clients that offer it
	// (gorilla's Upgrader.EnableCompression). False means no compression.
	Compression bool
	// Logger receives what the server does. Nil means no logging.
	Logger *slog.Logger
	// Now is the clock for createdAt/changedAt. Nil means time.Now.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.Token == "" {
		o.Token = ops.DemoToken
	}
	if o.Rooms == nil {
		o.Rooms = DefaultRooms
	}
	if o.Interval == 0 {
		o.Interval = 3 * time.Second
	}
	if o.BurstEvery == 0 {
		o.BurstEvery = 50 * time.Second
	}
	if o.DropEvery == 0 {
		o.DropEvery = 80 * time.Second
	}
	if o.Seed == 0 {
		o.Seed = uint64(time.Now().UnixNano())
	}
	if o.Initial == 0 {
		o.Initial = 3
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Server is a running demo backend. Its methods are safe for concurrent use.
type Server struct {
	opts   Options
	ws     *sockettest.Server
	log    *slog.Logger
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once

	users map[string]string // token → user name, Token included

	mu       sync.Mutex
	rng      *rand.Rand
	open     map[string]ops.Incident
	monitors map[string]ops.MonitorChange
}

// Start starts the demo server on addr ("127.0.0.1:0" for a free port) and,
// unless Options.Interval is negative, its event stream. The server stops
// when ctx is done or Close is called.
func Start(ctx context.Context, addr string, opts Options) (*Server, error) {
	opts = opts.withDefaults()
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	s := &Server{
		opts:     opts,
		users:    usersWithDemo(opts.Users, opts.Token),
		log:      opts.Logger,
		rng:      rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)),
		open:     map[string]ops.Incident{},
		monitors: map[string]ops.MonitorChange{},
		done:     make(chan struct{}),
	}
	now := opts.Now().UnixMilli()
	for _, m := range monitorNames {
		s.monitors[m.uuid] = ops.MonitorChange{MonitorUUID: m.uuid, Name: m.name, Status: ops.Up, ChangedAt: now}
	}
	ws, err := sockettest.NewServer(sockettest.Options{
		Addr:        addr,
		Token:       opts.Token,
		Tokens:      s.otherTokens(),
		Compression: opts.Compression,
		ReadLimit:   1 << 20, // clients send acks and joins; bound what a stranger can make us hold
		RecordBytes: 4 << 20, // the record is for tests; keep it bounded however long the demo runs
		HTTP:        s.handler(),
		Logger:      opts.Logger,
	})
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	s.ws = ws
	sockettest.Handle(ws, ops.Acknowledge, s.serveAcknowledge)
	s.mu.Lock()
	for i := 0; i < opts.Initial; i++ { // now that their URLs are known
		in := s.randomIncident(s.pickRoom())
		// Spread the initial incidents over the last hour.
		in.CreatedAt = now - int64(opts.Initial-i)*int64(7*time.Minute/time.Millisecond)
		s.open[in.UUID] = in
	}
	s.mu.Unlock()
	var runCtx context.Context
	runCtx, s.cancel = context.WithCancel(ctx)
	go s.run(runCtx)
	s.log.Info("demo server listening", "url", ws.URL())
	return s, nil
}

// URL is the WebSocket URL, e.g. ws://127.0.0.1:8088/ws.
func (s *Server) URL() string { return s.ws.URL() }

// HTTPURL is the HTTP base URL, e.g. http://127.0.0.1:8088.
func (s *Server) HTTPURL() string { return s.ws.HTTPURL() }

// Token is the token the server accepts.
func (s *Server) Token() string { return s.opts.Token }

// Rooms are the rooms incidents are raised in.
func (s *Server) Rooms() []string { return slices.Clone(s.opts.Rooms) }

// Socket is the underlying sockettest server, for tests that inspect frames.
func (s *Server) Socket() *sockettest.Server { return s.ws }

// Stop stops listening and drops every connection; the stream goes on, so a
// client catches up on what it missed after Restart.
func (s *Server) Stop() { s.ws.Stop() }

// Restart listens again on the same address.
func (s *Server) Restart() error { return s.ws.Restart() }

// DropAll cuts every connection without a close frame.
func (s *Server) DropAll() { s.ws.DropAll() }

// Close stops the stream and the server for good. Safe to call twice.
func (s *Server) Close() {
	s.once.Do(func() {
		s.cancel()
		<-s.done
		s.ws.Close()
	})
}
