package agent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/warpdesk/warpdesk/conn"
	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/notify/notifytest"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/settings/keyringtest"
	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/store"
)

// twoUsers is a quiet demo server on loopback (driven by hand) that knows
// alice and bob.
func twoUsers(t *testing.T) *demo.Server {
	t.Helper()
	srv, err := demo.Start(context.Background(), "127.0.0.1:0", demo.Options{
		Users: map[string]string{"T-alice": "alice", "T-bob": "bob"}, Rooms: []string{"ops"},
		Interval: -1, BurstEvery: -1, DropEvery: -1, Initial: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// userAgent is an agent with its real connection to srv started (Run's
// tray, window and OS watcher left out) as the user of token, caught up.
func userAgent(t *testing.T, srv *demo.Server, token string) *Agent {
	t.Helper()
	a := startedAgent(t, Config{Server: srv.URL(), EnvToken: settings.Secret(token), Rooms: []string{"ops"}, RoomsGiven: true},
		mapPrefs{}, settings.NewTokenStore(settings.TokenStoreOptions{Keyring: &keyringtest.Memory{}}))
	waitFor(t, "caught up", func() bool { st := a.st.State(); return st.Link == store.LinkLive && st.Knowledge == store.Current })
	return a
}

// incident is uuid as a's store shows it.
func incident(a *Agent, uuid string) (store.Incident, bool) {
	for _, in := range a.st.State().Incidents {
		if in.UUID == uuid {
			return in, true
		}
	}
	return store.Incident{}, false
}

func has(a *Agent, uuid string, cond func(store.Incident) bool) func() bool {
	return func() bool { in, ok := incident(a, uuid); return ok && cond(in) }
}

// Issue 11: Acknowledge on one desktop is marked there at once and
// pending; the server's broadcast ends it as "acknowledged by alice" there
// and on bob's desktop.
func TestAcknowledgePendingThenDone(t *testing.T) {
	srv := twoUsers(t)
	in, err := srv.Create(ops.Incident{Title: "DB primary down", Severity: ops.Critical, Room: "ops"})
	if err != nil {
		t.Fatal(err)
	}
	alice, bob := userAgent(t, srv, "T-alice"), userAgent(t, srv, "T-bob")
	waitFor(t, "bob sees it", has(bob, in.UUID, func(store.Incident) bool { return true }))
	if got, _ := incident(alice, in.UUID); got.Server != settings.DefaultServerID {
		t.Fatalf("the incident's server is %q", got.Server)
	}
	srv.Socket().SetReplyDelay(400 * time.Millisecond) // the answer takes a while

	alice.Commands().Acknowledge(settings.DefaultServerID, in.UUID)
	if got, _ := incident(alice, in.UUID); !got.Acked || !got.AckPending || got.AcknowledgedBy != "" {
		t.Fatalf("right after Acknowledge: %+v", got)
	}
	waitFor(t, "alice's desktop: done, by alice", has(alice, in.UUID, func(in store.Incident) bool {
		return in.AcknowledgedBy == "alice" && !in.AckPending && in.AckErr == ""
	}))
	waitFor(t, "bob's desktop: acknowledged by alice", has(bob, in.UUID, func(in store.Incident) bool {
		return in.AcknowledgedBy == "alice" && !in.Acked
	}))
}

// The offline policy: while the link is down the acknowledgement waits,
// within the bound, and goes out when the link is back; past the bound it
// is dropped unsent and the incident says so plainly.
func TestAcknowledgeOffline(t *testing.T) {
	srv := twoUsers(t)
	in, err := srv.Create(ops.Incident{Title: "API down", Severity: ops.Critical, Room: "ops"})
	if err != nil {
		t.Fatal(err)
	}
	alice := userAgent(t, srv, "T-alice")
	alice.cmds.bound = 300 * time.Millisecond
	srv.Stop()
	waitFor(t, "the link down", func() bool { return alice.st.State().Link != store.LinkLive })

	alice.Commands().Acknowledge(settings.DefaultServerID, in.UUID)
	waitFor(t, "said plainly", has(alice, in.UUID, func(in store.Incident) bool {
		return in.Acked && !in.AckPending && strings.HasPrefix(in.AckErr, "offline: acknowledged here only, not sent")
	}))
	if open := srv.Open(); len(open) != 1 || open[0].IsAcknowledged() {
		t.Fatalf("the server has it acknowledged: %+v", open)
	}

	// Back within the bound: it goes out, and the error clears.
	alice.cmds.bound = DefaultAckBound
	alice.Commands().Acknowledge(settings.DefaultServerID, in.UUID)
	if got, _ := incident(alice, in.UUID); !got.AckPending || got.AckErr != "" {
		t.Fatalf("sent again: %+v", got)
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "acknowledged once back", has(alice, in.UUID, func(in store.Incident) bool {
		return in.AcknowledgedBy == "alice" && !in.AckPending && in.AckErr == ""
	}))
}

// The server's refusal shows in its own words; an unknown server does
// nothing.
func TestAcknowledgeRefused(t *testing.T) {
	srv := twoUsers(t)
	alice := userAgent(t, srv, "T-alice")
	ghost := ops.Incident{UUID: "ghost", Title: "resolved meanwhile", Severity: ops.Critical, Room: "ops", CreatedAt: time.Now().UnixMilli()}
	if err := alice.st.Feed(settings.DefaultServerID, "").IncidentCreated(ghost); err != nil {
		t.Fatal(err)
	}
	alice.Commands().Acknowledge("no-such-server", "ghost")
	if got, _ := incident(alice, "ghost"); got.Acked || got.AckPending {
		t.Fatalf("an unknown server's command changed %+v", got)
	}
	alice.Commands().Acknowledge(settings.DefaultServerID, "ghost")
	waitFor(t, "the server's words", has(alice, "ghost", func(in store.Incident) bool {
		return !in.AckPending && strings.Contains(in.AckErr, "no open incident ghost")
	}))
}

// "Acknowledge all critical" of a server reaches it for every open
// critical nobody acknowledged, and for nothing else; of another server
// it touches none of them.
func TestAcknowledgeAllCritical(t *testing.T) {
	srv := twoUsers(t)
	var crit []string
	for _, sev := range []ops.Severity{ops.Critical, ops.Warning, ops.Critical} {
		in, err := srv.Create(ops.Incident{Title: "t " + string(sev), Severity: sev, Room: "ops"})
		if err != nil {
			t.Fatal(err)
		}
		if sev == ops.Critical {
			crit = append(crit, in.UUID)
		}
	}
	alice := userAgent(t, srv, "T-alice")
	waitFor(t, "the criticals listed", func() bool { return len(alice.st.State().Unacknowledged(ops.Critical)) == 2 })
	alice.Commands().AcknowledgeAllCritical("elsewhere")
	for _, in := range alice.st.State().Incidents {
		if in.AckPending || in.Acked {
			t.Fatalf("acknowledge all critical of another server touched %s: %+v", in.UUID, in)
		}
	}
	alice.Commands().AcknowledgeAllCritical(settings.DefaultServerID)
	waitFor(t, "both criticals acknowledged by alice on the server", func() bool {
		n := 0
		for _, in := range srv.Open() {
			if in.AcknowledgedBy == "alice" {
				n++
			}
		}
		return n == 2
	})
	for _, in := range srv.Open() {
		if (in.Severity == ops.Critical) != in.IsAcknowledged() {
			t.Errorf("%s %s: acknowledged %v", in.Severity, in.UUID, in.IsAcknowledged())
		}
	}
	waitFor(t, "shown done", has(alice, crit[1], func(in store.Incident) bool { return in.AcknowledgedBy == "alice" && !in.AckPending }))
}

// Issue 11: the dashboard's Acknowledge, a command over the window
// process's link (ipc, here from the stand-in window), goes to the
// agent's Commands and so to the incident's server, as the token's user.
func TestDashboardAcknowledgeReachesTheServer(t *testing.T) {
	t.Setenv(fakeWindowEnv, "1")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	srv := twoUsers(t)
	in, err := srv.Create(ops.Incident{Title: "queue backlog", Severity: ops.Critical, Room: "ops"})
	if err != nil {
		t.Fatal(err)
	}
	alice := userAgent(t, srv, "T-alice")
	w := &windows{exe: exe, st: alice.st, cmds: alice.Commands(), log: slog.New(slog.DiscardHandler)}
	defer w.close(10 * time.Second)
	w.openIncident(settings.DefaultServerID, in.UUID) // the stand-in answers with Acknowledge
	waitFor(t, "the server to record alice", func() bool {
		open := srv.Open()
		return len(open) == 1 && open[0].AcknowledgedBy == "alice"
	})
	waitFor(t, "done on alice's desktop", has(alice, in.UUID, func(in store.Incident) bool {
		return in.AcknowledgedBy == "alice" && in.Acked && !in.AckPending
	}))
}

// Issue 12 with issue 11: a server down does not hold up the
// acknowledgements of the others. Those of the server that is down wait
// for it (within the bound) while the live server's go out at once, also
// when more are waiting than are sent at a time.
func TestAcknowledgeOneServerDownOthersGoOn(t *testing.T) {
	down, up := twoUsers(t), twoUsers(t)
	a, _ := multiAgent(t, servers(
		settings.Server{ID: "down", URL: down.URL(), Rooms: []string{"ops"}},
		settings.Server{ID: "up", URL: up.URL(), Rooms: []string{"ops"}},
	), map[string]string{down.URL(): "T-alice", up.URL(): "T-alice"})
	var waiting []string
	for range 3 * ackConcurrency {
		waiting = append(waiting, create(t, down, "on the server about to go down").UUID)
	}
	in := create(t, up, "on the live server")
	waitFor(t, "every incident listed", func() bool { return len(a.st.State().Incidents) == len(waiting)+1 })
	down.Stop()
	waitFor(t, "the link down", func() bool { sv, _ := a.serverState("down"); return sv.Link != store.LinkLive })

	for _, u := range waiting {
		a.Commands().Acknowledge("down", u)
	}
	a.Commands().Acknowledge("up", in.UUID)
	waitFor(t, "the live server's acknowledged at once", has(a, in.UUID, func(in store.Incident) bool {
		return in.AcknowledgedBy == "alice" && !in.AckPending && in.AckErr == ""
	}))
	for _, u := range waiting {
		if got, _ := incident(a, u); !got.AckPending {
			t.Errorf("%s: %+v, want still waiting for its server", u, got)
		}
	}
}

// heldLink is a link whose server never answers: each acknowledgement
// waits for its context, and is counted.
type heldLink struct {
	fakeLink
	asked atomic.Int32
}

func (l *heldLink) Acknowledge(ctx context.Context, _ string) (ops.Acknowledgement, error) {
	l.asked.Add(1)
	<-ctx.Done()
	return ops.Acknowledgement{}, ctx.Err()
}

// An incident acknowledged again and again while its acknowledgement
// waits is sent once: what waits is bounded by the incidents, not by the
// clicks. Unanswered within the bound, on a live link, it says so in
// plain words; and Close leaves nothing behind (goleak, TestMain).
func TestAcknowledgeSentOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		link, prefs := &heldLink{}, mapPrefs{}
		if err := settings.Save(prefs, *real("wss://ops.example.com/ws", "ops")); err != nil {
			t.Fatal(err)
		}
		a, err := New(Config{}, Options{
			Prefs: prefs, Tokens: settings.NewTokenStore(settings.TokenStoreOptions{Keyring: &keyringtest.Memory{}}),
			Deliverer: notifytest.DelivererFunc(func(notify.Notification) error { return nil }),
			Dial:      func(conn.Sink, conn.Options) (Link, error) { return link, nil },
		})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		f := a.st.Feed(settings.DefaultServerID, "")
		_ = f.SetLink(store.LinkStatus{Link: store.LinkLive})
		_ = f.IncidentCreated(ops.Incident{UUID: "x", Title: "DB down", Severity: ops.Critical, Room: "ops", CreatedAt: time.Now().UnixMilli()})
		for range 100 {
			a.Commands().Acknowledge(settings.DefaultServerID, "x")
		}
		synctest.Wait()
		if n := link.asked.Load(); n != 1 {
			t.Fatalf("asked the server %d times, want once", n)
		}
		time.Sleep(DefaultAckBound)
		synctest.Wait()
		in, _ := incident(a, "x")
		if want := "no answer from the server within 1 min; acknowledge again to be sure"; in.AckPending || in.AckErr != want {
			t.Fatalf("after the bound: pending %v, %q; want %q", in.AckPending, in.AckErr, want)
		}
		a.Commands().Acknowledge(settings.DefaultServerID, "x") // again: sent anew
		synctest.Wait()
		if n := link.asked.Load(); n != 2 {
			t.Fatalf("asked the server %d times after acknowledging again, want twice", n)
		}
	})
}

