package socket

import (
	"errors"
	"testing"
	"time"
)

// fired reports whether t has fired (the fake clock delivers on its channel).
func fired(t timer) bool {
	select {
	case <-t.C():
		return true
	default:
		return false
	}
}

// The heartbeat's deadline is HeartbeatTimeout after the ping plus the time
// the reader was stalled on back-pressure since; any frame answers a ping.
func TestHeartbeatDeadlineExcludesStalls(t *testing.T) {
	clk := NewFakeClock()
	live := &liveness{clock: clk, answered: make(chan struct{}, 1)}
	o := Options{HeartbeatInterval: 25 * time.Second, HeartbeatTimeout: 5 * time.Second}
	h := newHeartbeat(o, clk, live)
	defer h.stop()

	clk.Advance(25 * time.Second)
	if !fired(h.beat) || !h.due() {
		t.Fatal("no ping due after the interval")
	}
	h.sent()

	// The reader stalls for 3s, then runs free for 1s, then stalls again
	// when the 5s are up: no timeout while it is stalled.
	clk.Advance(time.Second)
	live.stall()
	clk.Advance(3 * time.Second)
	live.unstall()
	clk.Advance(time.Second)
	live.stall()
	if !fired(h.wait) {
		t.Fatal("the pong deadline did not fire at 5s")
	}
	if err := h.overdue(); err != nil {
		t.Fatalf("timed out while the reader was stalled: %v", err)
	}
	clk.Advance(10 * time.Second) // a long stall
	live.unstall()
	if !fired(h.wait) {
		t.Fatal("the re-armed deadline did not fire")
	}
	// Stalled 13s of the 15s since the ping: 2s of the 5s have counted.
	if err := h.overdue(); err != nil {
		t.Fatalf("timed out after 2s of unstalled time: %v", err)
	}
	clk.Advance(2999 * time.Millisecond)
	if fired(h.wait) {
		t.Fatal("the deadline fired early")
	}
	clk.Advance(time.Millisecond)
	if !fired(h.wait) {
		t.Fatal("the deadline did not fire at 5s of unstalled time")
	}
	if err := h.overdue(); !errors.Is(err, ErrHeartbeatTimeout) {
		t.Fatalf("overdue = %v, want ErrHeartbeatTimeout", err)
	}

	// Any frame answers the next ping, and only one ping is outstanding.
	clk.Advance(25 * time.Second)
	if !fired(h.beat) || !h.due() {
		t.Fatal("no second ping")
	}
	h.sent()
	clk.Advance(25 * time.Second)
	if !fired(h.beat) || h.due() {
		t.Fatal("a second ping while one is outstanding")
	}
	live.frameArrived()
	select {
	case <-live.answered:
		h.answered()
	default:
		t.Fatal("a frame did not answer the ping")
	}
	if h.wait != nil {
		t.Fatal("the deadline is still armed after the answer")
	}
	live.frameArrived() // no ping outstanding: nothing to answer
	if len(live.answered) != 0 {
		t.Fatal("a frame answered a ping that was not sent")
	}
}
