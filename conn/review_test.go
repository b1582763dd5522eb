package conn_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/conn"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/socket/sockettest"
	"github.com/warpdesk/warpdesk/store"
)

// A catch-up in flight while the rooms change must not merge back the
// incidents of the rooms just left: its snapshot is of the old rooms, so
// it is void and the catch-up of the new rooms follows.
func TestCatchUpDuringRoomSwitch(t *testing.T) {
	entered, release := make(chan struct{}, 1), make(chan struct{})
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("room") == "old" {
			entered <- struct{}{}
			<-release
			_, _ = w.Write([]byte(`{"incidents":[{"uuid":"old-1","title":"left behind","severity":"critical","room":"old","createdAt":1}]}`))
			return
		}
		_, _ = w.Write([]byte(`{"incidents":[{"uuid":"new-1","title":"wanted","severity":"critical","room":"new","createdAt":2}]}`))
	})
	srv := sockettest.Start(t, sockettest.Options{HTTP: api})
	h := start(t, conn.Options{Server: srv.URL(), Rooms: []string{"old"}})
	select {
	case <-entered:
	case <-time.After(wait):
		t.Fatal("no catch-up of the old room")
	}
	h.c.SetRooms([]string{"new"})
	close(release)
	st := h.until(t, "new-1, and never old-1", func(s store.State) bool {
		for _, in := range s.Incidents {
			if in.UUID == "old-1" {
				t.Fatalf("the left room's incident came back: %+v", s.Incidents)
			}
		}
		return uuids(s) == "new-1" && s.Knowledge == store.Current
	})
	_ = st
	for {
		select {
		case e := <-h.events:
			if rev, ok := e.(store.Revealed); ok {
				for _, in := range rev.Incidents {
					if in.UUID == "old-1" {
						t.Fatalf("the left room's incident was revealed: %+v", rev)
					}
				}
			}
		default:
			return
		}
	}
}

// SetCatchUpURL racing SetServer: the catch-up URL in force is always
// derived from the server in force, never from the one just replaced.
func TestSetCatchUpURLRacingSetServer(t *testing.T) {
	st := store.New(store.Options{})
	defer st.Close()
	for range 1000 {
		c, err := conn.New(st, conn.Options{Server: "ws://a.example:1/ws", Socket: fast})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); must(t, c.SetServer("ws://b.example:2/ws", "", "")) }()
		go func() { defer wg.Done(); must(t, c.SetCatchUpURL("")) }()
		wg.Wait()
		got, _ := url.Parse(conn.CatchUpBase(c))
		c.Close()
		if got.Host != "b.example:2" || !strings.HasPrefix(got.Scheme, "http") {
			t.Fatalf("catch-up URL %s after switching to b", got)
		}
	}
}

// The catch-up waits until the server applied the room joins: Connected
// means they were written, and a snapshot taken before the server read
// them misses what is raised in between, which no broadcast brings
// either. A server slow to read the frames after the auth shows it.
func TestCatchUpAfterTheJoinsApplied(t *testing.T) {
	srv := demoServer(t, -1)
	srv.Socket().OnMessage(func(_ int, typ string, _ []byte) {
		if typ == "auth" {
			time.Sleep(300 * time.Millisecond) // the reader is busy: the joins wait
		}
	})
	h := start(t, conn.Options{Server: srv.URL(), Token: staticToken(srv.Token()), Rooms: []string{"ops"}})
	h.until(t, "current", func(s store.State) bool { return s.Knowledge == store.Current })
	in, err := srv.Create(ops.Incident{Title: "raised right after the catch-up", Severity: ops.Critical, Room: "ops"})
	must(t, err)
	if o := event[store.Opened](t, h); o.Incident.UUID != in.UUID {
		t.Errorf("opened %+v", o)
	}
}
