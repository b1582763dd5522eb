package socket_test

import (
	"errors"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/socket/sockettest"
)

// With the default 25s/5s heartbeat and 500ms–20s backoff, driven by a fake
// clock: a ping goes out only when 25s have passed, a missing pong is fatal
// only after 5 more, and the redial waits for its jittered backoff.
func TestDefaultTimingsWithFakeClock(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{})
	clk := socket.NewFakeClock()
	c, err := socket.NewWithClock(srv.URL(), socket.Options{}, clk, func() float64 { return 0.5 })
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect()
	errs := make(chan error, 8)
	c.OnError(func(e error) { errs <- e })
	c.Connect()
	waitConnected(t, c)
	eventually(t, time.Second, "heartbeat timer armed", func() bool { return clk.Timers() == 1 })

	clk.Advance(24 * time.Second)
	time.Sleep(20 * time.Millisecond)
	if countPings(srv) != 0 {
		t.Fatal("ping before the 25s interval")
	}
	clk.Advance(time.Second)
	eventually(t, time.Second, "first ping", func() bool { return countPings(srv) == 1 })
	eventually(t, time.Second, "pong handled", func() bool { return clk.Timers() == 1 })

	srv.SetPong(false)
	clk.Advance(25 * time.Second)
	eventually(t, time.Second, "second ping", func() bool { return countPings(srv) == 2 })
	eventually(t, time.Second, "pong timer armed", func() bool { return clk.Timers() == 2 })
	clk.Advance(4 * time.Second)
	time.Sleep(20 * time.Millisecond)
	if !c.IsConnected() {
		t.Fatal("dropped before the 5s pong timeout")
	}
	clk.Advance(time.Second)
	select {
	case e := <-errs:
		if !errors.Is(e, socket.ErrHeartbeatTimeout) {
			t.Fatalf("error %v", e)
		}
	case <-time.After(time.Second):
		t.Fatal("no heartbeat timeout after 5s")
	}
	// Backoff attempt 1 with r=0.5: 250ms of fake time.
	eventually(t, time.Second, "reconnecting", func() bool { return c.State() == socket.StateReconnecting })
	eventually(t, time.Second, "backoff timer armed", func() bool { return clk.Timers() == 1 })
	srv.SetPong(true)
	clk.Advance(249 * time.Millisecond)
	time.Sleep(20 * time.Millisecond)
	if srv.Accepts() != 1 {
		t.Fatal("redialled before the backoff")
	}
	clk.Advance(time.Millisecond)
	waitConnected(t, c)
}

func countPings(srv *sockettest.Server) int {
	n := 0
	for _, f := range srv.Frames() {
		if f.Text == "2" {
			n++
		}
	}
	return n
}
