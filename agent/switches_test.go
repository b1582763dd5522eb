package agent

import (
	"sync"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/conn"
	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/notify/notifytest"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/settings/keyringtest"
	"github.com/warpdesk/warpdesk/store"
)

// The two switches of the settings file reach the parts at start: whether
// criticals break through a pause to the store and the notifier's rules,
// Compression to the WebSocket client's options.
func TestSwitchesAtStart(t *testing.T) {
	for _, on := range []bool{false, true} {
		saved := real("wss://ops.example.com/ws", "ops")
		saved.PauseCriticals, saved.Compression = on, on
		a, link, _, _ := newTestAgent(t, saved, Config{})
		if got := a.st.State().CriticalsBreakPause; got == on {
			t.Errorf("PauseCriticals %v: store says criticals break through a pause: %v", on, got)
		}
		if got := a.notes.Rules().PauseCriticals; got != on {
			t.Errorf("PauseCriticals %v: the notifier's rules say %v", on, got)
		}
		if got := link.opts.Socket.Compression; got != on {
			t.Errorf("Compression %v: the socket options say %v", on, got)
		}
	}
	// Nothing saved: the defaults (criticals break through, no compression).
	a, link, _, _ := newTestAgent(t, nil, Config{})
	if !a.st.State().CriticalsBreakPause || a.notes.Rules().PauseCriticals || link.opts.Socket.Compression {
		t.Fatalf("defaults: store %v, rules %v, compression %v",
			a.st.State().CriticalsBreakPause, a.notes.Rules().PauseCriticals, link.opts.Socket.Compression)
	}
}

// A change of "criticals break through a pause" saved by the window applies
// at once, through a real store and notifier: during a pause, a critical
// incident notifies while the setting is on, not while it is off.
func TestPauseCriticalsAppliesLive(t *testing.T) {
	var mu sync.Mutex
	var got []string
	prefs := mapPrefs{}
	saved := real("wss://ops.example.com/ws", "ops")
	_ = settings.Save(prefs, *saved)
	a, err := New(Config{}, Options{
		Prefs: prefs, Tokens: settings.NewTokenStore(settings.TokenStoreOptions{Keyring: &keyringtest.Memory{}}),
		Deliverer: notifytest.DelivererFunc(func(n notify.Notification) error {
			mu.Lock()
			got = append(got, n.Summary)
			mu.Unlock()
			return nil
		}),
		Dial: func(conn.Sink, conn.Options) (Link, error) { return &fakeLink{}, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	_ = a.st.SetLink(store.LinkStatus{Link: store.LinkLive})
	if _, err := a.st.CaughtUp(a.st.BeginCatchUp(), ops.Snapshot{}); err != nil {
		t.Fatal(err)
	}
	handed := map[string]bool{}
	defer a.st.SubscribeEvents(func(ev store.Event, _ store.State) {
		if o, ok := ev.(store.Opened); ok {
			mu.Lock()
			handed[o.Incident.UUID] = true
			mu.Unlock()
		}
	})()
	a.st.Pause(time.Now().Add(time.Hour))
	critical := func(uuid string) {
		_ = a.st.IncidentCreated(ops.Incident{UUID: uuid, Title: uuid, Severity: ops.Critical, Room: "ops", CreatedAt: time.Now().UnixMilli()})
	}
	seen := func(summary string) func() bool {
		return func() bool {
			mu.Lock()
			defer mu.Unlock()
			for _, s := range got {
				if s == summary {
					return true
				}
			}
			return false
		}
	}
	critical("first")
	waitFor(t, "the first critical despite the pause", seen("Critical: first"))

	saved.PauseCriticals = true
	_ = settings.Save(prefs, *saved)
	a.SettingsChanged()
	if a.st.State().CriticalsBreakPause || !a.notes.Rules().PauseCriticals {
		t.Fatalf("after turning it off: store %v, rules %v", a.st.State().CriticalsBreakPause, a.notes.Rules().PauseCriticals)
	}
	critical("silenced")
	// The notifier decides on the store's dispatcher goroutine; a
	// subscriber added after the agent's sees the event after the agent
	// has handed it over.
	waitFor(t, "the silenced critical handed to the notifier", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return handed["silenced"]
	})

	saved.PauseCriticals = false
	_ = settings.Save(prefs, *saved)
	a.SettingsChanged()
	critical("third")
	// Events reach the notifier in order: had "silenced" notified, it
	// would be there before "third".
	waitFor(t, "the third critical once criticals break through again", seen("Critical: third"))
	if seen("Critical: silenced")() {
		t.Fatalf("a critical notified during the pause while criticals were paused too: %v", got)
	}
}

// A Compression change is kept in force (and logged); it reaches the
// socket options of the next start.
func TestCompressionChangeIsInForce(t *testing.T) {
	a, _, prefs, _ := newTestAgent(t, real("wss://ops.example.com/ws", "ops"), Config{})
	s := *real("wss://ops.example.com/ws", "ops")
	s.Compression = true
	_ = settings.Save(prefs, s)
	a.SettingsChanged()
	a.mu.Lock()
	cur := a.cur
	a.mu.Unlock()
	if !cur.Compression || !socketOptions(cur.Compression, 0).Compression {
		t.Fatalf("in force %+v", cur)
	}
}
