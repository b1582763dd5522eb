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

// Live incidents of rooms not joined are ignored; changing the rooms drops
// the left room's incidents and catches up the new one's.
func TestRooms(t *testing.T) {
	srv := demoServer(t, -1)
	if _, err := srv.Create(ops.Incident{UUID: "pay-1", Title: "card declines", Room: "payments"}); err != nil {
		t.Fatal(err)
	}
	h := start(t, conn.Options{Server: srv.URL(), Token: staticToken(srv.Token()), Rooms: []string{"ops"}})
	h.until(t, "current", func(s store.State) bool { return s.Knowledge == store.Current })
	if _, err := srv.Create(ops.Incident{UUID: "pay-2", Title: "refunds slow", Room: "payments"}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Create(ops.Incident{UUID: "ops-1", Title: "disk full", Room: "ops"}); err != nil {
		t.Fatal(err)
	}
	if o := event[store.Opened](t, h); o.Incident.UUID != "ops-1" {
		t.Errorf("opened %s, want only ops-1", o.Incident.UUID)
	}
	h.c.SetRooms([]string{"payments"})
	st := h.until(t, "the payments incidents", func(s store.State) bool { return uuids(s) == "pay-2,pay-1" })
	if st.Knowledge != store.Current {
		t.Errorf("%+v", st)
	}
	if got := h.c.Rooms(); len(got) != 1 || got[0] != "payments" {
		t.Errorf("Rooms() = %v", got)
	}
}

func uuids(s store.State) string {
	out := ""
	for i, in := range s.Incidents {
		if i > 0 {
			out += ","
		}
		out += in.UUID
	}
	return out
}

// A server switch starts from Unknown and fills from the new server, with
// no outage notice for the old connection's orderly end.
func TestSetServer(t *testing.T) {
	a, b := demoServer(t, 1), demoServer(t, -1)
	if _, err := b.Create(ops.Incident{UUID: "b-1", Title: "on b", Room: "ops"}); err != nil {
		t.Fatal(err)
	}
	h := start(t, conn.Options{Server: a.URL(), Token: staticToken(a.Token()), Rooms: []string{"ops", "payments", "infra"}})
	h.until(t, "current on a", func(s store.State) bool { return s.Knowledge == store.Current })
	event[store.Revealed](t, h)
	if err := h.c.SetServer(b.URL(), "Server B", ""); err != nil {
		t.Fatal(err)
	}
	st := h.until(t, "current on b", func(s store.State) bool { return s.Server == "Server B" && s.Knowledge == store.Current })
	if uuids(st) != "b-1" {
		t.Errorf("incidents %s, want b-1", uuids(st))
	}
	if rev := event[store.Revealed](t, h); !rev.First {
		t.Errorf("the new server's first catch-up: %+v", rev)
	}
	flush(t, h.st)
	select {
	case e := <-h.events:
		t.Errorf("unexpected %T %+v", e, e)
	default:
	}
	if err := h.c.SetServer("http://nope", "", ""); err == nil {
		t.Error("SetServer accepted an http:// URL")
	}
}

// A rejected token is not retried until Reconnect (the store's command).
func TestReconnectAfterRejection(t *testing.T) {
	srv := demoServer(t, 1)
	var tok atomic.Value
	tok.Store("wrong")
	h := start(t, conn.Options{Server: srv.URL(), Token: func(context.Context) (string, error) { return tok.Load().(string), nil }})
	h.until(t, "rejected", func(s store.State) bool { return s.Link == store.LinkRejected })
	tok.Store(srv.Token())
	h.st.Reconnect("")
	h.until(t, "current", func(s store.State) bool { return s.Knowledge == store.Current })
}

// The OS watcher's verdicts show as LinkOffline with the reason, and the
// list as Stale; back online, it is Current again.
func TestOfflineAndAsleep(t *testing.T) {
	srv := demoServer(t, 1)
	h := start(t, conn.Options{Server: srv.URL(), Token: staticToken(srv.Token())})
	h.until(t, "current", func(s store.State) bool { return s.Knowledge == store.Current })
	h.c.SetOnline(false)
	h.until(t, "offline", func(s store.State) bool {
		return s.Link == store.LinkOffline && s.Reason == "no network" && s.Knowledge == store.Stale
	})
	h.c.SetAwake(false)
	h.until(t, "asleep", func(s store.State) bool { return s.Reason == "asleep" })
	h.c.SetAwake(true)
	h.c.SetOnline(true)
	h.until(t, "current again", func(s store.State) bool { return s.Knowledge == store.Current })
}

// Close while a catch-up hangs on a slow server returns promptly and
// leaves nothing behind (goleak checks in TestMain).
func TestCloseDuringCatchUp(t *testing.T) {
	entered := make(chan struct{}, 1)
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-r.Context().Done()
	})
	srv := sockettest.Start(t, sockettest.Options{HTTP: api})
	st := store.New(store.Options{})
	defer st.Close()
	c, err := conn.New(st, conn.Options{Server: srv.URL(), Socket: fast})
	if err != nil {
		t.Fatal(err)
	}
	c.Start()
	select {
	case <-entered:
	case <-time.After(wait):
		t.Fatal("no catch-up")
	}
	done := make(chan struct{})
	go func() {
		c.Close()
		c.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(wait):
		t.Fatal("Close hangs on a catch-up in flight")
	}
	if st := st.State(); st.CatchUpErr != "" {
		t.Errorf("a catch-up cut short by Close is no failure: %q", st.CatchUpErr)
	}
	if err := c.SetServer(srv.URL(), "", ""); !errors.Is(err, conn.ErrClosed) {
		t.Errorf("SetServer after Close: %v", err)
	}
}

// Close and SetServer at any moment of the connection's life — dialling,
// connected, catching up, reconnecting — leave nothing behind and never
// race (run with -race; goleak checks in TestMain).
func TestCloseAndSwitchStress(t *testing.T) {
	srv := demoServer(t, 2)
	dead := deadURL(t)
	for i := range 30 {
		st, c := startStressConn(t, srv)
		time.Sleep(time.Duration(i%5) * time.Millisecond)
		if i%3 == 0 {
			srv.DropAll()
		}
		if i%2 == 0 {
			must(t, c.SetServer(dead, "", ""))
			c.SetRooms([]string{"ops"})
		}
		c.Close()
		st.Close()
	}
}

// "Reconnect now" racing a server switch or Close must not restart the
// client that was just replaced: socket's Reconnect starts a disconnected
// client, which would then dial the old server for good (goleak in
// TestMain sees its goroutines).
func TestReconnectRacingSwitchAndClose(t *testing.T) {
	srv := demoServer(t, 2)
	dead := deadURL(t)
	for i := range 40 {
		st, c := startStressConn(t, srv)
		done := make(chan struct{})
		go func() {
			defer close(done)
			for range 50 {
				c.Reconnect()
			}
		}()
		if i%2 == 0 {
			must(t, c.SetServer(dead, "", ""))
		}
		c.Close()
		<-done
		st.Close()
	}
}
