package socket_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/socket/sockettest"
)

// TestFaultServerKilledAndRestarted kills the server 200 times while the
// client keeps sending. Every message sent while the client was not
// connected must reach the server exactly once, in order, after the rooms
// are rejoined. Frames written into a connection just before it dies can
// vanish in the kernel (the protocol has no acks): they are counted, and
// they are the only ones allowed to be missing.
func TestFaultServerKilledAndRestarted(t *testing.T) {
	const cycles = 200
	srv := sockettest.Start(t, sockettest.Options{})
	opts := fast()
	opts.ReconnectDelay, opts.MaxReconnectDelay = time.Millisecond, 4*time.Millisecond
	opts.BufferLimit = 1 << 20
	c := newClient(t, srv.URL(), opts)
	c.JoinRoom("ops")
	c.JoinRoom("alerts")
	c.Connect()
	waitConnected(t, c)

	k := &killRun{c: c, offline: map[int]bool{}, got: map[int]bool{}, stop: make(chan struct{}), senderDone: make(chan struct{})}
	srv.OnMessage(k.hook(t))
	go k.send(t)
	// kills[i] is the range of messages sent from just before kill i until
	// the client noticed it: the only ones a kill may take with it.
	var kills [][2]int
	start := time.Now()
	for cycle := 0; cycle < cycles; cycle++ {
		kills = append(kills, k.cycle(t, srv, cycle))
	}
	close(k.stop)
	<-k.senderDone
	total := k.sentNow()
	eventually(t, 2*time.Second, "the last message", func() bool { return c.Buffered() == 0 && k.has([]int{total - 1}) })
	elapsed := time.Since(start)

	k.checkExactlyOnceInOrder(t)
	lost, maxBefore := k.lost(t, total, kills)
	checkRoomJoinsFirst(t, srv, cycles, "ops", "alerts")
	t.Logf("%d kills in %v: %d messages sent, %d while disconnected (all delivered once, in order); "+
		"%d lost in the kernel (written into a connection as it died, %.2f per kill, "+
		"each sent at most %d messages before its kill)",
		cycles, elapsed.Round(time.Millisecond), total, len(k.offline), lost, float64(lost)/cycles, maxBefore)
}

// killRun is what TestFaultServerKilledAndRestarted keeps: what the client
// sent, which of it while disconnected, and what the server received.
type killRun struct {
	c *socket.Client

	mu      sync.Mutex
	offline map[int]bool // sent while not connected
	sent    int

	rmu     sync.Mutex
	arrived []int // seq numbers in arrival order
	got     map[int]bool

	stop, senderDone chan struct{}
}

// send emits numbered messages every ~0.2 ms until stop, noting those sent
// while the client was disconnected both before and after the call.
func (k *killRun) send(t *testing.T) {
	defer close(k.senderDone)
	for n := 0; ; n++ {
		select {
		case <-k.stop:
			return
		default:
		}
		before := !k.c.IsConnected()
		if err := socket.Emit(k.c, seqMessage, seqMsg{N: n}); err != nil {
			t.Errorf("emit %d: %v", n, err)
			return
		}
		after := !k.c.IsConnected()
		k.mu.Lock()
		k.sent = n + 1
		if before && after {
			k.offline[n] = true
		}
		k.mu.Unlock()
		time.Sleep(200 * time.Microsecond)
	}
}

// hook collects what arrives as it arrives, so that polling it does not
// hold up the server's reading (which would leave more frames in the kernel
// at each kill).
func (k *killRun) hook(t *testing.T) func(int, string, []byte) {
	return seqHook(t, func(n int) {
		k.rmu.Lock()
		k.arrived = append(k.arrived, n)
		k.got[n] = true
		k.rmu.Unlock()
	})
}

func (k *killRun) has(want []int) bool {
	k.rmu.Lock()
	defer k.rmu.Unlock()
	for _, n := range want {
		if !k.got[n] {
			return false
		}
	}
	return true
}

func (k *killRun) sentNow() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.sent
}

func (k *killRun) offlineCount() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.offline)
}

func (k *killRun) offlineSent() []int {
	k.mu.Lock()
	defer k.mu.Unlock()
	var want []int
	for n := range k.offline {
		want = append(want, n)
	}
	return want
}

