package demo

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/socket"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func start(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	s, err := Start(context.Background(), "127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// recorder is a socket client that records what it receives.
type recorder struct {
	c       *socket.Client
	mu      sync.Mutex
	created []ops.Incident
	solved  []string
	mons    []ops.MonitorChange
}

func connect(t *testing.T, s *Server, token string, rooms ...string) *recorder {
	t.Helper()
	c, err := socket.New(s.URL(), socket.Options{
		ReconnectDelay: 10 * time.Millisecond, MaxReconnectDelay: 40 * time.Millisecond,
		Handshake: func(context.Context) (socket.Handshake, error) {
			return socket.Handshake{Name: ops.AuthName, Data: ops.Auth{Token: token}}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := &recorder{c: c}
	socket.On(c, ops.IncidentCreated, func(in ops.Incident, _ socket.Envelope) {
		r.mu.Lock()
		r.created = append(r.created, in)
		r.mu.Unlock()
	})
	socket.On(c, ops.IncidentResolved, func(in ops.IncidentRef, _ socket.Envelope) {
		r.mu.Lock()
		r.solved = append(r.solved, in.UUID)
		r.mu.Unlock()
	})
	socket.On(c, ops.MonitorStatusChanged, func(m ops.MonitorChange, _ socket.Envelope) {
		r.mu.Lock()
		r.mons = append(r.mons, m)
		r.mu.Unlock()
	})
	for _, room := range rooms {
		c.JoinRoom(room)
	}
	c.Connect()
	t.Cleanup(c.Disconnect)
	return r
}

func (r *recorder) counts() (created, solved, mons int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.created), len(r.solved), len(r.mons)
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// joined waits until the server has the client in all its rooms.
func joined(t *testing.T, s *Server, n int) {
	t.Helper()
	eventually(t, "the client joined its rooms", func() bool {
		ids := s.Socket().ConnIDs()
		return len(ids) == 1 && len(s.Socket().Rooms(ids[0])) == n
	})
}

func TestAcceptsTheDemoTokenAndRejectsOthers(t *testing.T) {
	s := start(t, Options{Interval: -1})
	bad := connect(t, s, "not-the-token")
	eventually(t, "the bad token is rejected", func() bool {
		st := bad.c.Status()
		return st.State == socket.StateDisconnected && errors.Is(st.Err, socket.ErrRejected)
	})
	var ce *socket.CloseError
	if !errors.As(bad.c.Status().Err, &ce) || ce.Code != 4001 {
		t.Errorf("rejection %v, want close code 4001", bad.c.Status().Err)
	}
	good := connect(t, s, ops.DemoToken)
	eventually(t, "the demo token is accepted", good.c.IsConnected)
}

func TestRoomsScopeIncidents(t *testing.T) {
	s := start(t, Options{Interval: -1, Initial: -1})
	r := connect(t, s, ops.DemoToken, "ops")
	joined(t, s, 1)
	if _, err := s.Create(ops.Incident{Title: "payments only", Severity: ops.Critical, Room: "payments"}); err != nil {
		t.Fatal(err)
	}
	in, err := s.Create(ops.Incident{Title: "ops one", Severity: ops.Info, Room: "ops"})
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "the ops incident", func() bool { c, _, _ := r.counts(); return c >= 1 })
	s.Resolve(in.UUID)
	eventually(t, "the resolution", func() bool { _, x, _ := r.counts(); return x == 1 })
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.created) != 1 || r.created[0].Title != "ops one" || r.created[0].UUID == "" || r.created[0].CreatedAt == 0 {
		t.Errorf("received %+v, want only the ops incident, filled in", r.created)
	}
}

func TestCreateValidates(t *testing.T) {
	s := start(t, Options{Interval: -1})
	if _, err := s.Create(ops.Incident{Title: "", Severity: ops.Info}); err == nil {
		t.Error("an incident without a title was raised")
	}
	if _, err := s.Create(ops.Incident{Title: "x", Severity: "urgent"}); err == nil {
		t.Error("an unknown severity was raised")
	}
	if _, err := s.SetMonitor("m", "M", "sideways"); err == nil {
		t.Error("an unknown monitor status was accepted")
	}
	if s.Resolve("nope") {
		t.Error("resolved an unknown incident")
	}
}

func getSnapshot(t *testing.T, url, token string) (int, ops.Snapshot) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var snap ops.Snapshot
	if resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(&snap); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode, snap
}

