package socket_test

import (
	"bufio"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/socket/internal/faultproxy"
	"github.com/warpdesk/warpdesk/socket/sockettest"
)

// The fault suite: a real server behind a misbehaving TCP proxy, a server
// killed and restarted 200 times under a sending client, and servers that
// botch the handshake. Durations are milliseconds; the suite is part of
// make test.

func startProxy(t *testing.T, target string) *faultproxy.Proxy {
	t.Helper()
	p, err := faultproxy.New(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// events records what a client reports.
type events struct {
	errs      recorder[error]
	connected recorder[socket.ConnectedEvent]
	at        recorder[time.Time] // when each error arrived
}

func watch(c *socket.Client) *events {
	e := &events{}
	c.OnError(func(err error) { e.errs.add(err); e.at.add(time.Now()) })
	socket.On(c, socket.Connected, func(ev socket.ConnectedEvent, _ socket.Envelope) { e.connected.add(ev) })
	return e
}

func (e *events) firstMatching(target error) (int, bool) { return e.firstMatchingFrom(0, target) }

// firstMatchingFrom looks at the errors from index from on.
func (e *events) firstMatchingFrom(from int, target error) (int, bool) {
	for i, err := range e.errs.get() {
		if i >= from && errors.Is(err, target) {
			return i, true
		}
	}
	return 0, false
}

func TestFaultBlackholeDetectedWithinHeartbeat(t *testing.T) {
	// The margin is generous (a loaded machine was seen at +137 ms): the
	// point is the heartbeat's bound, not TCP's, which takes minutes.
	const interval, timeout, margin = 40 * time.Millisecond, 40 * time.Millisecond, 500 * time.Millisecond
	srv := sockettest.Start(t, sockettest.Options{})
	p := startProxy(t, srv.Addr())
	opts := fast()
	opts.HeartbeatInterval, opts.HeartbeatTimeout = interval, timeout
	c := newClient(t, "ws://"+p.Addr()+"/ws", opts)
	ev := watch(c)
	c.Connect()
	waitConnected(t, c)

	for round := 1; round <= 3; round++ {
		from := ev.errs.len()
		start := time.Now()
		p.SetMode(faultproxy.Mode{Kind: faultproxy.Blackhole})
		eventually(t, 2*time.Second, "heartbeat timeout", func() bool {
			_, ok := ev.firstMatchingFrom(from, socket.ErrHeartbeatTimeout)
			return ok
		})
		i, _ := ev.firstMatchingFrom(from, socket.ErrHeartbeatTimeout)
		took := ev.at.get()[i].Sub(start)
		t.Logf("round %d: blackhole detected after %v (bound %v)", round, took, interval+timeout+margin)
		if took > interval+timeout+margin {
			t.Fatalf("blackhole detected after %v, want within %v", took, interval+timeout+margin)
		}
		p.SetMode(faultproxy.Mode{Kind: faultproxy.Pass})
		eventually(t, 2*time.Second, "reconnected", func() bool { return ev.connected.len() == round+1 && c.IsConnected() })
		if !ev.connected.get()[round].Reconnected {
			t.Fatal("connection after the blackhole not marked Reconnected")
		}
	}
}

func TestFaultResetHalfCloseDelayThrottle(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{})
	p := startProxy(t, srv.Addr())
	opts := fast()
	opts.HeartbeatInterval, opts.HeartbeatTimeout = 50*time.Millisecond, 200*time.Millisecond
	c := newClient(t, "ws://"+p.Addr()+"/ws", opts)
	ev := watch(c)
	type note struct {
		N    int    `json:"n"`
		Fill string `json:"fill"`
	}
	msg := socket.Define[note]("note")
	var got recorder[note]
	socket.On(c, msg, func(n note, _ socket.Envelope) { got.add(n) })
	c.JoinRoom("ops")
	c.Connect()
	waitConnected(t, c)

	// Reset and half-close: the client notices at once and reconnects when
	// the link works again.
	for _, kind := range []faultproxy.Kind{faultproxy.Reset, faultproxy.HalfClose} {
		before := ev.connected.len()
		p.SetMode(faultproxy.Mode{Kind: kind})
		eventually(t, time.Second, "drop noticed", func() bool { return !c.IsConnected() })
		p.SetMode(faultproxy.Mode{Kind: faultproxy.Pass})
		eventually(t, 2*time.Second, "reconnected", func() bool { return ev.connected.len() > before && c.IsConnected() })
		eventually(t, time.Second, "room rejoined", func() bool {
			ids := srv.ConnIDs()
			return len(ids) == 1 && slices.Contains(srv.Rooms(ids[0]), "ops")
		})
	}

	// Delay and throttle: slow, but nothing breaks and nothing is lost. (A
	// link so slow that the pong queues behind data for longer than
	// HeartbeatTimeout is declared dead, as it should be: 40 KiB at 1 MiB/s
	// take 40ms here.)
	for i, m := range []faultproxy.Mode{
		{Kind: faultproxy.Delay, Delay: 30 * time.Millisecond},
		{Kind: faultproxy.Throttle, BytesPerSec: 1 << 20},
	} {
		p.SetMode(m)
		conns := ev.connected.len()
		fill := strings.Repeat("x", 8<<10)
		for j := 0; j < 5; j++ {
			if err := sockettest.Emit(srv, "ops", msg, note{N: i*10 + j, Fill: fill}); err != nil {
				t.Fatal(err)
			}
			if err := socket.Emit(c, msg, note{N: i*10 + j}); err != nil {
				t.Fatal(err)
			}
		}
		eventually(t, 3*time.Second, fmt.Sprintf("messages through %+v", m), func() bool {
			return got.len() == (i+1)*5 && len(srv.Messages("note")) == (i+1)*5
		})
		if ev.connected.len() != conns || !c.IsConnected() {
			t.Fatalf("mode %v: the connection dropped", m)
		}
	}
	for _, n := range got.get() {
		if len(n.Fill) != 8<<10 {
			t.Fatalf("message %d truncated to %d bytes", n.N, len(n.Fill))
		}
	}
}

// badServer accepts TCP connections and treats each with the current
// behaviour; nil means forward to a real server.
type badServer struct {
	ln     net.Listener
	target string
	act    atomic.Pointer[func(net.Conn)]
	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  []net.Conn
}

func startBadServer(t *testing.T, target string) *badServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &badServer{ln: ln, target: target}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			b.mu.Lock()
			b.conns = append(b.conns, nc)
			b.mu.Unlock()
			b.wg.Add(1)
			go func() {
				defer b.wg.Done()
				defer nc.Close()
				if f := b.act.Load(); f != nil {
					(*f)(nc)
					return
				}
				up, err := net.Dial("tcp", b.target)
				if err != nil {
					return
				}
				defer up.Close()
				go func() { io.Copy(up, nc); up.Close() }()
				io.Copy(nc, up)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		b.mu.Lock()
		for _, c := range b.conns {
			c.Close()
		}
		b.mu.Unlock()
		b.wg.Wait()
	})
	return b
}

