//go:build linux && !nodbus

package agent

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/conn"
	"github.com/warpdesk/warpdesk/internal/dbustest"
	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/notify/notifytest"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/settings/keyringtest"
	"github.com/warpdesk/warpdesk/store"
)

// ackLink is a fakeLink that acknowledges on a "server": it records the
// request and answers as the server would, into the store.
type ackLink struct {
	fakeLink
	st    conn.Sink
	asked chan string
}

func (l *ackLink) Acknowledge(_ context.Context, uuid string) (ops.Acknowledgement, error) {
	l.asked <- uuid
	a := ops.Acknowledgement{UUID: uuid, By: "alice", At: time.Now().UnixMilli()}
	return a, l.st.IncidentAcknowledged(a)
}

// The agent's own notifications, over a real private session bus into the
// recording server: "Acknowledge" on one asks the server (the link) and
// marks it here; an incident acknowledged by someone else or resolved has
// its notification closed; others stay.
func TestNotificationAcknowledge(t *testing.T) {
	bus := dbustest.Start(t, dbustest.Session)
	srv := notifytest.Start(t, bus.Address, notifytest.Options{})
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", bus.Address)
	prefs := mapPrefs{}
	_ = settings.Save(prefs, *real("wss://ops.example.com/ws", "ops"))
	link := &ackLink{asked: make(chan string, 4)}
	a, err := New(Config{}, Options{
		Prefs: prefs, Tokens: settings.NewTokenStore(settings.TokenStoreOptions{Keyring: &keyringtest.Memory{}}),
		Dial: func(st conn.Sink, _ conn.Options) (Link, error) { link.st = st; return link, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	f := a.st.Feed(settings.DefaultServerID, "") // the server's inputs
	_ = f.SetLink(store.LinkStatus{Link: store.LinkLive})
	if _, err := f.CaughtUp(f.BeginCatchUp(), ops.Snapshot{}); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UnixMilli()
	for _, u := range []string{"mine", "bobs", "fixed"} {
		_ = f.IncidentCreated(ops.Incident{UUID: u, Title: u, Severity: ops.Critical, Room: "ops", CreatedAt: now})
	}
	calls := srv.WaitCalls(t, 3)
	nid := map[string]uint32{}
	for _, c := range calls {
		if !c.HasAction(notify.ActionAcknowledge) || !c.HasAction(notify.ActionDefault) {
			t.Fatalf("%s: actions %q", c.Summary, c.Actions)
		}
		nid[c.Summary[len("Critical: "):]] = c.ID
	}
	// The notifier delivers one at a time: the reply to the first call was
	// stored before the second was made, so the first can be acted on.
	if calls[0].ID != nid["mine"] {
		t.Fatalf("first call %+v, want mine's", calls[0])
	}
	if err := srv.Invoke(nid["mine"], notify.ActionAcknowledge); err != nil {
		t.Fatal(err)
	}
	select {
	case u := <-link.asked:
		if u != "mine" {
			t.Fatalf("the link was asked to acknowledge %q", u)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Acknowledge on the notification never reached the link")
	}
	waitFor(t, "mine acknowledged here and by alice", func() bool {
		for _, in := range a.st.State().Incidents {
			if in.UUID == "mine" {
				return in.Acked && in.AcknowledgedBy == "alice"
			}
		}
		return false
	})

	_ = f.IncidentAcknowledged(ops.Acknowledgement{UUID: "bobs", By: "bob", At: now})
	waitFor(t, "bob's acknowledgement closing its notification", func() bool {
		return slices.Equal(srv.Open(), []uint32{nid["fixed"]})
	})
	_ = f.IncidentResolved("fixed")
	waitFor(t, "the resolution closing its notification", func() bool { return len(srv.Open()) == 0 })

}