// cycle kills the server, lets a few messages be sent while it is down,
// restarts it and waits until every message sent while disconnected has
// arrived. It returns the range of messages the kill may have taken.
func (k *killRun) cycle(t *testing.T, srv *sockettest.Server, cycle int) [2]int {
	lo := k.sentNow()
	srv.Stop()
	if k.c.IsConnected() {
		eventually(t, time.Second, fmt.Sprintf("client notices kill %d", cycle), func() bool { return !k.c.IsConnected() })
	}
	kill := [2]int{lo, k.sentNow()}
	base := k.offlineCount()
	eventually(t, time.Second, "messages sent while down", func() bool { return k.offlineCount() >= base+3 })
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	// Once connected, and once the send in progress has been recorded, no
	// more messages are classified as sent while disconnected: all of them
	// went into this connection's first flush, and must arrive before the
	// next kill.
	eventually(t, 5*time.Second, "reconnected", k.c.IsConnected)
	sentAt := k.sentNow()
	eventually(t, time.Second, "a send after the reconnect", func() bool { return k.sentNow() >= sentAt+2 })
	want := k.offlineSent()
	deadline := time.Now().Add(5 * time.Second)
	for !(k.c.IsConnected() && k.has(want)) {
		if time.Now().After(deadline) {
			var missing []int
			for _, n := range want {
				if !k.has([]int{n}) {
					missing = append(missing, n)
				}
			}
			slices.Sort(missing)
			t.Fatalf("cycle %d: offline messages not delivered after 5s: state %v, buffered %d, server conns %v, accepts %d, missing %v",
				cycle, k.c.State(), k.c.Buffered(), srv.ConnIDs(), srv.Accepts(), missing)
		}
		time.Sleep(time.Millisecond)
	}
	return kill
}

func (k *killRun) checkExactlyOnceInOrder(t *testing.T) {
	k.rmu.Lock()
	defer k.rmu.Unlock()
	for i := 1; i < len(k.arrived); i++ {
		if k.arrived[i] <= k.arrived[i-1] {
			t.Fatalf("server received %d after %d: duplicate or out of order", k.arrived[i], k.arrived[i-1])
		}
	}
}

// lost counts the messages that never arrived, failing if one was sent
// while disconnected. maxBefore is how many messages before its kill the
// earliest lost one was sent. It is only reported: with a message every
// ~0.2-1ms and a few ms of connection per cycle, no bound would tell a
// kernel loss from a client bug; the exactly-once check is what holds.
func (k *killRun) lost(t *testing.T, total int, kills [][2]int) (lost, maxBefore int) {
	for n := 0; n < total; n++ {
		if k.has([]int{n}) {
			continue
		}
		if k.offline[n] {
			t.Fatalf("message %d, sent while disconnected, never arrived", n)
		}
		lost++
		for _, kill := range kills {
			if n < kill[1] {
				maxBefore = max(maxBefore, kill[0]-n)
				break
			}
		}
	}
	return lost, maxBefore
}

// checkRoomJoinsFirst checks that every connection began with the joins of
// rooms, in order. Every restart's connection carried that cycle's offline
// messages, so it has frames and was accepted; the first connection may
// have died before the server even counted it.
func checkRoomJoinsFirst(t *testing.T, srv *sockettest.Server, cycles int, rooms ...string) {
	conns := map[int][]string{}
	var order []int
	for _, f := range srv.Frames() {
		if _, ok := conns[f.Conn]; !ok {
			order = append(order, f.Conn)
		}
		conns[f.Conn] = append(conns[f.Conn], f.Text)
	}
	if len(order) < cycles || srv.Accepts() < cycles {
		t.Fatalf("%d connections with frames (%d accepted) for %d restarts", len(order), srv.Accepts(), cycles)
	}
	for _, id := range order {
		// A connection killed early shows a prefix of this order.
		for i, f := range conns[id] {
			if i < len(rooms) && !strings.Contains(f, `"room.join","room":"`+rooms[i]+`"`) {
				t.Fatalf("connection %d did not start with the room joins: %.200q", id, conns[id])
			}
		}
	}
}