func (b *badServer) set(f func(net.Conn)) {
	if f == nil {
		b.act.Store(nil)
		return
	}
	b.act.Store(&f)
}

// readRequest reads the upgrade request and returns its key.
func readRequest(nc net.Conn) (string, bool) {
	req, err := http.ReadRequest(bufio.NewReader(nc))
	if err != nil {
		return "", false
	}
	return req.Header.Get("Sec-WebSocket-Key"), true
}

func upgradeResponse(key string) string {
	h := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Accept: " + base64.StdEncoding.EncodeToString(h[:]) + "\r\n\r\n"
}

func TestFaultHandshakeNeverWedges(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{})
	bad := startBadServer(t, srv.Addr())
	hold := make(chan struct{}) // released at the end: holds "slow" conns
	var once sync.Once
	release := func() { once.Do(func() { close(hold) }) }
	t.Cleanup(release)
	for _, tc := range handshakeFaults(hold) {
		t.Run(tc.name, func(t *testing.T) { checkHandshakeFault(t, bad, tc) })
	}
	release()
}

// handshakeFault is a way for a server to botch the handshake.
type handshakeFault struct {
	name string
	act  func(net.Conn)
	want error // an error the client must report, if any
}

// handshakeFaults are the faults; hold is closed when the test ends.
func handshakeFaults(hold <-chan struct{}) []handshakeFault {
	return []handshakeFault{
		{"never answers the upgrade", func(nc net.Conn) {
			readRequest(nc)
			<-hold
		}, socket.ErrConnectionTimeout},
		{"answers the upgrade slowly", func(nc net.Conn) {
			key, _ := readRequest(nc)
			time.Sleep(300 * time.Millisecond) // more than ConnectionTimeout
			io.WriteString(nc, upgradeResponse(key))
			<-hold
		}, socket.ErrConnectionTimeout},
		{"closes mid-handshake", func(nc net.Conn) {
			readRequest(nc)
			io.WriteString(nc, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: webso")
		}, nil},
		{"closes before reading", func(nc net.Conn) {}, nil},
		{"answers with garbage", func(nc net.Conn) {
			readRequest(nc)
			nc.Write([]byte("\x00\xff\x13garbage\r\n\r\n\x81\x05hello"))
			<-hold
		}, nil},
		{"sends garbage frames after the upgrade", func(nc net.Conn) {
			key, _ := readRequest(nc)
			io.WriteString(nc, upgradeResponse(key))
			nc.Write([]byte{0xf3, 0xff, 0xde, 0xad, 0xbe, 0xef}) // reserved bits, bad opcode
			<-hold
		}, nil},
		{"sends a frame longer than it is", func(nc net.Conn) {
			key, _ := readRequest(nc)
			io.WriteString(nc, upgradeResponse(key))
			nc.Write([]byte{0x81, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 'x'})
			<-hold
		}, nil},
	}
}

// checkHandshakeFault runs a client against bad showing tc: it keeps
// trying, reports the fault, connects once healed, and disconnects at once.
func checkHandshakeFault(t *testing.T, bad *badServer, tc handshakeFault) {
	bad.set(tc.act)
	opts := fast()
	opts.ConnectionTimeout = 100 * time.Millisecond
	c, err := socket.New("ws://"+bad.ln.Addr().String()+"/ws", opts)
	if err != nil {
		t.Fatal(err)
	}
	ev := watch(c)
	var attempts atomic.Int64
	socket.On(c, socket.ReconnectAttempt, func(socket.ReconnectAttemptEvent, socket.Envelope) { attempts.Add(1) })
	c.Connect()
	// It keeps trying: the fault does not wedge the dial loop.
	eventually(t, 3*time.Second, "three redials", func() bool { return attempts.Load() >= 3 })
	if tc.want != nil {
		if _, ok := ev.firstMatching(tc.want); !ok {
			t.Fatalf("no error matching %v among %v", tc.want, ev.errs.get())
		}
	}
	if len(ev.errs.get()) == 0 {
		t.Fatal("the fault was not reported")
	}
	// Healed, it connects.
	bad.set(nil)
	eventually(t, 2*time.Second, "connected once the server behaves", c.IsConnected)
	start := time.Now()
	c.Disconnect()
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Fatalf("Disconnect took %v", d)
	}
}
