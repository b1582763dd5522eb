// Package demo is Warpdesk's built-in operations backend: a WebSocket server
// (on socket/sockettest) that behaves like a real one, so the app does its job
// on a machine with nothing else running.
//
// It accepts the demo token (ops.DemoToken; first frame {"type":"auth",...}
// or an Authorization: Bearer header) and closes any other connection with
// code 4001. Clients join rooms ("ops", "payments", "infra"); incidents go to
// their room's members, monitor changes to everyone. A background stream
// creates and resolves incidents, flaps monitors, raises a burst of related
// incidents now and then and, occasionally, drops every connection so that
// reconnecting is visible. GET /api/incidents returns the open incidents (a
// JSON ops.Snapshot, filtered by ?room=) so clients can catch up.
//
// Every knob has a default that makes a believable demo; tests make it fast
// and deterministic (Options.Seed, Options.Interval < 0 with Step, Create,
// Resolve and SetMonitor to drive it by hand).
package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"sort"
	"strings"
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
	Token string
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
	for i := 0; i < opts.Initial; i++ {
		in := s.randomIncident(s.pickRoom())
		// Spread the initial incidents over the last hour.
		in.CreatedAt = now - int64(opts.Initial-i)*int64(7*time.Minute/time.Millisecond)
		s.open[in.UUID] = in
	}
	ws, err := sockettest.NewServer(sockettest.Options{
		Addr:   addr,
		Token:  opts.Token,
		HTTP:   s.handler(),
		Logger: opts.Logger,
	})
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	s.ws = ws
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

// Open returns the open incidents, newest first.
func (s *Server) Open() []ops.Incident {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.openLocked(nil)
}

func (s *Server) openLocked(rooms map[string]bool) []ops.Incident {
	out := make([]ops.Incident, 0, len(s.open))
	for _, in := range s.open {
		if rooms == nil || in.Room == "" || rooms[in.Room] {
			out = append(out, in)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].CreatedAt != out[j].CreatedAt {
			return out[i].CreatedAt > out[j].CreatedAt
		}
		return out[i].UUID < out[j].UUID
	})
	return out
}

// Monitors returns every monitor's current status, by name.
func (s *Server) Monitors() []ops.MonitorChange {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.monitorsLocked()
}

