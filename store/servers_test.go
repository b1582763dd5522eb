package store_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// newMulti is a store fed only through Feeds, with a recorder.
func newMulti(t *testing.T, clk store.Clock) (*store.Store, *recorder) {
	t.Helper()
	s := store.New(store.Options{Clock: clk})
	t.Cleanup(s.Close)
	r := &recorder{states: make(chan store.State, 1000), events: make(chan store.Event, 1000)}
	s.Subscribe(func(st store.State) { r.states <- st })
	s.SubscribeEvents(func(e store.Event, _ store.State) { r.events <- e })
	r.state(t)
	return s, r
}

// feedLive brings one server to Current: link live, one catch-up.
func feedLive(t *testing.T, f *store.Feed, sn ops.Snapshot) {
	t.Helper()
	must(t, f.SetLink(store.LinkStatus{Link: store.LinkLive}))
	if _, err := f.CaughtUp(f.BeginCatchUp(), sn); err != nil {
		t.Fatal(err)
	}
}

func serverIDs(st store.State) string {
	var out string
	for i, s := range st.Servers {
		if i > 0 {
			out += ","
		}
		out += s.ID + "=" + s.Name
	}
	return out
}

// Feeds add servers in order; a second Feed of an ID is the same one; the
// default server "" is not listed in a store fed only through Feeds.
func TestFeedsAddServersInOrder(t *testing.T) {
	clk := newFakeClock()
	s, _ := newMulti(t, clk)
	if st := s.State(); len(st.Servers) != 0 || st.Link != store.LinkConnecting || st.Knowledge != store.Unknown {
		t.Fatalf("no server yet: %+v", st)
	}
	prod := s.Feed("prod", "Production")
	stg := s.Feed("stg", "")
	stg.Reset("wss://staging.example.com")
	if again := s.Feed("prod", "Production"); again != prod || prod.ID() != "prod" {
		t.Error("a second Feed of prod is another feed")
	}
	if got := serverIDs(s.State()); got != "prod=Production,stg=wss://staging.example.com" {
		t.Errorf("servers %s", got)
	}
	s.Feed("prod", "Prod") // renamed
	if got := serverIDs(s.State()); got != "prod=Prod,stg=wss://staging.example.com" {
		t.Errorf("servers after a rename %s", got)
	}
}

// The same UUID on two servers is two incidents, each naming its server;
// the lists merge newest first, then by the servers' order.
func TestSameUUIDOnTwoServers(t *testing.T) {
	s, r := newMulti(t, newFakeClock())
	a, b := s.Feed("a", "A"), s.Feed("b", "B")
	must(t, b.IncidentCreated(inc("x", 10, ops.Critical)))
	must(t, a.IncidentCreated(inc("x", 10, ops.Critical)))
	must(t, a.IncidentCreated(inc("y", 20, ops.Warning)))
	for _, want := range []string{"b", "a", "a"} {
		if o := eventOf[store.Opened](t, r); o.Incident.Server != want {
			t.Errorf("Opened of server %q, want %q", o.Incident.Server, want)
		}
	}
	must(t, a.IncidentCreated(inc("x", 10, ops.Critical))) // a repeat on a: no Opened
	r.noEvent(t, s)
	st := s.State()
	var got string
	for _, in := range st.Incidents {
		got += in.Server + ":" + in.UUID + " "
	}
	if got != "a:y a:x b:x " {
		t.Errorf("incidents %q, want a:y a:x b:x", got)
	}
	if sa, sb := st.Servers[0], st.Servers[1]; sa.Open != 2 || sa.Critical != 1 || sb.Open != 1 || sb.Critical != 1 {
		t.Errorf("counts %+v %+v", sa, sb)
	}
	must(t, b.IncidentResolved("x"))
	st = s.State()
	if uuids(st.Incidents) != "y,x" || st.Incidents[1].Server != "a" || st.Servers[1].Open != 0 {
		t.Errorf("after b resolved x: %+v", st.Incidents)
	}
}

