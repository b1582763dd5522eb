package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// Issue 9 item 2: a server never reached is Unknown, never "all clear".
func TestUnknownUntilFirstCatchUp(t *testing.T) {
	clk := newFakeClock()
	s, r := newStore(t, clk)
	if st := s.State(); st.Knowledge != store.Unknown || st.Link != store.LinkConnecting || !st.AsOf.IsZero() {
		t.Fatalf("new store: %+v", st)
	}
	next := clk.Now().Add(3 * time.Second)
	must(t, s.SetLink(store.LinkStatus{Link: store.LinkReconnecting, Reason: "connection refused", NextAttempt: next}))
	st := r.last(t, s)
	if st.Knowledge != store.Unknown || st.Reason != "connection refused" || !st.NextAttempt.Equal(next) || !st.Since.Equal(clk.Now()) {
		t.Errorf("refused: %+v", st)
	}
	lost := eventOf[store.LinkLost](t, r)
	if !lost.NeverConnected || lost.Link != store.LinkReconnecting || lost.Reason != "connection refused" {
		t.Errorf("LinkLost %+v, want NeverConnected", lost)
	}
	// More failures are the same outage: one notice.
	must(t, s.SetLink(store.LinkStatus{Link: store.LinkRejected, Reason: "server rejected the token"}))
	r.noEvent(t, s)
	if st := s.State(); st.Link != store.LinkRejected || st.Knowledge != store.Unknown {
		t.Errorf("rejected: %+v", st)
	}
}

// Issue 9 item 5: a failed first catch-up keeps the list Unknown, and the
// next success is still the first, revealing every incident open at start.
func TestFailedFirstCatchUpKeepsUnknown(t *testing.T) {
	clk := newFakeClock()
	s, r := newStore(t, clk)
	must(t, s.SetLink(store.LinkStatus{Link: store.LinkLive}))
	must(t, s.IncidentCreated(inc("live", 50, ops.Info))) // live news before any catch-up
	if o := eventOf[store.Opened](t, r); o.Incident.UUID != "live" {
		t.Errorf("opened %+v", o)
	}
	cu := s.BeginCatchUp()
	retry := clk.Now().Add(2 * time.Second)
	s.CatchUpFailed(cu, errors.New("server answered 502 Bad Gateway"), retry)
	st := r.last(t, s)
	if st.Knowledge != store.Unknown || st.CatchUpErr != "server answered 502 Bad Gateway" || !st.CatchUpRetry.Equal(retry) {
		t.Errorf("after a failed first catch-up: %+v", st)
	}
	clk.Advance(2 * time.Second)
	if _, err := s.CaughtUp(s.BeginCatchUp(), snap(inc("a", 10, ops.Critical), inc("b", 20, ops.Warning), inc("live", 50, ops.Info))); err != nil {
		t.Fatal(err)
	}
	st = r.last(t, s)
	if st.Knowledge != store.Current || st.CatchUpErr != "" || !st.CatchUpRetry.IsZero() || !st.AsOf.Equal(clk.Now()) {
		t.Errorf("after success: %+v", st)
	}
	rev := eventOf[store.Revealed](t, r)
	if !rev.First || uuids(rev.Incidents) != "b,a" {
		t.Errorf("revealed %+v, want First with b,a (live was shown already)", rev)
	}
	if got := rev.OpsIncidents(); len(got) != 2 || got[0] != rev.Incidents[0].Incident {
		t.Errorf("OpsIncidents %+v", got)
	}
	if got := uuids(st.Incidents); got != "live,b,a" {
		t.Errorf("list %s", got)
	}
}

// A reconnect makes the list Stale (as of the loss), then Current again
// after the catch-up; the outage is announced once and withdrawn with the
// count of what was missed.
func TestReconnectStaleThenCurrent(t *testing.T) {
	clk := newFakeClock()
	s, r := newStore(t, clk)
	live(t, s, snap(inc("a", 10, ops.Warning)))
	eventOf[store.Revealed](t, r)
	clk.Advance(time.Minute)
	lostAt := clk.Now()
	must(t, s.SetLink(store.LinkStatus{Link: store.LinkReconnecting, Reason: "connection lost"}))
	st := r.last(t, s)
	if st.Knowledge != store.Stale || !st.AsOf.Equal(lostAt) || uuids(st.Incidents) != "a" {
		t.Errorf("after the loss: %+v", st)
	}
	if l := eventOf[store.LinkLost](t, r); l.NeverConnected || !l.At.Equal(lostAt) {
		t.Errorf("LinkLost %+v", l)
	}
	clk.Advance(time.Minute)
	must(t, s.SetLink(store.LinkStatus{Link: store.LinkLive}))
	if st := r.last(t, s); st.Knowledge != store.Stale || st.Link != store.LinkLive {
		t.Errorf("live again before catch-up: %+v", st)
	}
	if _, err := s.CaughtUp(s.BeginCatchUp(), snap(inc("a", 10, ops.Warning), inc("b", 70, ops.Critical), inc("c", 80, ops.Info))); err != nil {
		t.Fatal(err)
	}
	if st := r.last(t, s); st.Knowledge != store.Current {
		t.Errorf("after catch-up: %+v", st)
	}
	if rev := eventOf[store.Revealed](t, r); rev.First || uuids(rev.Incidents) != "c,b" {
		t.Errorf("revealed %+v", rev)
	}
	back := eventOf[store.LinkRestored](t, r)
	if back.NewWhileOffline != 2 || !back.LostAt.Equal(lostAt) || !back.At.Equal(clk.Now()) {
		t.Errorf("LinkRestored %+v", back)
	}
}

