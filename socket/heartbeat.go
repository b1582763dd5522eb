package socket

import (
	"fmt"
	"sync/atomic"
	"time"
)

// liveness is what the reader tells the heartbeat. Any frame that arrives
// while a ping is outstanding answers it: it proves the peer alive just as
// the pong would, and on a busy link the pong waits behind that data. Time
// the reader spends waiting for a dispatch slot (back-pressure from slow
// handlers) is time it could not have read a pong, so it never counts
// against HeartbeatTimeout.
type liveness struct {
	clock      clock
	awaiting   atomic.Bool   // a ping is outstanding
	answered   chan struct{} // cap 1: a frame arrived while awaiting
	stalled    atomic.Int64  // total ns the reader has waited on back-pressure
	stallStart atomic.Int64  // unix ns when the current wait began; 0: none
}

// frameArrived is called by the reader for every frame it starts to read.
func (l *liveness) frameArrived() {
	if l.awaiting.Load() && l.awaiting.CompareAndSwap(true, false) {
		select {
		case l.answered <- struct{}{}:
		default:
		}
	}
}

// stall and unstall bracket a reader's wait for a dispatch slot.
func (l *liveness) stall() { l.stallStart.Store(l.clock.Now().UnixNano()) }

func (l *liveness) unstall() {
	start := l.stallStart.Load()
	// Add before clearing: a reader of both in between counts the wait
	// twice (a later timeout), never not at all (a false one).
	l.stalled.Add(l.clock.Now().UnixNano() - start)
	l.stallStart.Store(0)
}

// stalledAt returns the total time spent stalled up to now, and whether the
// reader is stalled right now.
func (l *liveness) stalledAt(now time.Time) (time.Duration, bool) {
	total := l.stalled.Load()
	start := l.stallStart.Load()
	if start != 0 {
		total += now.UnixNano() - start
	}
	return time.Duration(total), start != 0
}

// heartbeat is the writer's ping schedule. Its state is explicit: beat is
// the next ping (nil when the heartbeat is disabled), wait is the deadline
// of the outstanding ping (nil when none is outstanding).
type heartbeat struct {
	interval, timeout time.Duration
	clock             clock
	live              *liveness
	beat              timer
	wait              timer
	pingAt            time.Time     // when the outstanding ping was sent
	stalledAtPing     time.Duration // live's stalled total at that moment
}

func newHeartbeat(o Options, clk clock, live *liveness) heartbeat {
	h := heartbeat{interval: o.HeartbeatInterval, timeout: o.HeartbeatTimeout, clock: clk, live: live}
	if h.interval > 0 {
		h.beat = clk.NewTimer(h.interval)
	}
	return h
}

// beatC and waitC are the timers' channels; nil (never ready) when unset.
func (h *heartbeat) beatC() <-chan time.Time { return timerC(h.beat) }
func (h *heartbeat) waitC() <-chan time.Time { return timerC(h.wait) }

func timerC(t timer) <-chan time.Time {
	if t == nil {
		return nil
	}
	return t.C()
}

// due is called when beat fires. It schedules the next beat and reports
// whether to send a ping: not while one is still outstanding. If it says
// yes, the caller writes the ping and then calls sent.
func (h *heartbeat) due() bool {
	h.beat = h.clock.NewTimer(h.interval)
	if h.wait != nil {
		return false
	}
	h.pingAt = h.clock.Now()
	h.stalledAtPing, _ = h.live.stalledAt(h.pingAt)
	h.live.awaiting.Store(true) // before the write: the answer may be quick
	return true
}

// sent arms the deadline of the ping just written.
func (h *heartbeat) sent() { h.wait = h.clock.NewTimer(h.timeout) }

// answered is called when a frame arrived after the ping.
func (h *heartbeat) answered() {
	if h.wait != nil {
		h.wait.Stop()
		h.wait = nil
	}
}

// overdue is called when wait fires. The deadline is HeartbeatTimeout after
// the ping plus the time the reader was stalled since: if that is still
// ahead, wait is re-armed; if it passed, the peer is dead.
func (h *heartbeat) overdue() error {
	now := h.clock.Now()
	stalled, stalling := h.live.stalledAt(now)
	if stalling {
		h.wait = h.clock.NewTimer(h.timeout) // look again later
		return nil
	}
	deadline := h.pingAt.Add(h.timeout + stalled - h.stalledAtPing)
	if now.Before(deadline) {
		h.wait = h.clock.NewTimer(deadline.Sub(now))
		return nil
	}
	h.wait = nil
	return fmt.Errorf("%w: nothing received within %v of a ping", ErrHeartbeatTimeout, h.timeout)
}

func (h *heartbeat) stop() {
	for _, t := range []timer{h.beat, h.wait} {
		if t != nil {
			t.Stop()
		}
	}
}