// State's link and knowledge fields are the worst server's: the worse
// link first, then the worse knowledge.
func TestWorstServerShows(t *testing.T) {
	clk := newFakeClock()
	s, _ := newMulti(t, clk)
	a, b := s.Feed("a", "A"), s.Feed("b", "B")
	a.Reset("wss://a")
	b.Reset("wss://b")
	feedLive(t, a, snap())
	feedLive(t, b, snap())
	if st := s.State(); st.Link != store.LinkLive || st.Knowledge != store.Current || st.Server != "wss://a" {
		t.Errorf("both current: %+v", st)
	}
	clk.Advance(time.Second)
	next := clk.Now().Add(5 * time.Second)
	must(t, b.SetLink(store.LinkStatus{Link: store.LinkReconnecting, Reason: "connection refused", NextAttempt: next}))
	st := s.State()
	if st.Server != "wss://b" || st.Link != store.LinkReconnecting || st.Reason != "connection refused" ||
		!st.NextAttempt.Equal(next) || st.Knowledge != store.Stale || !st.AsOf.Equal(clk.Now()) {
		t.Errorf("b reconnecting: %+v", st)
	}
	if sa := st.Servers[0]; sa.Link != store.LinkLive || sa.Knowledge != store.Current {
		t.Errorf("a is still live and current: %+v", sa)
	}
	// Both live, b not caught up yet: the same link, b's knowledge is worse.
	must(t, b.SetLink(store.LinkStatus{Link: store.LinkLive}))
	a.Reset("wss://a2")
	must(t, a.SetLink(store.LinkStatus{Link: store.LinkLive}))
	if st := s.State(); st.Server != "wss://a2" || st.Knowledge != store.Unknown {
		t.Errorf("a unknown, b stale: %+v", st)
	}
	s.RemoveFeed("a")
	s.RemoveFeed("b")
	if st := s.State(); len(st.Servers) != 0 || st.Link != store.LinkConnecting || st.Knowledge != store.Unknown || st.Server != "" {
		t.Errorf("no server: %+v", st)
	}
}

// LinkLost, Revealed and LinkRestored name their server; an outage of one
// server is its own.
func TestEventsNameTheServer(t *testing.T) {
	clk := newFakeClock()
	s, r := newMulti(t, clk)
	a, b := s.Feed("a", "A"), s.Feed("b", "B")
	feedLive(t, a, snap())
	feedLive(t, b, snap(inc("old", 1, ops.Info)))
	if rev := eventOf[store.Revealed](t, r); rev.Server != "b" || !rev.First || rev.Incidents[0].Server != "b" {
		t.Errorf("%+v", rev)
	}
	must(t, b.SetLink(store.LinkStatus{Link: store.LinkReconnecting, Reason: "EOF"}))
	if l := eventOf[store.LinkLost](t, r); l.Server != "b" || l.NeverConnected {
		t.Errorf("%+v", l)
	}
	must(t, a.SetLink(store.LinkStatus{Link: store.LinkOffline, Reason: "no network"}))
	if l := eventOf[store.LinkLost](t, r); l.Server != "a" {
		t.Errorf("a's own outage: %+v", l)
	}
	feedLive(t, b, snap(inc("old", 1, ops.Info), inc("new", 2, ops.Critical)))
	if rev := eventOf[store.Revealed](t, r); rev.Server != "b" || rev.First || uuids(rev.Incidents) != "new" {
		t.Errorf("%+v", rev)
	}
	if back := eventOf[store.LinkRestored](t, r); back.Server != "b" || back.NewWhileOffline != 1 {
		t.Errorf("%+v", back)
	}
	r.noEvent(t, s) // a is still out
}

// RemoveFeed forgets a server: its incidents leave, its catch-up in flight
// is void, its announced outage is forgotten, its Feed does nothing.
func TestRemoveFeed(t *testing.T) {
	clk := newFakeClock()
	s, r := newMulti(t, clk)
	a, b := s.Feed("a", "A"), s.Feed("b", "B")
	must(t, a.IncidentCreated(inc("x", 1, ops.Critical)))
	must(t, b.IncidentCreated(inc("x", 1, ops.Critical)))
	must(t, b.SetLink(store.LinkStatus{Link: store.LinkReconnecting}))
	cu := b.BeginCatchUp()
	for range 3 {
		r.event(t) // Opened, Opened, LinkLost
	}
	s.RemoveFeed("b")
	if _, err := b.CaughtUp(cu, snap(inc("y", 2, ops.Info))); !errors.Is(err, store.ErrSuperseded) {
		t.Errorf("CaughtUp of a removed server: %v, want ErrSuperseded", err)
	}
	st := s.State()
	if serverIDs(st) != "a=A" || len(st.Incidents) != 1 || st.Incidents[0].Server != "a" || st.Link != store.LinkConnecting {
		t.Errorf("after RemoveFeed: %+v", st)
	}
	v := st.Version
	must(t, b.IncidentCreated(inc("z", 3, ops.Critical)))
	must(t, b.SetLink(store.LinkStatus{Link: store.LinkLive}))
	if s.State().Version != v {
		t.Error("a removed server's Feed changed the State")
	}
	// Added again, anew: the old outage is forgotten (no LinkRestored).
	b2 := s.Feed("b", "B")
	if b2 == b {
		t.Error("Feed after RemoveFeed returned the removed feed")
	}
	feedLive(t, b2, snap())
	r.noEvent(t, s)
	s.RemoveFeed("nope") // ignored
}

