package osenv

import (
	"context"
	"net"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/vishvananda/netns"
	"github.com/warpdesk/warpdesk/internal/dbustest"
	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/socket/sockettest"
)

// inNetns runs f on an OS thread switched into ns. Sockets made there stay
// in ns for good.
func inNetns(t *testing.T, ns netns.NsHandle, f func() error) error {
	t.Helper()
	runtime.LockOSThread()
	orig, err := netns.Get()
	if err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer orig.Close()
	if err := netns.Set(ns); err != nil {
		runtime.UnlockOSThread()
		return err
	}
	ferr := f()
	if err := netns.Set(orig); err != nil {
		// Leave the thread locked: it dies with this goroutine rather
		// than serve others in the wrong namespace.
		t.Errorf("back to the original namespace: %v", err)
		return ferr
	}
	runtime.UnlockOSThread()
	return ferr
}

// A real socket.Client talks to a sockettest server across the veth: the
// client's sockets are in wd0's namespace, the server listens on wd1's
// 10.77.0.2 in a second namespace, and the watcher follows wd0's namespace.
// So taking wd0 down (or losing its carrier) really cuts the connection, and
// the watcher's job is to notice at once rather than after a heartbeat.
func TestEndToEndClientAcrossVeth(t *testing.T) {
	n := newTestNetns(t, true)
	n.waitCarrier(t, true)
	if err := n.h.RouteAdd(n.defaultRoute()); err != nil {
		t.Fatal(err)
	}

	var srv *sockettest.Server
	if err := inNetns(t, n.peerNS, func() (err error) {
		srv, err = sockettest.NewServer(sockettest.Options{Addr: "10.77.0.2:0"})
		return err
	}); err != nil {
		t.Fatalf("server in the peer namespace: %v", err)
	}
	t.Cleanup(srv.Close)

	var dials atomic.Int32
	dialer := *websocket.DefaultDialer
	dialer.NetDialContext = func(ctx context.Context, network, addr string) (c net.Conn, err error) {
		dials.Add(1)
		err = inNetns(t, n.ns, func() error {
			c, err = (&net.Dialer{}).DialContext(ctx, network, addr)
			return err
		})
		return c, err
	}
	client, err := socket.New(srv.URL(), socket.Options{
		Dialer:            &dialer,
		ReconnectDelay:    20 * time.Millisecond,
		MaxReconnectDelay: 100 * time.Millisecond,
		ConnectionTimeout: time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.Disconnect)
	waitState := stateWaiter(t, client)

	logs := newLogRecorder(t)
	stopWatch := startWatch(t, client, Options{Logger: logs.logger(), netns: n.path, noSleep: true})
	client.Connect()
	waitState(socket.StateConnected, 5*time.Second)

	for _, c := range []struct {
		name     string
		cut, fix func() error
		// backWithin bounds the reconnect after the fix. After a carrier
		// flap it is longer than the watcher's part: the client's close
		// during the outage started ARP for the server, the requests were
		// lost, and the kernel's next ARP retry (1s apart) carries the new
		// SYN, so the dial itself takes up to a second.
		backWithin time.Duration
		// downWithin bounds the disconnect, counted from the moment the
		// kernel had made the change (the call returned). An admin down is
		// announced synchronously; a carrier loss comes from the kernel's
		// link watcher, a work item that waits for the rtnl lock, which
		// namespace teardown (earlier tests') can hold for a while.
		downWithin time.Duration
	}{
		{"link down", func() error { return n.h.LinkSetDown(n.wd0) }, func() error {
			// The kernel dropped the default route with the link; put both
			// back, as a network manager would: it adds the route once the
			// other side answers (DHCP). Here: once the kernel has
			// activated wd1 again, which it does a little after wd0 comes
			// up; an ARP answer sent before that is lost and retried only
			// a second later.
			if err := n.h.LinkSetUp(n.wd0); err != nil {
				return err
			}
			if err := n.waitPeerOperUp(2 * time.Second); err != nil {
				return err
			}
			return n.h.RouteAdd(n.defaultRoute())
		}, time.Second, 100 * time.Millisecond},
		{"carrier loss", func() error { return n.hPeer.LinkSetDown(n.wd1) }, func() error { return n.hPeer.LinkSetUp(n.wd1) },
			2 * time.Second, time.Second},
	} {
		n.pace()
		start := time.Now()
		if err := c.cut(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		applied := time.Now()
		at := waitState(socket.StateDisconnected, 2*time.Second)
		down := max(at.Sub(applied), 0)
		t.Logf("LATENCY e2e %-12s -> client disconnected %v after the change (%v after asking for it)",
			c.name, down.Round(10*time.Microsecond), at.Sub(start).Round(10*time.Microsecond))
		if down > c.downWithin {
			t.Errorf("%s: client disconnected %v after the change, want within %v", c.name, down, c.downWithin)
		}
		dialsWhileDown := dials.Load()
		n.pace() // the rate limit's wait doubles as the "no dial while down" window
		if got := dials.Load(); got != dialsWhileDown {
			t.Errorf("%s: %d dials while the link was down", c.name, got-dialsWhileDown)
		}
		if st := client.Status(); st.State != socket.StateDisconnected || !st.Offline {
			t.Errorf("%s: status while down %+v, want disconnected and offline", c.name, st)
		}
		if out, err := exec.Command("ip", "-n", filepath.Base(n.path), "neigh").CombinedOutput(); err == nil {
			t.Logf("%s: neighbour table before the link comes back: %q", c.name, out)
		}
		start = time.Now()
		if err := c.fix(); err != nil {
			t.Fatalf("%s, back: %v", c.name, err)
		}
		up := waitState(socket.StateConnected, 3*time.Second).Sub(start)
		t.Logf("LATENCY e2e %-12s back -> client connected %v", c.name, up.Round(10*time.Microsecond))
		if up > c.backWithin {
			t.Errorf("%s: client connected %v after the link came back, want within %v", c.name, up, c.backWithin)
		}
	}
	stopWatch()
	client.Disconnect()
}

// sleepTimedClient records when the client's SetAwake(false) returned and
// whether the client still called itself connected then.
type sleepTimedClient struct {
	*socket.Client
	mu        sync.Mutex
	sleptAt   time.Time
	connected bool
}

func (c *sleepTimedClient) SetAwake(awake bool) {
	c.Client.SetAwake(awake)
	if !awake {
		c.mu.Lock()
		c.sleptAt, c.connected = time.Now(), c.Client.IsConnected()
		c.mu.Unlock()
	}
}

// The sleep path with the real client: logind (fake, on a private system
// bus) announces sleep; the client's connection is closed before the
// inhibitor lock goes; nothing dials while asleep; on wake it is connected
// again within a second.
func TestEndToEndClientSleepWake(t *testing.T) {
	bus := dbustest.Start(t, dbustest.System)
	fake := startFakeLogind(t, bus.Address, 0)
	srv := sockettest.Start(t, sockettest.Options{})
	var dials atomic.Int32
	dialer := *websocket.DefaultDialer
	dialer.NetDialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	client, err := socket.New(srv.URL(), socket.Options{Dialer: &dialer, ReconnectDelay: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.Disconnect)
	waitState := stateWaiter(t, client)
	logs := newLogRecorder(t)
	target := &sleepTimedClient{Client: client}
	stopWatch := startWatch(t, target, Options{Logger: logs.logger(), SystemBusAddress: bus.Address, noNetwork: true})
	client.Connect()
	waitState(socket.StateConnected, 5*time.Second)
	fake.lock(t, true, 5*time.Second)

	start := time.Now()
	fake.prepareForSleep(true)
	released := fake.lock(t, false, 5*time.Second)
	down := waitState(socket.StateDisconnected, time.Second)
	target.mu.Lock()
	slept, stillConnected := target.sleptAt, target.connected
	target.mu.Unlock()
	if slept.IsZero() || slept.After(released.at) {
		t.Fatalf("sleep lock released at %v, SetAwake(false) returned at %v: want the socket closed first", released.at, slept)
	}
	if stillConnected {
		t.Fatalf("the client still said it was connected when SetAwake(false) returned")
	}
	t.Logf("LATENCY e2e sleep: SetAwake(false) returned %v, lock released %v, OnStateChange(disconnected) %v after PrepareForSleep(true)",
		slept.Sub(start).Round(10*time.Microsecond), released.at.Sub(start).Round(10*time.Microsecond),
		down.Sub(start).Round(10*time.Microsecond))
	if st := client.Status(); !st.Asleep || st.State != socket.StateDisconnected {
		t.Fatalf("status while asleep %+v", st)
	}
	dialsAsleep := dials.Load()

	start = time.Now()
	fake.prepareForSleep(false)
	up := waitState(socket.StateConnected, 2*time.Second).Sub(start)
	t.Logf("LATENCY e2e wake: client connected %v after PrepareForSleep(false)", up.Round(10*time.Microsecond))
	if up > time.Second {
		t.Fatalf("client connected %v after wake, want within 1s", up)
	}
	if got := dials.Load(); got != dialsAsleep+1 {
		t.Fatalf("%d dials from sleep to connected after wake, want exactly 1 (the wake's)", got-dialsAsleep)
	}
	fake.lock(t, true, 5*time.Second)
	stopWatch()
	client.Disconnect()
}

// stateWaiter records client's state changes with their times; the returned
// function waits up to d for the next change to want and returns when it
// happened, failing the test otherwise.
func stateWaiter(t *testing.T, client *socket.Client) func(want socket.State, d time.Duration) time.Time {
	type change struct {
		state socket.State
		at    time.Time
	}
	states := make(chan change, 256)
	client.OnStateChange(func(s socket.State) { states <- change{s, time.Now()} })
	return func(want socket.State, d time.Duration) time.Time {
		t.Helper()
		deadline := time.After(d)
		for {
			select {
			case c := <-states:
				if c.state == want {
					return c.at
				}
			case <-deadline:
				t.Fatalf("client not %s within %v (status %+v)", want, d, client.Status())
			}
		}
	}
}
