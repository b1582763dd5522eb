package conn

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/store"
)

// The live messages, decoded into types without a Validate method: the
// store validates each payload once, at its edge, so the socket must not
// do it a second time (ops.IncidentCreated and friends would).
type (
	wireIncident ops.Incident
	wireRef      ops.IncidentRef
	wireMonitor  ops.MonitorChange
	wireAck      ops.Acknowledgement
)

var (
	incidentCreated  = socket.Define[wireIncident](ops.IncidentCreated.Name())
	incidentResolved = socket.Define[wireRef](ops.IncidentResolved.Name())
	monitorChanged   = socket.Define[wireMonitor](ops.MonitorStatusChanged.Name())
	incidentAcked    = socket.Define[wireAck](ops.IncidentAcknowledged.Name())
)

// client is one server's socket.Client and its handlers. Its handlers run
// on the socket's dispatcher goroutine, in frame order.
type client struct {
	c       *Conn
	sc      *socket.Client
	unsubs  []func()
	retired atomic.Bool // replaced or closed: its handlers do nothing
	noSync  atomic.Bool // the server answered no joinsApplied: not asked again

	mu        sync.Mutex
	lastErr   error // why the last dial failed or connection ended
	tokenSent bool  // the last handshake carried a token
}

// newClient makes the client for server with its handlers, not yet
// connected; the caller joins the rooms under Conn.mu.
func (c *Conn) newClient(server string) (*client, error) {
	cl := &client{c: c}
	opts := c.opts.Socket
	opts.Handshake = cl.handshake
	opts.Compression = c.compress.Load()
	if opts.Logger == nil {
		opts.Logger = c.log
	}
	sc, err := socket.New(server, opts)
	if err != nil {
		return nil, err
	}
	cl.sc = sc
	cl.unsubs = []func(){
		sc.OnStatusChange(cl.onStatus),
		sc.OnError(cl.onError),
		socket.On(sc, socket.Connected, func(socket.ConnectedEvent, socket.Envelope) { c.requestCatchUp() }),
		socket.On(sc, socket.ReconnectAttempt, cl.onAttempt),
		socket.On(sc, incidentCreated, cl.onCreated),
		socket.On(sc, incidentResolved, cl.onResolved),
		socket.On(sc, monitorChanged, cl.onMonitor),
		socket.On(sc, incidentAcked, cl.onAck),
	}
	return cl, nil
}

// close disconnects; when it returns none of its handlers runs any more.
func (cl *client) close() {
	cl.retired.Store(true)
	cl.sc.Disconnect()
	for _, u := range cl.unsubs {
		u()
	}
}

func (cl *client) handshake(ctx context.Context) (socket.Handshake, error) {
	tok, err := cl.c.token(ctx)
	if err != nil {
		return socket.Handshake{}, err
	}
	cl.mu.Lock()
	cl.tokenSent = tok != ""
	cl.mu.Unlock()
	if tok == "" {
		return socket.Handshake{}, nil // none stored: connect without authentication
	}
	return socket.Handshake{Name: ops.AuthName, Data: ops.Auth{Token: tok}}, nil
}

func (cl *client) onStatus(st socket.Status) {
	if cl.retired.Load() {
		return
	}
	cl.setLink(st, false)
}

// onAttempt: a redial starts now, so no next attempt is pending.
func (cl *client) onAttempt(socket.ReconnectAttemptEvent, socket.Envelope) {
	if cl.retired.Load() {
		return
	}
	cl.setLink(cl.sc.Status(), true)
}

func (cl *client) setLink(st socket.Status, dialling bool) {
	if st.State == socket.StateDisconnected && st.Err == nil && !st.Paused() {
		// Between a connection's end and the socket's next step (a
		// rejection's error, say): only a Disconnect stops a running
		// client for good, and a retired client says nothing.
		return
	}
	cl.mu.Lock()
	if st.State == socket.StateConnected {
		cl.lastErr = nil
	}
	lastErr, tokenSent := cl.lastErr, cl.tokenSent
	cl.mu.Unlock()
	link, reason := linkOf(st, lastErr, tokenSent)
	ls := store.LinkStatus{Link: link, Reason: reason}
	if link == store.LinkReconnecting && st.Attempt > 0 && !dialling {
		ls.NextAttempt = nextDial(time.Now(), st.Attempt, lastErr, cl.c.opts.Socket)
	}
	_ = cl.c.st.SetLink(ls) // link is one of the store's
}

func (cl *client) onError(err error) {
	var (
		dial *socket.DialError
		ce   *socket.CloseError
	)
	switch {
	case errors.As(err, &dial):
		cl.c.log.Debug("connection attempt failed", "err", err)
	case errors.As(err, &ce), errors.Is(err, socket.ErrHeartbeatTimeout):
		cl.c.log.Info("connection ended", "err", err)
	default:
		cl.c.log.Warn("connection", "err", err)
		return
	}
	cl.mu.Lock()
	cl.lastErr = err
	cl.mu.Unlock()
}

func (cl *client) onCreated(w wireIncident, _ socket.Envelope) {
	in := ops.Incident(w)
	cl.c.roomsMu.RLock() // a SetRooms waits: no incident of a room it left gets in after its drop
	defer cl.c.roomsMu.RUnlock()
	if cl.retired.Load() || !inRooms(*cl.c.rooms.Load(), in.Room) {
		return // a room just left
	}
	if err := cl.c.st.IncidentCreated(in); err != nil {
		cl.c.log.Warn("dropped a message", "err", err)
	}
}

func (cl *client) onResolved(w wireRef, _ socket.Envelope) {
	if cl.retired.Load() {
		return
	}
	if err := cl.c.st.IncidentResolved(w.UUID); err != nil {
		cl.c.log.Warn("dropped a message", "err", err)
	}
}

func (cl *client) onMonitor(w wireMonitor, _ socket.Envelope) {
	if cl.retired.Load() {
		return
	}
	if err := cl.c.st.MonitorChanged(ops.MonitorChange(w)); err != nil {
		cl.c.log.Warn("dropped a message", "err", err)
	}
}

func (cl *client) onAck(w wireAck, _ socket.Envelope) {
	if cl.retired.Load() {
		return
	}
	if err := cl.c.st.IncidentAcknowledged(ops.Acknowledgement(w)); err != nil {
		cl.c.log.Warn("dropped a message", "err", err)
	}
}
