// Package notifytest is a fake freedesktop notification server for tests:
// it owns org.freedesktop.Notifications on a (private) bus, records every
// Notify call, and can emit ActionInvoked and NotificationClosed the way a
// real server does when the user clicks or dismisses.
//
//	bus := dbustest.Start(t, dbustest.Session)
//	srv := notifytest.Start(t, bus.Address, notifytest.Options{})
//	// ... code under test notifies over bus.Address ...
//	call := srv.WaitCalls(t, 1)[0]
//	if u, _ := call.Urgency(); u != 2 { ... }
//	srv.Click(call.ID) // → the client's ActionInvoked(id, "default")
//
// It implements the methods of the spec (version 1.2): GetCapabilities,
// Notify, CloseNotification and GetServerInformation.
package notifytest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

const (
	name  = "org.freedesktop.Notifications"
	path  = dbus.ObjectPath("/org/freedesktop/Notifications")
	iface = "org.freedesktop.Notifications"
)

// DefaultCapabilities are what the server advertises when
// Options.Capabilities is nil: those of a typical desktop server.
var DefaultCapabilities = []string{"actions", "body", "body-markup", "icon-static", "persistence"}

// Options configure a Server. The zero value is a well-behaved server with
// DefaultCapabilities.
type Options struct {
	// Capabilities is GetCapabilities' answer. Nil means
	// DefaultCapabilities; use []string{} for a server with none.
	Capabilities []string
	// Delay makes every Notify call wait that long before it answers, to
	// test a slow or hung server. Zero answers at once.
	Delay time.Duration
}

// Call is one recorded Notify call.
type Call struct {
	// ID is what the server answered: the notification id.
	ID uint32
	// Sender is the caller's unique bus name.
	Sender     string
	AppName    string
	ReplacesID uint32
	AppIcon    string
	Summary    string
	Body       string
	Actions    []string
	// Hints as received. A struct hint such as image-data (iiibiiay)
	// arrives as []any of its fields (godbus decodes structs so).
	Hints         map[string]dbus.Variant
	ExpireTimeout int32
	// At is when the server received the call.
	At time.Time
}

// Urgency returns the "urgency" hint's byte (0 low, 1 normal, 2
// critical) and whether the hint was present with type byte.
func (c Call) Urgency() (byte, bool) {
	v, ok := c.Hints["urgency"]
	if !ok {
		return 0, false
	}
	b, ok := v.Value().(byte)
	return b, ok
}

// Sound returns the "sound-name" hint (a freedesktop sound name such as
// "dialog-warning") and whether the hint was present as a string.
func (c Call) Sound() (string, bool) {
	v, ok := c.Hints["sound-name"]
	if !ok {
		return "", false
	}
	s, ok := v.Value().(string)
	return s, ok
}

// HasAction reports whether the call offered the action key.
func (c Call) HasAction(key string) bool {
	for i := 0; i+1 < len(c.Actions); i += 2 {
		if c.Actions[i] == key {
			return true
		}
	}
	return false
}

// Closing is one recorded CloseNotification call.
type Closing struct {
	// ID is the notification the caller asked to close.
	ID uint32
	// Sender is the caller's unique bus name.
	Sender string
	// WasOpen is whether it was on "screen" (a close of an unknown or
	// already closed id is answered but changes nothing).
	WasOpen bool
	// At is when the server received the call.
	At time.Time
}

// Server is a running fake notification server.
type Server struct {
	conn *dbus.Conn
	opts Options

	mu      sync.Mutex
	calls   []Call
	closes  []Closing
	open    map[uint32]bool // ids currently "on screen"
	lastID  uint32
	changed chan struct{} // closed and replaced on every call (Notify, CloseNotification)
	delay   time.Duration

	closing   chan struct{} // closed by Close: ends delayed calls
	closeOnce sync.Once
}

