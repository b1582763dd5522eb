package sockettest_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/warpdesk/warpdesk/socket/sockettest"
)

const (
	joinOps      = `{"type":"room.join","room":"ops"}`
	joinPayments = `{"type":"room.join","room":"payments"}`
	ack          = `{"type":"ack","id":1}`
	authRight    = `{"type":"auth","token":"secret"}`
	authWrong    = `{"type":"auth","token":"wrong"}`
)

// TestAuthAfterRoomJoinsInWarpKitOrder connects as WarpKit's SocketClient
// does, on every (re)connect: onopen re-joins the rooms and flushes the send
// buffer, then fires Connected, whose handler fetches a token and sends auth.
// The server must hold the joins and the message until auth, then apply
// them, instead of refusing the connection at the first join.
func TestAuthAfterRoomJoinsInWarpKitOrder(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{Token: "secret"})
	var hooks hookLog
	hooks.attach(srv)
	for round := 1; round <= 3; round++ {
		ws := dial(t, srv.URL(), nil)
		send(t, ws, "2", joinOps, joinPayments, ack)
		ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, msg, err := ws.ReadMessage(); err != nil || string(msg) != "3" {
			t.Fatalf("round %d: ping before auth answered with %q, %v; want the pong", round, msg, err)
		}
		id := onlyConn(t, srv)
		time.Sleep(30 * time.Millisecond) // the Connected handler awaits its token
		if got := srv.Rooms(id); len(got) != 0 {
			t.Fatalf("round %d: rooms %v before auth", round, got)
		}
		if err := srv.Broadcast("ops", "early", round); err != nil {
			t.Fatal(err)
		}
		send(t, ws, authRight)
		eventually(t, "the held joins applied", func() bool {
			return slices.Equal(srv.Rooms(id), []string{"ops", "payments"})
		})
		if err := srv.Broadcast("ops", "late", round); err != nil {
			t.Fatal(err)
		}
		if got := readText(t, ws); !strings.Contains(got, `"name":"late"`) {
			t.Fatalf("round %d: first envelope %s, want the one broadcast after auth", round, got)
		}
		want := []string{"auth", "room.join", "room.join", "ack"}
		if got := hooks.get(); !slices.Equal(got[len(got)-4:], want) || len(got) != 4*round {
			t.Fatalf("round %d: hooks saw %v, want %v each round", round, got, want)
		}
		ws.Close()
		eventually(t, "the connection gone", func() bool { return srv.Conns() == 0 })
	}
}

// TestRefusedAuthDropsWhatWasHeld sends joins, then a wrong token: 4001,
// and nothing it sent first is applied.
func TestRefusedAuthDropsWhatWasHeld(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{Token: "secret"})
	var hooks hookLog
	hooks.attach(srv)
	ws := dial(t, srv.URL(), nil)
	send(t, ws, joinOps, ack, authWrong)
	if code := closeCode(t, ws); code != 4001 {
		t.Fatalf("close code %d, want 4001", code)
	}
	if got := hooks.get(); len(got) != 0 {
		t.Fatalf("hooks saw %v from a refused connection", got)
	}
}

// TestAuthThatNeverComes: a connection that joins rooms but never
// authenticates is refused once AuthTimeout has passed.
func TestAuthThatNeverComes(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{Token: "secret", AuthTimeout: 100 * time.Millisecond})
	var hooks hookLog
	hooks.attach(srv)
	ws := dial(t, srv.URL(), nil)
	send(t, ws, joinOps)
	if code := closeCode(t, ws); code != 4001 {
		t.Fatalf("close code %d, want 4001", code)
	}
	if got := hooks.get(); len(got) != 0 {
		t.Fatalf("hooks saw %v without auth", got)
	}
	eventually(t, "the connection gone", func() bool { return srv.Conns() == 0 })
}

// TestWhatIsHeldBeforeAuthIsBounded: more than MaxHeldFrames frames, or
// more than MaxHeldBytes, before auth closes the connection with 1008.
func TestWhatIsHeldBeforeAuthIsBounded(t *testing.T) {
	big := `{"type":"blob","fill":"` + strings.Repeat("x", sockettest.MaxHeldBytes) + `"}`
	tests := []struct {
		name   string
		frames []string
	}{
		{"frames", slices.Repeat([]string{joinOps}, sockettest.MaxHeldFrames+1)},
		{"bytes", []string{ack, big}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := sockettest.Start(t, sockettest.Options{Token: "secret"})
			ws := dial(t, srv.URL(), nil)
			send(t, ws, tt.frames...)
			if code := closeCode(t, ws); code != websocket.ClosePolicyViolation {
				t.Fatalf("close code %d, want 1008", code)
			}
		})
	}
}

// TestTokenOnTheUpgrade: the Authorization header and, for browsers, which
// cannot set headers, the ?token= query parameter authenticate without an
// auth frame; a wrong one is refused with 4001.
func TestTokenOnTheUpgrade(t *testing.T) {
	tests := []struct {
		name   string
		query  string
		header string
		ok     bool
	}{
		{"header", "", "Bearer secret", true},
		{"query", "?token=secret", "", true},
		{"query escaped", "?room=x&token=s%65cret", "", true},
		{"wrong header", "", "Bearer wrong", false},
		{"wrong query", "?token=wrong", "", false},
		{"empty query", "?token=", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := sockettest.Start(t, sockettest.Options{Token: "secret"})
			h := http.Header{}
			if tt.header != "" {
				h.Set("Authorization", tt.header)
			}
			ws := dial(t, srv.URL()+tt.query, h)
			if !tt.ok {
				if code := closeCode(t, ws); code != 4001 {
					t.Fatalf("close code %d, want 4001", code)
				}
				return
			}
			onlyConn(t, srv)
			if err := srv.Broadcast("", "hello", 1); err != nil {
				t.Fatal(err)
			}
			if got := readText(t, ws); !strings.Contains(got, `"name":"hello"`) {
				t.Fatalf("received %s", got)
			}
		})
	}
}
