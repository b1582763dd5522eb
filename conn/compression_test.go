package conn_test

import (
	"errors"
	"testing"

	"github.com/warpdesk/warpdesk/conn"
	"github.com/warpdesk/warpdesk/store"
)

// SetCompression redials the same server (a demo server that accepts
// permessage-deflate) and keeps the store's list: the list never becomes
// Unknown, and the catch-up after the redial reveals nothing again.
func TestSetCompressionKeepsTheList(t *testing.T) {
	srv := demoServer(t, 2)
	h := start(t, conn.Options{Server: srv.URL(), Token: staticToken(srv.Token()), Rooms: []string{"ops", "payments", "infra"}})
	h.until(t, "current", func(s store.State) bool { return s.Knowledge == store.Current })
	event[store.Revealed](t, h)
	if err := h.c.SetCompression(false); err != nil { // already off: nothing happens
		t.Fatal(err)
	}
	if err := h.c.SetCompression(true); err != nil {
		t.Fatal(err)
	}
	h.until(t, "the link left for the redial", func(s store.State) bool {
		if s.Knowledge == store.Unknown {
			t.Fatalf("the list became Unknown: %+v", s)
		}
		return s.Link != store.LinkLive
	})
	st := h.until(t, "current again", func(s store.State) bool {
		if s.Knowledge == store.Unknown {
			t.Fatalf("the list became Unknown: %+v", s)
		}
		return s.Knowledge == store.Current
	})
	if len(st.Incidents) != 2 {
		t.Fatalf("incidents %d after the redial, want 2", len(st.Incidents))
	}
	flush(t, h.st)
	for {
		select {
		case e := <-h.events:
			if _, ok := e.(store.Revealed); ok {
				t.Fatalf("the redial revealed again: %+v", e)
			}
			continue
		default:
		}
		break
	}
	h.c.Close()
	if err := h.c.SetCompression(false); !errors.Is(err, conn.ErrClosed) {
		t.Fatalf("SetCompression after Close: %v, want ErrClosed", err)
	}
}
