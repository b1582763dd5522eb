package conn_test

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/conn"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/socket/sockettest"
	"github.com/warpdesk/warpdesk/store"
)

// Issue 9 item 2: a server never reached is Unknown, with the reason and
// the next attempt; the loss is announced though no connection ever came
// (item 4).
func TestNeverReachableStaysUnknown(t *testing.T) {
	h := start(t, conn.Options{Server: deadURL(t)})
	st := h.until(t, "reconnecting with a reason", func(s store.State) bool {
		return s.Link == store.LinkReconnecting && s.Reason == "connection refused" && !s.NextAttempt.IsZero()
	})
	if st.Knowledge != store.Unknown || len(st.Incidents) != 0 || !st.AsOf.IsZero() {
		t.Errorf("a server never reached: %+v", st)
	}
	if st.NextAttempt.Before(st.Since) || st.NextAttempt.After(time.Now().Add(time.Second)) {
		t.Errorf("next attempt %v, since %v", st.NextAttempt, st.Since)
	}
	if lost := event[store.LinkLost](t, h); !lost.NeverConnected || lost.Reason != "connection refused" {
		t.Errorf("LinkLost %+v", lost)
	}
}

// A refused token stops the dialling: LinkRejected, said in words.
func TestRefusedTokenIsRejected(t *testing.T) {
	srv := demoServer(t, 1)
	h := start(t, conn.Options{Server: srv.URL(), Token: staticToken("wrong")})
	st := h.until(t, "rejected", func(s store.State) bool { return s.Link == store.LinkRejected })
	if st.Reason != "server rejected the token" || st.Knowledge != store.Unknown || !st.NextAttempt.IsZero() {
		t.Errorf("%+v", st)
	}
	if lost := event[store.LinkLost](t, h); !lost.NeverConnected || lost.Link != store.LinkRejected {
		t.Errorf("LinkLost %+v", lost)
	}
}

func TestTokenUnavailable(t *testing.T) {
	srv := demoServer(t, 1)
	h := start(t, conn.Options{Server: srv.URL(), Token: func(context.Context) (string, error) {
		return "", errors.New("keyring locked")
	}})
	h.until(t, "the token's failure shown", func(s store.State) bool {
		return s.Link == store.LinkReconnecting && s.Reason == "token unavailable: keyring locked"
	})
}

// Issue 9 items 5 and 2: incidents open at start are revealed by the first
// catch-up, which makes the list Current.
func TestOpenAtStartAreRevealed(t *testing.T) {
	srv := demoServer(t, 3)
	h := start(t, conn.Options{Server: srv.URL(), Token: staticToken(srv.Token()), Rooms: srv.Rooms()})
	rev := event[store.Revealed](t, h)
	if !rev.First || len(rev.Incidents) != 3 {
		t.Errorf("revealed %d (first %v), want the 3 open at start", len(rev.Incidents), rev.First)
	}
	st := h.until(t, "current", func(s store.State) bool { return s.Knowledge == store.Current })
	if len(st.Incidents) != 3 || st.Link != store.LinkLive || st.Server != srv.URL() {
		t.Errorf("%+v", st)
	}
	// Live news is Opened.
	in, err := srv.Create(ops.Incident{Title: "payments down", Severity: ops.Critical, Room: "payments"})
	if err != nil {
		t.Fatal(err)
	}
	if o := event[store.Opened](t, h); o.Incident.UUID != in.UUID || o.Incident.Title != "payments down" {
		t.Errorf("opened %+v", o)
	}
	srv.Resolve(in.UUID)
	h.until(t, "resolved", func(s store.State) bool { return len(s.Incidents) == 3 })
}

