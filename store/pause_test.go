package store_test

import (
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/store"
)

func TestPauseEndsByItself(t *testing.T) {
	clk := newFakeClock()
	s, r := newStore(t, clk)
	until := clk.Now().Add(time.Hour)
	s.Pause(until)
	if p := eventOf[store.PauseStarted](t, r); !p.Until.Equal(until) || !p.CriticalsBreakPause {
		t.Errorf("%+v", p)
	}
	if st := r.last(t, s); !st.PausedUntil.Equal(until) {
		t.Errorf("PausedUntil %v", st.PausedUntil)
	}
	clk.Advance(59 * time.Minute)
	r.noEvent(t, s)
	clk.Advance(time.Minute)
	if e := eventOf[store.PauseEnded](t, r); e.Early {
		t.Errorf("%+v", e)
	}
	if st := r.last(t, s); !st.PausedUntil.IsZero() {
		t.Errorf("still paused until %v", st.PausedUntil)
	}
}

func TestPauseResumeAndExtend(t *testing.T) {
	clk := newFakeClock()
	s, r := newStore(t, clk)
	s.SetCriticalsBreakPause(false)
	s.Pause(clk.Now().Add(time.Hour))
	if p := eventOf[store.PauseStarted](t, r); p.CriticalsBreakPause {
		t.Errorf("%+v", p)
	}
	later := clk.Now().Add(3 * time.Hour)
	s.Pause(later)
	eventOf[store.PauseStarted](t, r)
	clk.Advance(2 * time.Hour) // the first pause's timer must not end the second
	r.noEvent(t, s)
	s.Pause(time.Time{})
	if e := eventOf[store.PauseEnded](t, r); !e.Early {
		t.Errorf("%+v", e)
	}
	s.Pause(time.Time{}) // not paused: nothing
	r.noEvent(t, s)
	clk.Advance(2 * time.Hour)
	r.noEvent(t, s)
}

// A monotonic timer stops while the machine is suspended: any input after
// the end (the wake-up's link change, say) ends the pause.
func TestPauseEndsAfterSuspend(t *testing.T) {
	clk := newFakeClock()
	s, r := newStore(t, clk)
	s.Pause(clk.Now().Add(time.Hour))
	eventOf[store.PauseStarted](t, r)
	// Jump the wall clock without firing timers, as a suspend does.
	clk.mu.Lock()
	clk.now = clk.now.Add(8 * time.Hour)
	clk.mu.Unlock()
	must(t, s.SetLink(store.LinkStatus{Link: store.LinkOffline, Reason: "asleep"}))
	eventOf[store.PauseEnded](t, r)
}