// A catch-up during which the link dropped proves the list only as of the
// fetch: Stale, not Current.
func TestCatchUpAcrossALossIsStale(t *testing.T) {
	clk := newFakeClock()
	s, r := newStore(t, clk)
	must(t, s.SetLink(store.LinkStatus{Link: store.LinkLive}))
	cu := s.BeginCatchUp()
	began := clk.Now()
	clk.Advance(time.Second)
	must(t, s.SetLink(store.LinkStatus{Link: store.LinkReconnecting}))
	must(t, s.SetLink(store.LinkStatus{Link: store.LinkLive}))
	if _, err := s.CaughtUp(cu, snap(inc("a", 1, ops.Info))); err != nil {
		t.Fatal(err)
	}
	st := r.last(t, s)
	if st.Knowledge != store.Stale || !st.AsOf.Equal(began) || uuids(st.Incidents) != "a" {
		t.Errorf("%+v", st)
	}
}

// A catch-up failing while Current makes the list Stale.
func TestCatchUpFailureWhileCurrentIsStale(t *testing.T) {
	clk := newFakeClock()
	s, r := newStore(t, clk)
	live(t, s, snap())
	clk.Advance(time.Second)
	s.CatchUpFailed(s.BeginCatchUp(), errors.New("timeout"), time.Time{})
	if st := r.last(t, s); st.Knowledge != store.Stale || !st.AsOf.Equal(clk.Now()) || st.CatchUpErr != "timeout" {
		t.Errorf("%+v", st)
	}
	r.noEvent(t, s)
}

// A server switch forgets everything; a catch-up of the old server is void.
func TestResetSupersedesCatchUp(t *testing.T) {
	clk := newFakeClock()
	s, r := newStore(t, clk)
	live(t, s, snap(inc("a", 1, ops.Info)))
	s.Pause(clk.Now().Add(time.Hour))
	cu := s.BeginCatchUp()
	s.Reset("ws://other")
	if _, err := s.CaughtUp(cu, snap(inc("old", 1, ops.Info))); !errors.Is(err, store.ErrSuperseded) {
		t.Errorf("CaughtUp after Reset: %v, want ErrSuperseded", err)
	}
	st := r.last(t, s)
	if st.Server != "ws://other" || st.Knowledge != store.Unknown || st.Link != store.LinkConnecting || len(st.Incidents) != 0 || st.PausedUntil.IsZero() {
		t.Errorf("after Reset: %+v", st)
	}
	// The next failure of the new server is "never connected" again.
	for range 2 {
		r.event(t) // Revealed, PauseStarted
	}
	must(t, s.SetLink(store.LinkStatus{Link: store.LinkReconnecting}))
	if l := eventOf[store.LinkLost](t, r); !l.NeverConnected {
		t.Errorf("%+v", l)
	}
}

func TestSetLinkRejectsUnknownLink(t *testing.T) {
	s, _ := newStore(t, newFakeClock())
	if err := s.SetLink(store.LinkStatus{Link: 99}); !errors.Is(err, ops.ErrInvalid) {
		t.Errorf("got %v", err)
	}
}

// An outage announced for one server ends when another one, switched to,
// is Current: the notice is withdrawn, not left behind.
func TestOutageSurvivesASwitch(t *testing.T) {
	clk := newFakeClock()
	s, r := newStore(t, clk)
	must(t, s.SetLink(store.LinkStatus{Link: store.LinkReconnecting, Reason: "connection refused"}))
	eventOf[store.LinkLost](t, r)
	s.Reset("ws://other")
	must(t, s.SetLink(store.LinkStatus{Link: store.LinkReconnecting}))
	r.noEvent(t, s) // the same outage
	live(t, s, snap())
	if back := eventOf[store.LinkRestored](t, r); back.NewWhileOffline != 0 {
		t.Errorf("%+v", back)
	}
}
