package socket_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/socket/sockettest"
)

// A panicking Handshake is recovered and reported like a handler panic; the
// dial counts as failed and the client backs off and tries again.
func TestHandshakePanicIsRecovered(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{})
	opts := fast()
	var calls atomic.Int32
	opts.Handshake = func(context.Context) (socket.Handshake, error) {
		if calls.Add(1) <= 2 {
			panic("token store exploded")
		}
		return socket.Handshake{Name: "auth", Data: map[string]string{"token": "t"}}, nil
	}
	c := newClient(t, srv.URL(), opts)
	var errs recorder[error]
	c.OnError(errs.add)
	var attempts recorder[int]
	socket.On(c, socket.ReconnectAttempt, func(e socket.ReconnectAttemptEvent, _ socket.Envelope) { attempts.add(e.Attempt) })
	c.Connect()
	waitConnected(t, c)
	got := errs.get()
	if len(got) != 2 {
		t.Fatalf("%d errors, want 2: %v", len(got), got)
	}
	for _, e := range got {
		var pe *socket.HandlerPanicError
		var de *socket.DialError
		if !errors.As(e, &pe) || pe.Name != "handshake" || pe.Value != "token store exploded" || len(pe.Stack) == 0 {
			t.Errorf("error %v is not a *HandlerPanicError for the handshake", e)
		}
		if !errors.As(e, &de) {
			t.Errorf("error %v is not a *DialError", e)
		}
	}
	if a := attempts.get(); len(a) != 2 {
		t.Errorf("reconnect attempts %v, want two redials", a)
	}
	eventually(t, 2*time.Second, "the server has a frame", func() bool { return len(srv.Frames()) > 0 })
	if f := srv.Frames(); f[0].Text != `{"type":"auth","token":"t"}` {
		t.Errorf("first frame %v, want the auth", f)
	}
}

// A Handshake that ignores its ctx holds neither Disconnect nor a pause,
// and is not called again until it returns.
func TestHandshakeIgnoringCtxDoesNotHoldDisconnect(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{})
	opts := fast()
	opts.ConnectionTimeout = 100 * time.Millisecond
	release := make(chan struct{})
	entered := make(chan struct{}, 16)
	var calls, running atomic.Int32
	opts.Handshake = func(context.Context) (socket.Handshake, error) {
		calls.Add(1)
		if running.Add(1) > 1 {
			t.Error("Handshake called while an earlier call still runs")
		}
		defer running.Add(-1)
		entered <- struct{}{}
		<-release
		return socket.Handshake{}, nil
	}
	c := newClient(t, srv.URL(), opts)
	var once sync.Once
	free := func() { once.Do(func() { close(release) }) }
	t.Cleanup(free) // before the Disconnect of newClient, should the test fail
	var errs recorder[error]
	c.OnError(errs.add)
	c.Connect()
	<-entered
	eventually(t, 2*time.Second, "a connection timeout", func() bool {
		for _, e := range errs.get() {
			if errors.Is(e, socket.ErrConnectionTimeout) {
				return true
			}
		}
		return false
	})
	start := time.Now()
	stopped := make(chan struct{})
	go func() {
		c.SetOnline(false)
		c.Disconnect()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(3 * time.Second):
		free()
		<-stopped
		t.Fatalf("SetOnline(false) and Disconnect held by a stuck Handshake for %v", time.Since(start))
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("SetOnline(false) and Disconnect took %v with a stuck Handshake", d)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("Handshake called %d times while the first was stuck", n)
	}
	free() // the abandoned call returns; its goroutine ends
	c.SetOnline(true)
	c.Connect()
	waitLive(t, c, srv)
}