func (s *Server) monitorsLocked() []ops.MonitorChange {
	out := make([]ops.MonitorChange, 0, len(s.monitors))
	for _, m := range s.monitors {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Create raises an incident and broadcasts incident.created to its room
// (everyone when it has none). An empty UUID or CreatedAt is filled in; an
// empty severity means warning. It returns the incident as raised.
func (s *Server) Create(in ops.Incident) (ops.Incident, error) {
	s.mu.Lock()
	if in.UUID == "" {
		in.UUID = s.uuidLocked()
	}
	s.mu.Unlock()
	if in.CreatedAt == 0 {
		in.CreatedAt = s.opts.Now().UnixMilli()
	}
	if in.Severity == "" {
		in.Severity = ops.Warning
	}
	if err := in.Validate(); err != nil {
		return in, err
	}
	s.mu.Lock()
	s.open[in.UUID] = in
	s.mu.Unlock()
	s.log.Info("incident created", "uuid", in.UUID, "severity", in.Severity, "room", in.Room, "title", in.Title)
	return in, s.emit(in.Room, func() error { return sockettest.Emit(s.ws, in.Room, ops.IncidentCreated, in) })
}

// Resolve closes an open incident and broadcasts incident.resolved to its
// room. It reports whether the incident was open.
func (s *Server) Resolve(uuid string) bool {
	s.mu.Lock()
	in, ok := s.open[uuid]
	delete(s.open, uuid)
	s.mu.Unlock()
	if !ok {
		return false
	}
	s.log.Info("incident resolved", "uuid", uuid, "room", in.Room)
	_ = s.emit(in.Room, func() error {
		return sockettest.Emit(s.ws, in.Room, ops.IncidentResolved, ops.IncidentRef{UUID: uuid})
	})
	return true
}

// SetMonitor changes a monitor's status and broadcasts
// monitor.status-changed to everyone. An unknown uuid adds a monitor named
// name (or the uuid).
func (s *Server) SetMonitor(uuid, name string, status ops.MonitorStatus) (ops.MonitorChange, error) {
	s.mu.Lock()
	m, ok := s.monitors[uuid]
	if !ok {
		m = ops.MonitorChange{MonitorUUID: uuid, Name: name}
		if m.Name == "" {
			m.Name = uuid
		}
	}
	m.Status = status
	m.ChangedAt = s.opts.Now().UnixMilli()
	if err := m.Validate(); err != nil {
		s.mu.Unlock()
		return m, err
	}
	s.monitors[uuid] = m
	s.mu.Unlock()
	s.log.Info("monitor changed", "monitor", m.Name, "status", m.Status)
	return m, s.emit("", func() error { return sockettest.Emit(s.ws, "", ops.MonitorStatusChanged, m) })
}

// emit sends, ignoring failures caused by a connection going away mid-write
// (the client catches up over HTTP), but reporting them in the log.
func (s *Server) emit(room string, send func() error) error {
	if err := send(); err != nil {
		s.log.Debug("broadcast incomplete", "room", room, "err", err)
	}
	return nil
}

// Step performs one stream event, as the background stream does: raise,
// resolve or flap a monitor.
func (s *Server) Step() {
	s.mu.Lock()
	n := len(s.open)
	p := s.rng.Float64()
	s.mu.Unlock()
	switch {
	case n < 2 || (n < 12 && p < 0.45):
		s.mu.Lock()
		in := s.randomIncident(s.pickRoom())
		s.mu.Unlock()
		in.CreatedAt = 0
		_, _ = s.Create(in)
	case n >= 12 || p < 0.8:
		s.resolveRandom()
	default:
		s.flapMonitor()
	}
}

// Burst raises several related incidents in one room at once, as a cascading
// failure does, and takes a monitor down.
func (s *Server) Burst() {
	s.mu.Lock()
	room := s.pickRoom()
	k := 3 + s.rng.IntN(4)
	svc := pick(s.rng, services)
	s.mu.Unlock()
	s.log.Info("burst", "room", room, "incidents", k)
	for i := 0; i < k; i++ {
		s.mu.Lock()
		in := s.randomIncident(room)
		in.Title = fmt.Sprintf("%s: %s", svc, pick(s.rng, burstTitles))
		if i == 0 {
			in.Severity = ops.Critical
		}
		s.mu.Unlock()
		in.CreatedAt = 0
		_, _ = s.Create(in)
	}
	s.mu.Lock()
	m := pick(s.rng, monitorNames)
	s.mu.Unlock()
	_, _ = s.SetMonitor(m.uuid, m.name, ops.Down)
}

func (s *Server) resolveRandom() {
	s.mu.Lock()
	list := s.openLocked(nil)
	if len(list) == 0 {
		s.mu.Unlock()
		return
	}
	// Older incidents are likelier to be resolved.
	i := len(list) - 1 - int(math.Floor(math.Pow(s.rng.Float64(), 2)*float64(len(list))))
	uuid := list[i].UUID
	s.mu.Unlock()
	s.Resolve(uuid)
}

func (s *Server) flapMonitor() {
	s.mu.Lock()
	m := pick(s.rng, monitorNames)
	cur := s.monitors[m.uuid].Status
	next := ops.Up
	switch {
	case cur == ops.Up && s.rng.Float64() < 0.6:
		next = ops.Degraded
	case cur == ops.Up:
		next = ops.Down
	case cur == ops.Degraded && s.rng.Float64() < 0.3:
		next = ops.Down
	}
	s.mu.Unlock()
	_, _ = s.SetMonitor(m.uuid, m.name, next)
}

// run is the background stream.
func (s *Server) run(ctx context.Context) {
	defer close(s.done)
	if s.opts.Interval < 0 {
		<-ctx.Done()
		s.ws.Close()
		return
	}
	next := func(mean time.Duration) <-chan time.Time {
		if mean < 0 {
			return nil
		}
		s.mu.Lock()
		d := time.Duration(s.rng.ExpFloat64() * float64(mean))
		s.mu.Unlock()
		d = max(d, mean/10)
		return time.After(d)
	}
	step, burst, drop := next(s.opts.Interval), next(s.opts.BurstEvery), next(s.opts.DropEvery)
	for {
		select {
		case <-ctx.Done():
			s.ws.Close()
			return
		case <-step:
			s.Step()
			s.ws.ResetFrames() // the demo does not need the record; keep memory flat
			step = next(s.opts.Interval)
		case <-burst:
			s.Burst()
			burst = next(s.opts.BurstEvery)
		case <-drop:
			s.log.Info("dropping every connection")
			s.ws.DropAll()
			drop = next(s.opts.DropEvery)
		}
	}
}

// handler serves the HTTP side: GET /api/incidents and a short index.
func (s *Server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(ops.IncidentsPath, s.serveIncidents)
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "Warpdesk demo server\nWebSocket: %s\nCatch-up:  GET %s (Authorization: Bearer <token>)\n",
			s.ws.URL(), ops.IncidentsPath)
	})
	return mux
}