func TestCatchUpEndpoint(t *testing.T) {
	s := start(t, Options{Interval: -1, Initial: -1})
	a, _ := s.Create(ops.Incident{Title: "a", Severity: ops.Critical, Room: "ops", CreatedAt: 1000})
	b, _ := s.Create(ops.Incident{Title: "b", Severity: ops.Info, Room: "infra", CreatedAt: 2000})
	c, _ := s.Create(ops.Incident{Title: "c", Severity: ops.Warning, Room: "payments", CreatedAt: 3000})
	s.Resolve(c.UUID)
	base := s.HTTPURL() + ops.IncidentsPath

	if code, _ := getSnapshot(t, base, ""); code != http.StatusUnauthorized {
		t.Errorf("no token: %d, want 401", code)
	}
	if code, _ := getSnapshot(t, base, "wrong"); code != http.StatusUnauthorized {
		t.Errorf("wrong token: %d, want 401", code)
	}
	code, snap := getSnapshot(t, base, ops.DemoToken)
	if code != http.StatusOK || len(snap.Incidents) != 2 || snap.Incidents[0].UUID != b.UUID || snap.Incidents[1].UUID != a.UUID {
		t.Errorf("snapshot %d %+v, want b then a (newest first, resolved gone)", code, snap.Incidents)
	}
	if len(snap.Monitors) != len(monitorNames) {
		t.Errorf("%d monitors, want %d", len(snap.Monitors), len(monitorNames))
	}
	if _, snap = getSnapshot(t, base+"?room=ops", ops.DemoToken); len(snap.Incidents) != 1 || snap.Incidents[0].UUID != a.UUID {
		t.Errorf("room filter: %+v", snap.Incidents)
	}
	resp, err := http.Post(base, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d, want 405", resp.StatusCode)
	}
}

func TestStreamIsBelievable(t *testing.T) {
	s := start(t, Options{Interval: 2 * time.Millisecond, BurstEvery: 20 * time.Millisecond, DropEvery: -1})
	r := connect(t, s, ops.DemoToken, DefaultRooms...)
	// variety reports the rooms and severities seen so far. A storm fills
	// one room, so the stream is judged over time, not on its first burst.
	variety := func() (rooms map[string]bool, sev map[ops.Severity]bool) {
		r.mu.Lock()
		defer r.mu.Unlock()
		rooms, sev = map[string]bool{}, map[ops.Severity]bool{}
		for _, in := range r.created {
			if err := in.Validate(); err != nil {
				t.Errorf("invalid incident %+v: %v", in, err)
			}
			rooms[in.Room] = true
			sev[in.Severity] = true
		}
		return rooms, sev
	}
	eventually(t, "incidents in several rooms and severities, resolved, and monitors flapping", func() bool {
		c, x, m := r.counts()
		rooms, sev := variety()
		return c >= 10 && x >= 5 && m >= 3 && len(rooms) >= 2 && len(sev) >= 2
	})
	if n := len(s.Open()); n > 40 {
		t.Errorf("%d incidents open: the stream does not resolve enough", n)
	}
}

func TestDropsConnectionsNowAndThen(t *testing.T) {
	s := start(t, Options{Interval: time.Hour, BurstEvery: -1, DropEvery: 20 * time.Millisecond})
	r := connect(t, s, ops.DemoToken)
	eventually(t, "several connections (dropped and redialled)", func() bool { return s.Socket().Accepts() >= 3 })
	eventually(t, "connected again", r.c.IsConnected)
}

func TestStopRestartKeepsState(t *testing.T) {
	s := start(t, Options{Interval: -1, Initial: 2})
	r := connect(t, s, ops.DemoToken, DefaultRooms...)
	eventually(t, "connected", r.c.IsConnected)
	s.Stop()
	eventually(t, "dropped", func() bool { return !r.c.IsConnected() })
	missed, _ := s.Create(ops.Incident{Title: "while stopped", Severity: ops.Warning, Room: "infra"})
	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "reconnected", r.c.IsConnected)
	_, snap := getSnapshot(t, s.HTTPURL()+ops.IncidentsPath, ops.DemoToken)
	if len(snap.Incidents) != 3 || snap.Incidents[0].UUID != missed.UUID {
		t.Errorf("after restart %+v", snap.Incidents)
	}
}

func TestSameSeedSameStream(t *testing.T) {
	run := func() []string {
		s := start(t, Options{Interval: -1, Seed: 99, Initial: 4})
		for i := 0; i < 20; i++ {
			s.Step()
		}
		var out []string
		for _, in := range s.Open() {
			out = append(out, in.UUID+" "+in.Title+" "+string(in.Severity))
		}
		s.Close()
		sort.Strings(out) // createdAt comes from the clock; the content must not
		return out
	}
	a, b := run(), run()
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Errorf("same seed, different streams:\n%q\n%q", a, b)
	}
}

func TestCloseWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s, err := Start(ctx, "127.0.0.1:0", Options{Interval: time.Millisecond, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	s.Close() // waits for the stream to stop; goleak checks nothing is left
}
