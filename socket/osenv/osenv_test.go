package osenv

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestWatchNilTarget(t *testing.T) {
	if err := Watch(context.Background(), nil, Options{}); !errors.Is(err, ErrNilTarget) {
		t.Fatalf("Watch(nil) = %v, want ErrNilTarget", err)
	}
}

func TestCallerKeepsOrderAndLiftsPauses(t *testing.T) {
	rt := newRecTarget()
	c := newCaller(rt)
	c.setOnline(false)
	c.setAwake(false)
	done := c.setAwake(true)
	c.setAwake(false)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("setAwake(true) never returned")
	}
	c.close()
	want := []string{"online(false)", "awake(false)", "awake(true)", "awake(false)", "online(true)", "awake(true)"}
	got := rt.events()
	if len(got) != len(want) {
		t.Fatalf("calls %v, want %v", got, want)
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Fatalf("calls %v, want %v", got, want)
		}
	}
}

// A slow SetAwake(false) holds later calls back: SetAwake(true) never
// overtakes it.
func TestCallerSlowSleepIsNotOvertaken(t *testing.T) {
	rt := newRecTarget()
	entered, release := make(chan struct{}), make(chan struct{})
	rt.sleepHook = func() { close(entered); <-release }
	c := newCaller(rt)
	slept := c.setAwake(false)
	c.setAwake(true)
	<-entered
	select {
	case <-slept:
		t.Fatal("SetAwake(false) reported done while the target was still in it")
	default:
	}
	rt.none(t)
	close(release)
	rt.expect(t, "awake", false, 5*time.Second)
	rt.expect(t, "awake", true, 5*time.Second)
	c.close()
}

func TestClockJumpFallback(t *testing.T) {
	logs := newLogRecorder(t)
	clk := newFakeClock()
	rt := newRecTarget()
	startWatch(t, rt, Options{
		Logger:           logs.logger(),
		SystemBusAddress: "unix:path=" + t.TempDir() + "/no-bus",
		Clock:            clk,
		TickInterval:     time.Second,
		JumpThreshold:    3 * time.Second,
		noNetwork:        true,
	})
	logs.wait(t, "no system bus", 5*time.Second)

	// Ordinary ticks, a late tick, a clock going backwards: not a sleep.
	clk.Tick(t, time.Second)
	clk.Tick(t, 3*time.Second)
	clk.Tick(t, -time.Hour)
	clk.Tick(t, time.Second)
	if n := logs.count("wall clock jumped"); n != 0 {
		t.Fatalf("took %d ordinary ticks for a sleep", n)
	}
	rt.none(t)

	// Wall time jumped by 40 minutes in one tick: the machine slept.
	clk.Tick(t, 40*time.Minute)
	rt.expect(t, "awake", false, 5*time.Second)
	rt.expect(t, "awake", true, 5*time.Second)
	clk.Tick(t, time.Second)
	rt.none(t)
}