// Start connects to the bus at address, owns org.freedesktop.Notifications
// and serves until the test ends. It fails the test if the name is taken.
func Start(t testing.TB, address string, opts Options) *Server {
	t.Helper()
	s, err := New(address, opts)
	if err != nil {
		t.Fatalf("notifytest: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// New is Start without a testing.TB: the caller must Close the server.
func New(address string, opts Options) (*Server, error) {
	if opts.Capabilities == nil {
		opts.Capabilities = DefaultCapabilities
	}
	conn, err := dbus.Connect(address)
	if err != nil {
		return nil, err
	}
	s := &Server{conn: conn, opts: opts, open: map[uint32]bool{}, changed: make(chan struct{}), delay: opts.Delay, closing: make(chan struct{})}
	if err := conn.Export(methods{s}, path, iface); err != nil {
		conn.Close()
		return nil, err
	}
	reply, err := conn.RequestName(name, dbus.NameFlagDoNotQueue)
	if err != nil {
		conn.Close()
		return nil, err
	}
	if reply != dbus.RequestNameReplyPrimaryOwner {
		conn.Close()
		return nil, fmt.Errorf("%s is already owned on %s", name, address)
	}
	return s, nil
}

// Close releases the name and disconnects. Safe to call twice.
func (s *Server) Close() error {
	s.closeOnce.Do(func() { close(s.closing) })
	err := s.conn.Close()
	if errors.Is(err, dbus.ErrClosed) {
		return nil
	}
	return err
}

// SetDelay changes Options.Delay for later calls.
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	s.delay = d
	s.mu.Unlock()
}

// Calls returns a copy of every Notify call so far, oldest first.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// Closings returns a copy of every CloseNotification call so far, oldest
// first.
func (s *Server) Closings() []Closing {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.closes)
}

// WaitClosing waits up to 5 s for a CloseNotification call for id and
// returns the first; it fails the test otherwise.
func (s *Server) WaitClosing(t testing.TB, id uint32) Closing {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		s.mu.Lock()
		i := slices.IndexFunc(s.closes, func(c Closing) bool { return c.ID == id })
		var c Closing
		if i >= 0 {
			c = s.closes[i]
		}
		ch := s.changed
		s.mu.Unlock()
		if i >= 0 {
			return c
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("notifytest: no CloseNotification(%d) after 5s", id)
		}
	}
}

// Reset forgets the recorded calls and closings.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls, s.closes = nil, nil
}

// WaitCalls waits up to 5 s until at least n calls were recorded and
// returns them all; it fails the test otherwise.
func (s *Server) WaitCalls(t testing.TB, n int) []Call {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		s.mu.Lock()
		calls, ch := slices.Clone(s.calls), s.changed
		s.mu.Unlock()
		if len(calls) >= n {
			return calls
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("notifytest: %d Notify calls after 5s, want %d: %+v", len(calls), n, calls)
		}
	}
}

// Click emits ActionInvoked(id, "default"), what a server does when the
// user clicks the notification body, then closes it (reason 2, dismissed)
// as servers do.
func (s *Server) Click(id uint32) error { return s.Invoke(id, "default") }

// Invoke emits ActionInvoked(id, key) and then NotificationClosed(id, 2).
func (s *Server) Invoke(id uint32, key string) error {
	if err := s.conn.Emit(path, iface+".ActionInvoked", id, key); err != nil {
		return err
	}
	return s.Dismiss(id, 2)
}

// Dismiss removes notification id from the "screen" and emits
// NotificationClosed(id, reason): 1 expired, 2 dismissed by the user, 3
// closed by a call, 4 undefined.
func (s *Server) Dismiss(id, reason uint32) error {
	s.mu.Lock()
	delete(s.open, id)
	s.mu.Unlock()
	return s.conn.Emit(path, iface+".NotificationClosed", id, reason)
}

// Open returns the ids of notifications on "screen": notified and not yet
// closed or dismissed, replaced ones counted once.
func (s *Server) Open() []uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]uint32, 0, len(s.open))
	for id := range s.open {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// methods holds the D-Bus methods, so that Server's own methods are not
// exported on the bus.
type methods struct{ s *Server }

func (m methods) GetCapabilities() ([]string, *dbus.Error) {
	return slices.Clone(m.s.opts.Capabilities), nil
}

func (m methods) GetServerInformation() (string, string, string, string, *dbus.Error) {
	return "notifytest", "warpdesk", "1.0", "1.2", nil
}

func (m methods) CloseNotification(sender dbus.Sender, id uint32) *dbus.Error {
	m.s.mu.Lock()
	_, ok := m.s.open[id]
	m.s.closes = append(m.s.closes, Closing{ID: id, Sender: string(sender), WasOpen: ok, At: time.Now()})
	close(m.s.changed)
	m.s.changed = make(chan struct{})
	m.s.mu.Unlock()
	if !ok {
		return nil
	}
	if err := m.s.Dismiss(id, 3); err != nil {
		return dbus.MakeFailedError(err)
	}
	return nil
}

func (m methods) Notify(sender dbus.Sender, appName string, replacesID uint32, appIcon, summary, body string,
	actions []string, hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	s := m.s
	s.mu.Lock()
	delay := s.delay
	s.mu.Unlock()
	if delay > 0 {
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-s.closing:
			return 0, dbus.MakeFailedError(errors.New("notifytest: server closed"))
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := replacesID
	if id == 0 || !s.open[id] {
		s.lastID++
		id = s.lastID
	}
	s.open[id] = true
	s.calls = append(s.calls, Call{
		ID: id, Sender: string(sender), AppName: appName, ReplacesID: replacesID, AppIcon: appIcon,
		Summary: summary, Body: body, Actions: actions, Hints: hints, ExpireTimeout: timeout, At: time.Now(),
	})
	close(s.changed)
	s.changed = make(chan struct{})
	return id, nil
}