func (s *Server) serveIncidents(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, "method not allowed")
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+s.opts.Token {
		w.Header().Set("WWW-Authenticate", `Bearer realm="warpdesk-demo"`)
		writeError(w, http.StatusUnauthorized, "unauthorized")
		return
	}
	var rooms map[string]bool
	if rs := r.URL.Query()["room"]; len(rs) > 0 {
		rooms = map[string]bool{}
		for _, rm := range rs {
			rooms[rm] = true
		}
	}
	s.mu.Lock()
	snap := ops.Snapshot{Incidents: s.openLocked(rooms), Monitors: s.monitorsLocked()}
	s.mu.Unlock()
	_ = json.NewEncoder(w).Encode(snap)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

func (s *Server) pickRoom() string { return pick(s.rng, s.opts.Rooms) }

func (s *Server) uuidLocked() string {
	a, b := s.rng.Uint64(), s.rng.Uint64()
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x",
		uint32(a>>32), uint16(a>>16), uint16(a)&0xfff, (uint16(b>>48)&0x3fff)|0x8000, b&0xffffffffffff)
}

// randomIncident makes up an incident in room; s.mu must be held.
func (s *Server) randomIncident(room string) ops.Incident {
	tmpl, ok := titles[room]
	if !ok {
		tmpl = titles["ops"]
	}
	title := pick(s.rng, tmpl)
	title = strings.NewReplacer(
		"{svc}", pick(s.rng, services),
		"{db}", pick(s.rng, databases),
		"{node}", fmt.Sprintf("node-%02d", 1+s.rng.IntN(24)),
		"{region}", pick(s.rng, regions),
		"{provider}", pick(s.rng, providers),
		"{n}", fmt.Sprint(2+s.rng.IntN(9)),
	).Replace(title)
	sev := ops.Info
	switch p := s.rng.Float64(); {
	case p < 0.2:
		sev = ops.Critical
	case p < 0.65:
		sev = ops.Warning
	}
	return ops.Incident{
		UUID:      s.uuidLocked(),
		Title:     title,
		Severity:  sev,
		Room:      room,
		CreatedAt: s.opts.Now().UnixMilli(),
	}
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

var (
	services  = []string{"checkout-api", "auth-service", "search", "notifications", "billing-worker", "edge-proxy"}
	databases = []string{"postgres-primary", "orders-db", "redis-sessions", "kafka-broker-2"}
	regions   = []string{"eu-west-1", "us-east-1", "ap-southeast-2"}
	providers = []string{"Stripe", "Adyen", "PayPal"}
	titles    = map[string][]string{
		"ops": {
			"Deploy of {svc} failed on {n} hosts",
			"Error rate above 5% on {svc}",
			"{svc} p99 latency over 2s",
			"TLS certificate for {svc} expires in 3 days",
			"Crash loop in {svc} after config push",
		},
		"payments": {
			"Card authorisations failing via {provider}",
			"Refund queue backlog above 10k",
			"Webhook deliveries to {provider} timing out",
			"Checkout conversion down 30% in {region}",
			"Duplicate charges reported for {provider}",
		},
		"infra": {
			"Disk 92% full on {db}",
			"Node {node} not ready",
			"Replication lag on {db} at 45s",
			"Packet loss in {region}",
			"Memory pressure on {node}",
		},
	}
	burstTitles = []string{
		"upstream connection resets",
		"health checks failing",
		"5xx spike at the load balancer",
		"queue consumers stalled",
		"timeouts calling the database",
		"circuit breaker open",
	}
	monitorNames = []struct{ uuid, name string }{
		{"mon-api", "Public API"},
		{"mon-checkout", "Checkout"},
		{"mon-login", "Login"},
		{"mon-db", "Primary database"},
		{"mon-cdn", "CDN edge"},
		{"mon-queue", "Job queue"},
	}
)
