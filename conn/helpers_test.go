package conn_test

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/conn"
	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/store"
)

const wait = 10 * time.Second

// fast are socket options on a millisecond scale.
var fast = socket.Options{
	ReconnectDelay:    20 * time.Millisecond,
	MaxReconnectDelay: 100 * time.Millisecond,
	ConnectionTimeout: 2 * time.Second,
}

// harness is a store with a Conn feeding it and a record of its events.
type harness struct {
	st     *store.Store
	c      *conn.Conn
	states chan store.State // every State published, in order
	events chan store.Event
}

func start(t *testing.T, opts conn.Options) *harness {
	t.Helper()
	if opts.Socket.ReconnectDelay == 0 {
		opts.Socket = fast
	}
	if opts.CatchUpDelay == 0 {
		opts.CatchUpDelay, opts.MaxCatchUpDelay = 20*time.Millisecond, 100*time.Millisecond
	}
	st := store.New(store.Options{})
	h := &harness{st: st, states: make(chan store.State, 100000), events: make(chan store.Event, 1000)}
	st.Subscribe(func(s store.State) { h.states <- s })
	st.SubscribeEvents(func(e store.Event, _ store.State) { h.events <- e })
	c, err := conn.New(st, opts)
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	h.c = c
	st.SetHooks(store.Hooks{Reconnect: func(string) { c.Reconnect() }})
	t.Cleanup(func() {
		c.Close()
		st.Close()
	})
	c.Start()
	return h
}

// until waits for a published State for which ok is true, taking the
// States in order since the last call (so a passing one is never missed),
// and returns it.
func (h *harness) until(t *testing.T, what string, ok func(store.State) bool) store.State {
	t.Helper()
	timeout := time.After(wait)
	for {
		select {
		case st := <-h.states:
			if ok(st) {
				return st
			}
		case <-timeout:
			t.Fatalf("never %s; last State %+v", what, h.st.State())
		}
	}
}

// event waits for the next event of type T, skipping others.
func event[T store.Event](t *testing.T, h *harness) T {
	t.Helper()
	timeout := time.After(wait)
	for {
		select {
		case e := <-h.events:
			if v, ok := e.(T); ok {
				return v
			}
		case <-timeout:
			var zero T
			t.Fatalf("no %T event", zero)
			return zero
		}
	}
}

// deadURL is a ws:// URL on which nothing listens.
func deadURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return fmt.Sprintf("ws://%s/ws", addr)
}

// demoServer is a quiet demo server (driven by hand) with initial open
// incidents.
func demoServer(t *testing.T, initial int) *demo.Server {
	t.Helper()
	srv, err := demo.Start(context.Background(), "127.0.0.1:0", demo.Options{
		Interval: -1, BurstEvery: -1, DropEvery: -1, Initial: initial, Seed: 7,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

func staticToken(tok string) func(context.Context) (string, error) {
	return func(context.Context) (string, error) { return tok, nil }
}

// flush waits until everything the store queued so far was delivered: a new
// subscriber's first call comes after them.
func flush(t *testing.T, st *store.Store) {
	t.Helper()
	done := make(chan struct{}, 1)
	off := st.Subscribe(func(store.State) {
		select {
		case done <- struct{}{}:
		default:
		}
	})
	defer off()
	select {
	case <-done:
	case <-time.After(wait):
		t.Fatal("the store's dispatcher is stuck")
	}
}

// startStressConn starts a conn on srv with catch-up retries in
// milliseconds, for the stress tests.
func startStressConn(t *testing.T, srv *demo.Server) (*store.Store, *conn.Conn) {
	t.Helper()
	st := store.New(store.Options{})
	c, err := conn.New(st, conn.Options{Server: srv.URL(), Token: staticToken(srv.Token()), Socket: fast,
		CatchUpDelay: time.Millisecond, MaxCatchUpDelay: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	c.Start()
	return st, c
}
