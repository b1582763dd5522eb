package conn_test

import (
	"context"
	"errors"
	"testing"

	"github.com/warpdesk/warpdesk/conn"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/socket/sockettest"
	"github.com/warpdesk/warpdesk/store"
)

func TestAcknowledgeOnTheServer(t *testing.T) {
	srv := demoServer(t, -1)
	in, err := srv.Create(ops.Incident{UUID: "a", Title: "API down", Severity: ops.Critical, Room: "ops"})
	must(t, err)
	h := start(t, conn.Options{Server: srv.URL(), Token: staticToken(srv.Token()), Rooms: []string{"ops"}})
	h.until(t, "current", func(s store.State) bool { return s.Knowledge == store.Current && len(s.Incidents) == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	a, err := h.c.Acknowledge(ctx, in.UUID)
	if err != nil || a.UUID != "a" || a.By == "" {
		t.Fatalf("Acknowledge = %+v, %v", a, err)
	}
	st := h.until(t, "acknowledged", func(s store.State) bool { return s.Incidents[0].AcknowledgedBy != "" })
	if st.Incidents[0].AcknowledgedBy != a.By || st.Incidents[0].Acked {
		t.Errorf("%+v", st.Incidents[0])
	}
	var re *socket.RemoteError
	if _, err := h.c.Acknowledge(ctx, "nope"); !errors.As(err, &re) || re.Code != ops.CodeNotFound {
		t.Errorf("unknown incident: %v", err)
	}
	if _, err := h.c.Acknowledge(ctx, ""); !errors.Is(err, ops.ErrInvalid) {
		t.Errorf("empty uuid: %v", err)
	}
}

// After Close an acknowledgement fails at once with ErrClosed: no link
// will ever send it, so it must not wait for its context (the agent's
// bound is a minute).
func TestAcknowledgeAfterClose(t *testing.T) {
	srv := demoServer(t, -1)
	h := start(t, conn.Options{Server: srv.URL(), Token: staticToken(srv.Token())})
	h.until(t, "current", func(s store.State) bool { return s.Knowledge == store.Current })
	h.c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if _, err := h.c.Acknowledge(ctx, "a"); !errors.Is(err, conn.ErrClosed) {
		t.Fatalf("Acknowledge after Close: %v, want ErrClosed", err)
	}
}

// An answer naming another incident than the one asked about is refused
// and recorded nowhere: a confused (or hostile) server must not mark an
// incident acknowledged that nobody acknowledged.
func TestAcknowledgeAnswerForAnotherIncident(t *testing.T) {
	srv := demoServer(t, -1)
	for _, u := range []string{"a", "b"} {
		_, err := srv.Create(ops.Incident{UUID: u, Title: "API down " + u, Severity: ops.Critical, Room: "ops"})
		must(t, err)
	}
	srv.Socket().HandleRequest(ops.Acknowledge.Name(), func(sockettest.Request) (any, error) {
		return ops.Acknowledgement{UUID: "b", By: "mallory", At: 1}, nil
	})
	h := start(t, conn.Options{Server: srv.URL(), Token: staticToken(srv.Token()), Rooms: []string{"ops"}})
	h.until(t, "current", func(s store.State) bool { return s.Knowledge == store.Current && len(s.Incidents) == 2 })
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if _, err := h.c.Acknowledge(ctx, "a"); !errors.Is(err, ops.ErrInvalid) {
		t.Fatalf("Acknowledge(a) answered for b: %v, want ops.ErrInvalid", err)
	}
	for _, in := range h.st.State().Incidents {
		if in.IsAcknowledged() {
			t.Errorf("%s recorded as acknowledged by %q", in.UUID, in.AcknowledgedBy)
		}
	}
}
