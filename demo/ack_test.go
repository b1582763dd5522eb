package demo

import (
	"context"
	"errors"
	"flag"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/socket"
)

// acks records the incident.acknowledged broadcasts a client receives.
type acks struct {
	mu   sync.Mutex
	seen []ops.Acknowledgement
}

func recordAcks(c *socket.Client) *acks {
	a := &acks{}
	socket.On(c, ops.IncidentAcknowledged, func(ack ops.Acknowledgement, _ socket.Envelope) {
		a.mu.Lock()
		a.seen = append(a.seen, ack)
		a.mu.Unlock()
	})
	return a
}

func (a *acks) get() []ops.Acknowledgement {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]ops.Acknowledgement(nil), a.seen...)
}

// allJoined waits until the server has n connections, each in a room.
func allJoined(t *testing.T, s *Server, n int) {
	t.Helper()
	eventually(t, "the clients in their rooms", func() bool {
		ids := s.Socket().ConnIDs()
		for _, id := range ids {
			if len(s.Socket().Rooms(id)) == 0 {
				return false
			}
		}
		return len(ids) == n
	})
}

func call(t *testing.T, c *socket.Client, uuid string) (ops.Acknowledgement, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return socket.Call(ctx, c, ops.Acknowledge, ops.IncidentRef{UUID: uuid})
}

func twoUsers() Options {
	return Options{Interval: -1, Initial: -1, Users: map[string]string{"T-alice": "alice", "T-bob": "bob"},
		Now: func() time.Time { return time.UnixMilli(1706803200000) }}
}

// TestAcknowledgeAsTheTokensUser: alice acknowledges; the reply and the
// broadcast both say alice, and bob (another desktop in the room) is told.
// bob acknowledging again gets alice's acknowledgement back and nobody
// gets a second broadcast; the catch-up snapshot carries the state.
func TestAcknowledgeAsTheTokensUser(t *testing.T) {
	s := start(t, twoUsers())
	in, err := s.Create(ops.Incident{Title: "API down", Severity: ops.Critical, Room: "ops"})
	if err != nil {
		t.Fatal(err)
	}
	alice, bob := connect(t, s, "T-alice", "ops"), connect(t, s, "T-bob", "ops")
	aliceAcks, bobAcks := recordAcks(alice.c), recordAcks(bob.c)
	allJoined(t, s, 2)

	got, err := call(t, alice.c, in.UUID)
	want := ops.Acknowledgement{UUID: in.UUID, By: "alice", At: 1706803200000}
	if err != nil || got != want {
		t.Fatalf("alice's acknowledge = %+v, %v; want %+v", got, err, want)
	}
	eventually(t, "bob told that alice acknowledged", func() bool { return len(bobAcks.get()) == 1 })
	if b := bobAcks.get()[0]; b != want {
		t.Fatalf("bob got %+v, want %+v", b, want)
	}
	eventually(t, "alice told too", func() bool { return len(aliceAcks.get()) == 1 })
	if a := aliceAcks.get()[0]; a != want {
		t.Fatalf("alice got %+v, want %+v", a, want)
	}

	again, err := call(t, bob.c, in.UUID)
	if err != nil || again != want {
		t.Fatalf("bob acknowledging again = %+v, %v; want alice's %+v", again, err, want)
	}
	// A later broadcast in the same room arrives after any second ack would.
	s.Resolve(in.UUID)
	eventually(t, "the resolve reached both", func() bool {
		_, a, _ := alice.counts()
		_, b, _ := bob.counts()
		return a == 1 && b == 1
	})
	if a, b := aliceAcks.get(), bobAcks.get(); len(a) != 1 || len(b) != 1 {
		t.Fatalf("broadcasts after acknowledging twice: alice %d, bob %d; want 1 each", len(a), len(b))
	}
}

