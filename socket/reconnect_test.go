package socket_test

import (
	"context"
	"errors"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/socket/sockettest"
)

// Heartbeat, timeouts, giving up, rejection and Reconnect: the reconnect
// loop seen from outside.

func TestHeartbeat(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{})
	opts := fast()
	opts.HeartbeatInterval = 20 * time.Millisecond
	opts.HeartbeatTimeout = 30 * time.Millisecond
	c := newClient(t, srv.URL(), opts)
	var errs recorder[error]
	c.OnError(errs.add)
	c.Connect()
	waitConnected(t, c)
	eventually(t, time.Second, "pings", func() bool { return slices.Contains(types(srv.Frames()), "2") })
	time.Sleep(100 * time.Millisecond)
	if srv.Accepts() != 1 {
		t.Fatal("reconnected although pongs arrived")
	}
	srv.SetPong(false)
	srv.ResetFrames()
	start := time.Now()
	eventually(t, time.Second, "heartbeat timeout", func() bool {
		for _, e := range errs.get() {
			if errors.Is(e, socket.ErrHeartbeatTimeout) {
				return true
			}
		}
		return false
	})
	t.Logf("dead peer detected after %v", time.Since(start))
	// At most one ping outstanding: a single "2" before the timeout.
	if n := strings.Count(strings.Join(types(srv.Frames()), ","), "2"); n > 2 {
		t.Fatalf("%d pings sent to a silent peer", n)
	}
	srv.SetPong(true)
	eventually(t, 2*time.Second, "reconnect", func() bool { return srv.Accepts() >= 2 && c.IsConnected() })
}

func TestConnectionTimeout(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 16)
	go func() {
		for {
			cn, err := ln.Accept()
			if err != nil {
				close(accepted)
				return
			}
			accepted <- cn // accept TCP, never answer the upgrade
		}
	}()
	defer func() {
		ln.Close()
		for cn := range accepted {
			cn.Close()
		}
	}()
	opts := fast()
	opts.ConnectionTimeout = 50 * time.Millisecond
	c := newClient(t, "ws://"+ln.Addr().String()+"/ws", opts)
	errCh := make(chan error, 16)
	c.OnError(func(e error) { errCh <- e })
	start := time.Now()
	c.Connect()
	select {
	case e := <-errCh:
		if !errors.Is(e, socket.ErrConnectionTimeout) {
			t.Fatalf("error %v, want ErrConnectionTimeout", e)
		}
		if el := time.Since(start); el > time.Second {
			t.Fatalf("timeout took %v", el)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("no connection timeout reported")
	}
	eventually(t, time.Second, "reconnecting", func() bool { return c.State() == socket.StateReconnecting })
	c.Disconnect()
}

func TestMaxReconnectAttempts(t *testing.T) {
	opts := fast()
	opts.MaxReconnectAttempts = 3
	c := newClient(t, "ws://127.0.0.1:1/ws", opts)
	var attempts recorder[int]
	socket.On(c, socket.ReconnectAttempt, func(e socket.ReconnectAttemptEvent, _ socket.Envelope) { attempts.add(e.Attempt) })
	failed := make(chan int, 1)
	socket.On(c, socket.ReconnectFailed, func(e socket.ReconnectFailedEvent, _ socket.Envelope) { failed <- e.Attempts })
	c.Connect()
	select {
	case n := <-failed:
		if n != 3 {
			t.Fatalf("ReconnectFailed{%d}", n)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("never gave up")
	}
	eventually(t, time.Second, "stopped", func() bool { return errors.Is(c.Status().Err, socket.ErrGaveUp) })
	if c.State() != socket.StateDisconnected {
		t.Fatalf("state %v", c.State())
	}
	if got := attempts.get(); !slices.Equal(got, []int{1, 2, 3}) {
		t.Fatalf("attempts %v", got)
	}
}

func TestRejectedByServerStops(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{Token: "secret"})
	opts := fast()
	opts.Handshake = func(ctx context.Context) (socket.Handshake, error) {
		return socket.Handshake{Name: "auth", Data: map[string]string{"token": "wrong"}}, nil
	}
	c := newClient(t, srv.URL(), opts)
	var errs recorder[error]
	c.OnError(errs.add)
	var disc recorder[socket.DisconnectedEvent]
	socket.On(c, socket.Disconnected, func(e socket.DisconnectedEvent, _ socket.Envelope) { disc.add(e) })
	c.Connect()
	eventually(t, 2*time.Second, "rejected", func() bool { return errors.Is(c.Status().Err, socket.ErrRejected) })
	time.Sleep(50 * time.Millisecond)
	if srv.Accepts() != 1 {
		t.Fatalf("client redialled %d times after rejection", srv.Accepts())
	}
	if d := disc.get(); len(d) != 1 || d[0].Code != 4001 || d[0].Reason != "unauthorized" {
		t.Fatalf("disconnected = %+v", d)
	}
}

func TestReconnectNowSkipsBackoff(t *testing.T) {
	opts := fast()
	opts.ReconnectDelay = time.Hour
	opts.MaxReconnectDelay = time.Hour
	srv := sockettest.Start(t, sockettest.Options{})
	c := newClient(t, srv.URL(), opts)
	c.Connect()
	waitConnected(t, c)
	srv.Stop()
	eventually(t, time.Second, "reconnecting", func() bool { return c.State() == socket.StateReconnecting })
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	c.Reconnect()
	waitConnected(t, c)
}

// Unsubscribing while callbacks are being delivered is safe (run with -race).
