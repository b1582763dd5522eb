package socket_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/socket/sockettest"
)

// seqMsg is a numbered message with some padding, so that a backlog takes
// a while to flush.
type seqMsg struct {
	N   int    `json:"n"`
	Pad string `json:"pad,omitempty"`
}

var seqMessage = socket.Define[seqMsg]("seq")

// seqHook is a sockettest frame hook that passes the number of every seq
// message the server receives to record, in order.
func seqHook(t *testing.T, record func(n int)) func(int, string, []byte) {
	return func(_ int, typ string, frame []byte) {
		if typ != "seq" {
			return
		}
		var v seqMsg
		if err := json.Unmarshal(frame, &v); err != nil {
			t.Errorf("server got %.80q: %v", frame, err)
			return
		}
		record(v.N)
	}
}

// arrivals records the seq numbers a server receives, in order, and fires
// a trigger once a given number have arrived.
type arrivals struct {
	mu      sync.Mutex
	ns      []int
	trigger int
	fired   chan struct{}
}

func (a *arrivals) hook(t *testing.T) func(int, string, []byte) {
	return seqHook(t, func(n int) {
		a.mu.Lock()
		defer a.mu.Unlock()
		a.ns = append(a.ns, n)
		if a.fired != nil && len(a.ns) >= a.trigger {
			close(a.fired)
			a.fired = nil
		}
	})
}

// arm returns a channel closed once n more messages have arrived.
func (a *arrivals) arm(n int) <-chan struct{} {
	a.mu.Lock()
	defer a.mu.Unlock()
	ch := make(chan struct{})
	a.trigger, a.fired = len(a.ns)+n, ch
	return ch
}

func (a *arrivals) get() []int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]int(nil), a.ns...)
}

// TestKillDuringBacklogFlush builds a backlog while the server is down and
// kills the server again while the client is flushing it. Messages arrive
// at most once and in order; only frames written into the dying connection
// may be missing, and everything still buffered at the kill arrives on the
// next connection.
func TestKillDuringBacklogFlush(t *testing.T) {
	cycles, backlog := 8, 3000
	if raceEnabled {
		cycles, backlog = 4, 2500
	}
	srv := sockettest.Start(t, sockettest.Options{})
	opts := fast()
	opts.ReconnectDelay, opts.MaxReconnectDelay = time.Millisecond, 4*time.Millisecond
	opts.BufferLimit = 1 << 20
	c := newClient(t, srv.URL(), opts)
	var got arrivals
	srv.OnMessage(got.hook(t))
	c.Connect()
	waitLive(t, c, srv)

	pad := strings.Repeat("p", 4000)
	sent, midFlush := 0, 0
	var mustArrive [][2]int // per kill: the messages still buffered then
	for cycle := 0; cycle < cycles; cycle++ {
		srv.Stop()
		eventually(t, 2*time.Second, "the client notices the kill", func() bool { return !c.IsConnected() })
		for i := 0; i < backlog; i++ {
			if err := socket.Emit(c, seqMessage, seqMsg{N: sent, Pad: pad}); err != nil {
				t.Fatal(err)
			}
			sent++
		}
		third := got.arm(backlog / 3)
		if err := srv.Restart(); err != nil {
			t.Fatal(err)
		}
		select {
		case <-third:
		case <-time.After(10 * time.Second):
			t.Fatalf("cycle %d: the flush did not start", cycle)
		}
		srv.Stop() // in the middle of the flush
		if b := c.Buffered(); b > 0 {
			midFlush++
			// Never written, so never lost; a few writes may still have
			// gone into the dead socket before the client noticed.
			const margin = 16
			mustArrive = append(mustArrive, [2]int{sent - b + margin, sent})
		}
		if err := srv.Restart(); err != nil {
			t.Fatal(err)
		}
		eventually(t, 10*time.Second, fmt.Sprintf("cycle %d: the rest of the backlog", cycle), func() bool {
			a := got.get()
			return c.Buffered() == 0 && len(a) > 0 && a[len(a)-1] == sent-1
		})
	}
	// A last message on the live connection: once it is in, all are.
	if err := socket.Emit(c, seqMessage, seqMsg{N: sent}); err != nil {
		t.Fatal(err)
	}
	sent++
	eventually(t, 5*time.Second, "the last message", func() bool {
		a := got.get()
		return len(a) > 0 && a[len(a)-1] == sent-1
	})
	a := got.get()
	checkBacklogArrivals(t, a, mustArrive)
	lost := sent - len(a)
	t.Logf("%d kills during a %d-message flush (%d with messages still buffered): %d of %d messages lost (%.1f per kill), none twice, all in order",
		cycles, backlog, midFlush, lost, sent, float64(lost)/float64(cycles))
	if midFlush < cycles/2 {
		t.Errorf("only %d of %d kills came while messages were still buffered", midFlush, cycles)
	}
}

// checkBacklogArrivals checks that a (the seq numbers the server received)
// has no duplicate, is in order, and holds every message in the ranges of
// mustArrive.
func checkBacklogArrivals(t *testing.T, a []int, mustArrive [][2]int) {
	t.Helper()
	for i := 1; i < len(a); i++ {
		if a[i] <= a[i-1] {
			t.Fatalf("message %d arrived after %d: duplicate or out of order", a[i], a[i-1])
		}
	}
	in := map[int]bool{}
	for _, n := range a {
		in[n] = true
	}
	for _, r := range mustArrive {
		for n := r[0]; n < r[1]; n++ {
			if !in[n] {
				t.Fatalf("message %d was still buffered at a kill (messages %d-%d) and never arrived", n, r[0], r[1]-1)
			}
		}
	}
}
