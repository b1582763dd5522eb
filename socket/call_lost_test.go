package socket_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/socket/sockettest"
)

// callAsync starts a Call with a long deadline and returns its outcome.
func callAsync(t *testing.T, c *socket.Client, uuid string) <-chan error {
	t.Helper()
	ctx := callCtx(t, 30*time.Second)
	done := make(chan error, 1)
	go func() {
		_, err := socket.Call(ctx, c, ackIncident, ackReq{UUID: uuid})
		done <- err
	}()
	return done
}

// within waits for a Call's outcome; it must come well before its deadline.
func within(t *testing.T, done <-chan error, d time.Duration) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		t.Fatalf("Call still waiting after %v", d)
		return nil
	}
}

// Once written, a Call whose connection ends, for whatever reason, fails at
// once with ErrConnectionLost, not at its deadline.
func TestCallConnectionLostAfterWrite(t *testing.T) {
	cases := []struct {
		name string
		opts func(*socket.Options)
		end  func(*sockettest.Server, *socket.Client)
		also error // what else the error must match
	}{
		{name: "server drops", end: func(s *sockettest.Server, _ *socket.Client) { s.DropAll() }},
		{name: "server closes", end: func(s *sockettest.Server, _ *socket.Client) { s.CloseAll(1001, "going away") }},
		{name: "offline", end: func(_ *sockettest.Server, c *socket.Client) { c.SetOnline(false) }},
		{name: "asleep", end: func(_ *sockettest.Server, c *socket.Client) { c.SetAwake(false) }},
		{name: "disconnect", end: func(_ *sockettest.Server, c *socket.Client) { c.Disconnect() }},
		{
			name: "heartbeat",
			opts: func(o *socket.Options) {
				o.HeartbeatInterval, o.HeartbeatTimeout = 20*time.Millisecond, 50*time.Millisecond
			},
			end:  func(s *sockettest.Server, _ *socket.Client) { s.SetPong(false) },
			also: socket.ErrHeartbeatTimeout,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := ackServer(t)
			srv.SetReplyMode(sockettest.ReplyNever)
			opts := fast()
			if tc.opts != nil {
				tc.opts(&opts)
			}
			c := connected(t, srv, opts)
			done := callAsync(t, c, "u1")
			eventually(t, 2*time.Second, "request received", func() bool { return len(srv.Requests("")) == 1 })
			tc.end(srv, c)
			err := within(t, done, 5*time.Second)
			if !errors.Is(err, socket.ErrConnectionLost) {
				t.Fatalf("err = %v; want ErrConnectionLost", err)
			}
			if tc.also != nil && !errors.Is(err, tc.also) {
				t.Fatalf("err = %v; want it to match %v too", err, tc.also)
			}
		})
	}
}

// A server that drops the connection on receiving the request.
func TestCallServerDropsOnRequest(t *testing.T) {
	srv := ackServer(t)
	srv.SetReplyMode(sockettest.ReplyDrop)
	c := connected(t, srv, fast())
	if err := within(t, callAsync(t, c, "u1"), 5*time.Second); !errors.Is(err, socket.ErrConnectionLost) {
		t.Fatalf("err = %v; want ErrConnectionLost", err)
	}
}

