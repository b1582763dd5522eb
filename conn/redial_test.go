package conn_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/warpdesk/warpdesk/conn"
	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// Redial dials the same server again, asking for the token anew, and
// keeps the store's list: a token changed while the link is up (here
// alice's replaced by bob's) is used at once, so what is done as the
// token's user is done as bob.
func TestRedialUsesTheNewToken(t *testing.T) {
	srv, err := demo.Start(context.Background(), "127.0.0.1:0", demo.Options{
		Users: map[string]string{"T-alice": "alice", "T-bob": "bob"}, Rooms: []string{"ops"},
		Interval: -1, BurstEvery: -1, DropEvery: -1, Initial: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	in, err := srv.Create(ops.Incident{Title: "DB down", Severity: ops.Critical, Room: "ops"})
	if err != nil {
		t.Fatal(err)
	}
	var tok atomic.Value
	tok.Store("T-alice")
	h := start(t, conn.Options{Server: srv.URL(), Rooms: []string{"ops"},
		Token: func(context.Context) (string, error) { return tok.Load().(string), nil }})
	h.until(t, "current", func(s store.State) bool { return s.Knowledge == store.Current })
	dials := srv.Socket().Accepts()

	tok.Store("T-bob")
	if err := h.c.Redial(); err != nil {
		t.Fatal(err)
	}
	h.until(t, "live and current again", func(s store.State) bool {
		if s.Knowledge == store.Unknown {
			t.Fatalf("the list became Unknown: %+v", s)
		}
		return srv.Socket().Accepts() > dials && s.Link == store.LinkLive && s.Knowledge == store.Current
	})
	a, err := h.c.Acknowledge(context.Background(), in.UUID)
	if err != nil || a.By != "bob" {
		t.Fatalf("acknowledged by %q (%v), want bob: the new token", a.By, err)
	}
	h.c.Close()
	if err := h.c.Redial(); !errors.Is(err, conn.ErrClosed) {
		t.Fatalf("Redial after Close: %v, want ErrClosed", err)
	}
}