func TestAcknowledgeSnapshotCarriesState(t *testing.T) {
	s := start(t, twoUsers())
	in, _ := s.Create(ops.Incident{Title: "Disk full", Severity: ops.Warning, Room: "infra",
		Description: "92% and growing", Service: "orders-db", URL: "https://ops.example.com/i/1"})
	bob := connect(t, s, "T-bob")
	if _, err := call(t, bob.c, in.UUID); err != nil {
		t.Fatal(err)
	}
	_, snap := getSnapshot(t, s.HTTPURL()+ops.IncidentsPath, "T-alice")
	if len(snap.Incidents) != 1 {
		t.Fatalf("snapshot %+v", snap.Incidents)
	}
	got := snap.Incidents[0]
	if got.AcknowledgedBy != "bob" || got.AcknowledgedAt != 1706803200000 || got.Description != "92% and growing" ||
		got.Service != "orders-db" || got.URL != "https://ops.example.com/i/1" {
		t.Fatalf("snapshot incident %+v lacks the acknowledgement or the details", got)
	}
}

// TestAcknowledgeConcurrently: many acknowledge the same incident at once;
// one wins, everyone gets the winner's answer, one broadcast.
func TestAcknowledgeConcurrently(t *testing.T) {
	s := start(t, Options{Interval: -1, Initial: -1})
	in, _ := s.Create(ops.Incident{Title: "x", Room: "ops"})
	c := connect(t, s, ops.DemoToken, "ops")
	seen := recordAcks(c.c)
	allJoined(t, s, 1)
	results := make(chan ops.Acknowledgement, 20)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, err := s.Acknowledge(in.UUID, "user"+string(rune('a'+i)))
			if err != nil {
				t.Error(err)
			}
			results <- a
		}()
	}
	wg.Wait()
	close(results)
	first := <-results
	for a := range results {
		if a != first {
			t.Fatalf("answers differ: %+v and %+v", a, first)
		}
	}
	s.Resolve(in.UUID)
	eventually(t, "the resolve", func() bool { _, n, _ := c.counts(); return n == 1 })
	if got := seen.get(); len(got) != 1 || got[0] != first {
		t.Fatalf("broadcasts %+v, want exactly %+v", got, first)
	}
}

// TestAcknowledgeUnknown: a uuid that names no open incident, never raised
// or resolved, is refused with not_found; nothing is broadcast.
func TestAcknowledgeUnknown(t *testing.T) {
	s := start(t, Options{Interval: -1, Initial: -1})
	gone, _ := s.Create(ops.Incident{Title: "brief", Room: "ops"})
	s.Resolve(gone.UUID)
	c := connect(t, s, ops.DemoToken, "ops")
	seen := recordAcks(c.c)
	for _, uuid := range []string{"no-such-incident", gone.UUID} {
		_, err := call(t, c.c, uuid)
		var re *socket.RemoteError
		if !errors.As(err, &re) || re.Code != ops.CodeNotFound {
			t.Fatalf("acknowledge %s: %v, want a RemoteError %q", uuid, err, ops.CodeNotFound)
		}
	}
	if _, err := s.Acknowledge("no-such-incident", "x"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Acknowledge: %v, want ErrNotFound", err)
	}
	if len(seen.get()) != 0 {
		t.Fatalf("broadcast for an unknown incident: %+v", seen.get())
	}
}

