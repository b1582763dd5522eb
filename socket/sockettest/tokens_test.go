package sockettest_test

import (
	"net/http"
	"testing"

	"github.com/warpdesk/warpdesk/socket/sockettest"
)

// TestSeveralTokens: a server with Tokens accepts each of them, and Token,
// by every route (auth frame, Bearer header, ?token=), refuses any other,
// and tells through ConnToken which token each connection presented.
func TestSeveralTokens(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{Token: "secret", Tokens: []string{"alice-t", "bob-t"}})
	for _, tc := range []struct {
		name, token string
		connect     func() int
	}{
		{"auth frame", "alice-t", func() int {
			ws := dial(t, srv.URL(), nil)
			send(t, ws, `{"type":"auth","token":"alice-t"}`)
			return onlyConnAuthed(t, srv)
		}},
		{"bearer header", "bob-t", func() int {
			dial(t, srv.URL(), http.Header{"Authorization": {"Bearer bob-t"}})
			return onlyConnAuthed(t, srv)
		}},
		{"query", "secret", func() int {
			dial(t, srv.URL()+"?token=secret", nil)
			return onlyConnAuthed(t, srv)
		}},
	} {
		id := tc.connect()
		if got := srv.ConnToken(id); got != tc.token {
			t.Errorf("%s: ConnToken = %q, want %q", tc.name, got, tc.token)
		}
		srv.DropAll()
		eventually(t, "the connection gone", func() bool { return srv.Conns() == 0 })
		if got := srv.ConnToken(id); got != "" {
			t.Errorf("%s: ConnToken of a closed connection = %q", tc.name, got)
		}
	}
	ws := dial(t, srv.URL(), nil)
	send(t, ws, `{"type":"auth","token":"carol-t"}`)
	if code := closeCode(t, ws); code != 4001 {
		t.Fatalf("unknown token: close code %d, want 4001", code)
	}
}

// TestConnTokenWithoutAuth: a server that requires no token reports none.
func TestConnTokenWithoutAuth(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{})
	dial(t, srv.URL()+"?token=whatever", nil)
	if got := srv.ConnToken(onlyConn(t, srv)); got != "" {
		t.Fatalf("ConnToken = %q on a server without tokens", got)
	}
}

// onlyConnAuthed waits for the single connection to authenticate.
func onlyConnAuthed(t *testing.T, s *sockettest.Server) int {
	t.Helper()
	id := onlyConn(t, s)
	eventually(t, "authenticated", func() bool { return s.ConnToken(id) != "" })
	return id
}