// The default server "" is listed when Options.Server is set or one of the
// Store's own inputs is used; never for a store fed only through Feeds.
func TestDefaultServerListing(t *testing.T) {
	s := store.New(store.Options{})
	defer s.Close()
	s.Feed("a", "A")
	if got := serverIDs(s.State()); got != "a=A" {
		t.Errorf("servers %s", got)
	}
	must(t, s.SetLink(store.LinkStatus{Link: store.LinkConnecting}))
	if got := serverIDs(s.State()); got != "a=A,=" {
		t.Errorf("servers %s after the store's own input", got)
	}
	if s.Feed("", "") == nil || len(s.State().Servers) != 2 {
		t.Error("Feed(\"\") is not the default server")
	}
	named := store.New(store.Options{Server: "wss://one"})
	defer named.Close()
	if st := named.State(); serverIDs(st) != "=wss://one" || st.Server != "wss://one" {
		t.Errorf("with Options.Server: %+v", st)
	}
}

func TestReconnectHookGetsTheServer(t *testing.T) {
	s := store.New(store.Options{})
	defer s.Close()
	var got []string
	s.SetHooks(store.Hooks{Reconnect: func(server string) { got = append(got, server) }})
	s.Reconnect("b")
	s.Reconnect("")
	if len(got) != 2 || got[0] != "b" || got[1] != "" {
		t.Errorf("hook got %q", got)
	}
}

// Feeds driven from several goroutines at once, while servers come and go,
// keep every published State consistent: each server's counts match the
// merged list.
func TestFeedsConcurrently(t *testing.T) {
	s := store.New(store.Options{})
	defer s.Close()
	bad := make(chan string, 1)
	s.Subscribe(func(st store.State) {
		open := map[string]int{}
		for _, in := range st.Incidents {
			open[in.Server]++
		}
		for _, srv := range st.Servers {
			if open[srv.ID] != srv.Open {
				select {
				case bad <- fmt.Sprintf("server %s: Open %d, %d listed", srv.ID, srv.Open, open[srv.ID]):
				default:
				}
			}
		}
	})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprint("srv-", g)
			for round := range 50 {
				f := s.Feed(id, id)
				_ = f.SetLink(store.LinkStatus{Link: store.LinkLive})
				cu := f.BeginCatchUp()
				for i := range 5 {
					_ = f.IncidentCreated(inc(fmt.Sprint(round, "-", i), int64(i), ops.Critical))
				}
				_ = f.IncidentResolved(fmt.Sprint(round, "-", 0))
				_, _ = f.CaughtUp(cu, snap(inc("common", 1, ops.Warning)))
				s.Acknowledge(id, "common")
				if round%7 == 0 {
					s.RemoveFeed(id)
				}
			}
		}()
	}
	wg.Wait()
	flush(t, s)
	select {
	case msg := <-bad:
		t.Error(msg)
	default:
	}
}

// Two servers each with a monitor of the same name (and uuid) are two
// monitors, each naming its server; they merge the unhealthy first, then
// by name, then in the servers' order.
func TestSameMonitorOnTwoServers(t *testing.T) {
	s, _ := newMulti(t, newFakeClock())
	b, a := s.Feed("b", "B"), s.Feed("a", "A")
	for _, f := range []*store.Feed{a, b} {
		must(t, f.MonitorChanged(ops.MonitorChange{MonitorUUID: "edge", Name: "CDN edge", Status: ops.Up, ChangedAt: 10}))
	}
	must(t, a.MonitorChanged(ops.MonitorChange{MonitorUUID: "api", Name: "API", Status: ops.Up, ChangedAt: 10}))
	must(t, a.MonitorChanged(ops.MonitorChange{MonitorUUID: "db", Name: "DB", Status: ops.Down, ChangedAt: 10}))
	var got []string
	for _, m := range s.State().Monitors {
		got = append(got, m.Server+":"+m.Name)
	}
	if want := "a:DB a:API b:CDN edge a:CDN edge"; fmt.Sprint(got) != "["+want+"]" {
		t.Fatalf("monitors %v, want [%s]", got, want)
	}
}