// TestAcknowledgerCannotNameItself: a "by" in the request is ignored; the
// demo token acts as user demo.
func TestAcknowledgerCannotNameItself(t *testing.T) {
	s := start(t, Options{Interval: -1, Initial: -1})
	in, _ := s.Create(ops.Incident{Title: "x", Room: "ops"})
	c := connect(t, s, ops.DemoToken)
	type forged struct {
		UUID string `json:"uuid"`
		By   string `json:"by"`
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got, err := socket.Call(ctx, c.c, socket.DefineRequest[forged, ops.Acknowledgement](ops.Acknowledge.Name()),
		forged{UUID: in.UUID, By: "mallory"})
	if err != nil || got.By != DemoUser {
		t.Fatalf("forged acknowledge = %+v, %v; want by %q", got, err, DemoUser)
	}
}

// TestUsersTokensOnEveryRoute: the users' tokens and the demo token open
// the WebSocket and the catch-up endpoint; others do not.
func TestUsersTokensOnEveryRoute(t *testing.T) {
	s := start(t, twoUsers())
	for _, tok := range []string{"T-alice", "T-bob", ops.DemoToken} {
		if code, _ := getSnapshot(t, s.HTTPURL()+ops.IncidentsPath, tok); code != http.StatusOK {
			t.Errorf("catch-up with a known token: %d", code)
		}
	}
	if code, _ := getSnapshot(t, s.HTTPURL()+ops.IncidentsPath, "T-carol"); code != http.StatusUnauthorized {
		t.Errorf("catch-up with an unknown token: %d, want 401", code)
	}
	bad := connect(t, s, "T-carol")
	eventually(t, "an unknown token rejected", func() bool { return errors.Is(bad.c.Status().Err, socket.ErrRejected) })
	if got := strings.Join(s.Users(), ","); got != "alice,bob,demo" {
		t.Errorf("Users() = %s", got)
	}
}

func TestParseUsers(t *testing.T) {
	got, err := ParseUsers(" alice:T1, bob:T:2 ")
	if err != nil || len(got) != 2 || got["T1"] != "alice" || got["T:2"] != "bob" {
		t.Fatalf("ParseUsers = %v, %v", got, err)
	}
	if got, err := ParseUsers(""); err != nil || len(got) != 0 {
		t.Fatalf("empty: %v, %v", got, err)
	}
	for _, bad := range []string{"alice", "alice:", ":T1", "al ice:T1", "alice:T1,bob:T1", "alice:T1,,bob:T2",
		strings.Repeat("n", ops.MaxNameLen+1) + ":T1", "alice:T\x01"} {
		_, err := ParseUsers(bad)
		if !errors.Is(err, ErrUsers) {
			t.Errorf("ParseUsers(%q) = %v, want ErrUsers", bad, err)
		}
		if err != nil && strings.Contains(err.Error(), "T1") {
			t.Errorf("ParseUsers(%q): the error shows a token: %v", bad, err)
		}
	}
}

// TestStreamIncidentsHaveDetails: what the stream raises has a
// description, a service, and a URL whose page serves it.
func TestStreamIncidentsHaveDetails(t *testing.T) {
	s := start(t, Options{Interval: -1, Initial: 5})
	s.Burst()
	for _, in := range s.Open() {
		link, ok := in.Link()
		if in.Description == "" || in.Service == "" || !ok {
			t.Fatalf("incident without details: %+v", in)
		}
		resp, err := http.Get(link)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), in.Title) {
			t.Fatalf("GET %s: %d %q", link, resp.StatusCode, body)
		}
	}
	resp, err := http.Get(s.HTTPURL() + "/incidents/nope")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown incident page: %d, want 404", resp.StatusCode)
	}
}

// TestUsersFlag: -users on a command line fills Options.Users, and the
// flag never prints a token.
func TestUsersFlag(t *testing.T) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var users UsersFlag
	fs.Var(&users, "users", "name:token,…")
	if err := fs.Parse([]string{"-users", "alice:T1,bob:T2", "-users", "carol:T3"}); err != nil {
		t.Fatal(err)
	}
	if len(users) != 3 || users["T1"] != "alice" || users["T3"] != "carol" {
		t.Fatalf("users %v", map[string]string(users))
	}
	if got := users.String(); got != "alice,bob,carol" {
		t.Errorf("String() = %q", got)
	}
	// (The flag package repeats the value typed in its error; ours does not.)
	if err := users.Set("dave:T1"); !errors.Is(err, ErrUsers) || strings.Contains(err.Error(), "T1") {
		t.Errorf("a second user with alice's token: %v; want ErrUsers without the token", err)
	}
	s := start(t, Options{Interval: -1, Users: users})
	if got := strings.Join(s.Users(), ","); got != "alice,bob,carol,demo" {
		t.Errorf("server users %s", got)
	}
}