// A reply to a call of an earlier connection, coming after a reconnect, is
// dropped quietly: no handler, no error callback, no effect on other calls.
func TestCallLateReplyAfterReconnectDropped(t *testing.T) {
	srv := ackServer(t)
	srv.SetReplyMode(sockettest.ReplyNever)
	c := connected(t, srv, fast())
	errs := recorder[error]{}
	c.OnError(func(err error) {
		if !errors.Is(err, socket.ErrConnectionLost) {
			errs.add(err)
		}
	})
	seen := recorder[string]{}
	socket.On(c, socket.Define[map[string]any]("reply"), func(_ map[string]any, e socket.Envelope) { seen.add(string(e.Data)) })

	done := callAsync(t, c, "u1")
	eventually(t, 2*time.Second, "request received", func() bool { return len(srv.Requests("")) == 1 })
	old := srv.Requests("")[0]
	srv.DropAll()
	if err := within(t, done, 5*time.Second); !errors.Is(err, socket.ErrConnectionLost) {
		t.Fatalf("err = %v; want ErrConnectionLost", err)
	}
	eventually(t, 5*time.Second, "reconnected", func() bool {
		ids := srv.ConnIDs()
		return c.IsConnected() && len(ids) == 1 && ids[0] != old.Conn
	})
	next := callAsync(t, c, "u2")
	eventually(t, 2*time.Second, "second request", func() bool { return len(srv.Requests("")) == 2 })
	now := srv.Requests("")[1]
	if now.Ref == old.Ref {
		t.Fatalf("ref %s reused on the new connection", now.Ref)
	}
	if err := srv.Reply(now.Conn, old.Ref, ackResp{State: "late"}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Reply(now.Conn, now.Ref, ackResp{State: "acked"}); err != nil {
		t.Fatal(err)
	}
	if err := within(t, next, 5*time.Second); err != nil {
		t.Fatalf("second Call = %v", err)
	}
	if got := seen.get(); len(got) != 0 {
		t.Fatalf("a reply reached a handler: %v", got)
	}
	c.Disconnect() // runs the queued callbacks
	if e := errs.get(); len(e) != 0 {
		t.Fatalf("the late reply was reported: %v", e)
	}
}

// A request still in the buffer when the connection drops was never written:
// it stays for the next connection.
func TestCallStaysBufferedAcrossDrop(t *testing.T) {
	srv := ackServer(t)
	opts := fast()
	opts.ReconnectDelay, opts.MaxReconnectDelay = 200*time.Millisecond, 200*time.Millisecond
	c := connected(t, srv, opts)
	srv.Stop()
	eventually(t, 2*time.Second, "disconnected", func() bool { return !c.IsConnected() })
	done := callAsync(t, c, "u1")
	eventually(t, 2*time.Second, "buffered", func() bool { return c.Buffered() == 1 })
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	if err := within(t, done, 10*time.Second); err != nil {
		t.Fatalf("Call = %v; want it answered on the next connection", err)
	}
}

// Disconnect clears the buffer: a call still there fails with
// ErrNotConnected and is never written.
func TestCallDisconnectWhileBuffered(t *testing.T) {
	srv := ackServer(t)
	c := newClient(t, srv.URL(), fast())
	done := callAsync(t, c, "u1")
	eventually(t, 2*time.Second, "buffered", func() bool { return c.Buffered() == 1 })
	c.Disconnect()
	if err := within(t, done, 2*time.Second); !errors.Is(err, socket.ErrNotConnected) {
		t.Fatalf("err = %v; want ErrNotConnected", err)
	}
	c.Connect()
	waitLive(t, c, srv)
	if err := c.Send("marker", nil); err != nil {
		t.Fatal(err)
	}
	eventually(t, 2*time.Second, "marker", func() bool { return len(srv.Messages("marker")) == 1 })
	if n := len(srv.Requests("")); n != 0 {
		t.Fatalf("%d requests written after Disconnect cleared them", n)
	}
}

// Thousands of concurrent calls on one client, answered in reverse order:
// each caller gets its own reply, and no goroutine is started per call.
func TestCallConcurrentRepliesInAnyOrder(t *testing.T) {
	const n = 2000
	srv := ackServer(t)
	srv.SetReplyMode(sockettest.ReplyNever)
	opts := fast()
	opts.BufferLimit = n
	c := connected(t, srv, opts)
	base := runtime.NumGoroutine()

	ctx := callCtx(t, 60*time.Second)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			uuid := fmt.Sprint("u", i)
			got, err := socket.Call(ctx, c, ackIncident, ackReq{UUID: uuid})
			if err == nil && got.State != "acked "+uuid {
				err = fmt.Errorf("call %s got %q", uuid, got.State)
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	eventually(t, 30*time.Second, "all requests received", func() bool { return len(srv.Requests("")) == n })
	if g := runtime.NumGoroutine(); g > base+n+10 {
		t.Errorf("%d goroutines with %d calls pending (%d before): more than one per caller", g, n, base)
	}
	reqs := srv.Requests("")
	for i := len(reqs) - 1; i >= 0; i-- {
		var r ackReq
		if err := json.Unmarshal(reqs[i].Frame, &r); err != nil {
			t.Fatal(err)
		}
		if err := srv.Reply(reqs[i].Conn, reqs[i].Ref, ackResp{State: "acked " + r.UUID}); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := c.PendingCalls(); n != 0 {
		t.Fatalf("%d calls still in the table after all returned", n)
	}
}

// Calls answered by the server's handlers at full speed, with some callers
// giving up early, under -race.
func TestCallStress(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{})
	sockettest.Handle(srv, ackIncident, func(_ int, r ackReq) (ackResp, error) {
		return ackResp{State: "acked " + r.UUID}, nil
	})
	opts := fast()
	opts.BufferLimit = 10000
	c := connected(t, srv, opts)
	var wg sync.WaitGroup
	for g := 0; g < 32; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				d := 10 * time.Second
				if i%7 == 0 {
					d = time.Millisecond // some give up while buffered or pending
				}
				ctx, cancel := context.WithTimeout(context.Background(), d)
				uuid := fmt.Sprint(g, "-", i)
				got, err := socket.Call(ctx, c, ackIncident, ackReq{UUID: uuid})
				cancel()
				switch {
				case err == nil && got.State != "acked "+uuid:
					t.Errorf("call %s got %q", uuid, got.State)
				case err != nil && !errors.Is(err, context.DeadlineExceeded):
					t.Errorf("call %s: %v", uuid, err)
				}
			}
		}()
	}
	wg.Wait()
	if n, p := c.Buffered(), c.PendingCalls(); n != 0 || p != 0 {
		t.Fatalf("Buffered = %d, PendingCalls = %d after every call returned", n, p)
	}
}

// Calls from many goroutines while the server keeps dropping the
// connection: each ends with its own reply or ErrConnectionLost, none hangs,
// and nothing is left behind.
func TestCallAcrossDrops(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{})
	sockettest.Handle(srv, ackIncident, func(_ int, r ackReq) (ackResp, error) {
		return ackResp{State: "acked " + r.UUID}, nil
	})
	opts := fast()
	opts.ReconnectDelay, opts.MaxReconnectDelay = time.Millisecond, 5*time.Millisecond
	c := connected(t, srv, opts)
	stop := make(chan struct{})
	dropped := make(chan struct{})
	go func() {
		defer close(dropped)
		for {
			select {
			case <-stop:
				return
			case <-time.After(15 * time.Millisecond):
				srv.DropAll()
			}
		}
	}()
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, lost := 0, 0
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 40; i++ {
				uuid := fmt.Sprint(g, "-", i)
				got, err := socket.Call(callCtx(t, 20*time.Second), c, ackIncident, ackReq{UUID: uuid})
				mu.Lock()
				switch {
				case err == nil && got.State == "acked "+uuid:
					ok++
				case errors.Is(err, socket.ErrConnectionLost):
					lost++
				default:
					t.Errorf("call %s: %+v, %v", uuid, got, err)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-dropped
	t.Logf("%d answered, %d lost with their connection", ok, lost)
	if n, p := c.Buffered(), c.PendingCalls(); n != 0 || p != 0 {
		t.Fatalf("Buffered = %d, PendingCalls = %d after every call returned", n, p)
	}
}