// What an acknowledgement's failure says, in words a user reads after
// "Not acknowledged on the server:", and what it matches.
func TestAckErrorWords(t *testing.T) {
	lost := fmt.Errorf("conn: acknowledge x: %w (call %q, ref 3): read: reset", socket.ErrConnectionLost, "incident.acknowledge")
	for _, tc := range []struct {
		err     error
		sv      store.ServerState
		want    string
		offline bool
	}{
		{&socket.RemoteError{Code: ops.CodeNotFound, Message: "no open incident x"}, store.ServerState{}, "the server refused: no open incident x", false},
		{lost, store.ServerState{}, "the connection was lost before the server answered; acknowledge again to be sure", false},
		{context.DeadlineExceeded, store.ServerState{Link: store.LinkLive}, "no answer from the server within 1 min; acknowledge again to be sure", false},
		{context.DeadlineExceeded, store.ServerState{Link: store.LinkOffline, Reason: "no network"}, "offline: acknowledged here only, not sent (no link to the server within 1 min: no network)", true},
		{context.DeadlineExceeded, store.ServerState{Link: store.LinkRejected, Reason: "server rejected the token"}, "offline: acknowledged here only, not sent (no link to the server within 1 min: server rejected the token)", true},
		{context.DeadlineExceeded, store.ServerState{Link: store.LinkReconnecting}, "offline: acknowledged here only, not sent (no link to the server within 1 min)", true},
		{fmt.Errorf("x: %w", socket.ErrNotConnected), store.ServerState{Link: store.LinkLive}, "offline: acknowledged here only, not sent (the connection was replaced before it went; acknowledge again)", true},
	} {
		err := ackError(tc.err, DefaultAckBound, tc.sv)
		if err.Error() != tc.want || errors.Is(err, ErrAckOffline) != tc.offline || !errors.Is(err, tc.err) {
			t.Errorf("ackError(%v, %v) = %q (offline %v), want %q (offline %v), wrapping the cause", tc.err, tc.sv.Link, err, errors.Is(err, ErrAckOffline), tc.want, tc.offline)
		}
	}
}