// Issue 9 item 5: a failing catch-up is retried with backoff while
// connected, says so in State, and the first success is still "first".
func TestCatchUpFailingThenSucceeding(t *testing.T) {
	var calls atomic.Int32
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			http.Error(w, "overloaded", http.StatusBadGateway)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"incidents":[{"uuid":"a","title":"disk full","severity":"warning","createdAt":1}]}`))
	})
	srv := sockettest.Start(t, sockettest.Options{HTTP: api})
	h := start(t, conn.Options{Server: srv.URL()})
	failing := h.until(t, "the failure shown", func(s store.State) bool { return s.CatchUpErr != "" })
	if failing.Knowledge != store.Unknown || failing.Link != store.LinkLive || failing.CatchUpRetry.IsZero() ||
		failing.CatchUpErr != "server answered 502 Bad Gateway" {
		t.Errorf("while failing: %+v", failing)
	}
	rev := event[store.Revealed](t, h)
	if !rev.First || len(rev.Incidents) != 1 {
		t.Errorf("revealed %+v", rev)
	}
	st := h.until(t, "current", func(s store.State) bool { return s.Knowledge == store.Current })
	if st.CatchUpErr != "" || !st.CatchUpRetry.IsZero() || calls.Load() != 3 {
		t.Errorf("after success: %+v, %d calls", st, calls.Load())
	}
}

// A reconnect makes the list Stale, then Current once caught up; the loss
// is announced and withdrawn with what was missed.
func TestReconnectStaleThenCurrent(t *testing.T) {
	srv := demoServer(t, 1)
	h := start(t, conn.Options{Server: srv.URL(), Token: staticToken(srv.Token())})
	h.until(t, "current", func(s store.State) bool { return s.Knowledge == store.Current })
	srv.Stop()
	st := h.until(t, "stale", func(s store.State) bool { return s.Knowledge == store.Stale })
	if st.Link == store.LinkLive || st.AsOf.IsZero() || len(st.Incidents) != 1 {
		t.Errorf("after the drop: %+v", st)
	}
	if lost := event[store.LinkLost](t, h); lost.NeverConnected {
		t.Errorf("%+v", lost)
	}
	// Raised while we are away; seen by the catch-up.
	if _, err := srv.Create(ops.Incident{Title: "missed", Severity: ops.Critical, Room: "ops"}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	h.until(t, "current again", func(s store.State) bool { return s.Knowledge == store.Current && len(s.Incidents) == 2 })
	if back := event[store.LinkRestored](t, h); back.NewWhileOffline != 1 {
		t.Errorf("LinkRestored %+v", back)
	}
}

// Every live message kind reaches the store: created, acknowledged on the
// server, monitor changes, resolved.
func TestLiveMessages(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{})
	h := start(t, conn.Options{Server: srv.URL()})
	h.until(t, "live", func(s store.State) bool { return s.Link == store.LinkLive })
	// The client sees the upgrade before the server's handler has stored the
	// connection: a broadcast sent in between reaches no one.
	deadline := time.Now().Add(wait)
	for srv.Conns() != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("the server never registered the connection (%d)", srv.Conns())
		}
		time.Sleep(5 * time.Millisecond)
	}
	in := ops.Incident{UUID: "a", Title: "API down", Severity: ops.Critical, CreatedAt: 1}
	must(t, sockettest.Emit(srv, "", ops.IncidentCreated, in))
	must(t, sockettest.Emit(srv, "", ops.IncidentAcknowledged, ops.Acknowledgement{UUID: "a", By: "alice", At: 2}))
	must(t, sockettest.Emit(srv, "", ops.MonitorStatusChanged, ops.MonitorChange{MonitorUUID: "m", Name: "API", Status: ops.Down, ChangedAt: 3}))
	// An invalid payload is dropped by the store, and the stream goes on.
	must(t, srv.Broadcast("", ops.IncidentCreated.Name(), map[string]any{"uuid": "b", "title": "", "severity": "critical"}))
	h.until(t, "acknowledged by alice, monitor down", func(s store.State) bool {
		return len(s.Incidents) == 1 && s.Incidents[0].AcknowledgedBy == "alice" && len(s.Monitors) == 1 && s.Monitors[0].Status == ops.Down
	})
	must(t, sockettest.Emit(srv, "", ops.IncidentResolved, ops.IncidentRef{UUID: "a"}))
	h.until(t, "resolved", func(s store.State) bool { return len(s.Incidents) == 0 })
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
