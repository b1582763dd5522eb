package agent

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/warpdesk/warpdesk/conn"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/store"
)

// The whole agent on synctest's fake clock: a critical nobody acknowledges
// is notified again every ReAlert of the settings; acknowledged here (the
// store's Acked, no server event) its re-alerts stop; one acknowledged by
// someone else stops too.
func TestAgentReAlertUntilAcknowledged(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := *real("wss://ops.example.com/ws", "ops")
		s.ReAlert = 2 * time.Minute
		prefs := mapPrefs{}
		if err := settings.Save(prefs, s); err != nil {
			t.Fatal(err)
		}
		rec := &noteRecorder{}
		a, err := New(Config{}, Options{
			Prefs: prefs, Tokens: settings.NewTokenStore(settings.TokenStoreOptions{Keyring: &settings.MemoryKeyring{}}),
			Deliverer: rec,
			Dial:      func(conn.Sink, conn.Options) (Link, error) { return &fakeLink{}, nil },
		})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		f := a.st.Feed(settings.DefaultServerID, "")
		_ = f.SetLink(store.LinkStatus{Link: store.LinkLive})
		if _, err := f.CaughtUp(f.BeginCatchUp(), ops.Snapshot{}); err != nil {
			t.Fatal(err)
		}
		for _, u := range []string{"mine", "bobs"} {
			_ = f.IncidentCreated(ops.Incident{UUID: u, Title: u, Severity: ops.Critical, Room: "ops", CreatedAt: time.Now().UnixMilli()})
		}
		synctest.Wait()
		count := func(uuid string) int {
			n := 0
			for _, x := range rec.got() {
				if x.ID == uuid {
					n++
				}
			}
			return n
		}
		if count("mine") != 1 || count("bobs") != 1 {
			t.Fatalf("first notifications %+v", rec.got())
		}
		time.Sleep(2*time.Minute + time.Second)
		synctest.Wait()
		if count("mine") != 2 || count("bobs") != 2 {
			t.Fatalf("after one interval: %+v", rec.got())
		}

		a.st.Acknowledge(settings.DefaultServerID, "mine") // here: Acked, no event
		_ = f.IncidentAcknowledged(ops.Acknowledgement{UUID: "bobs", By: "bob", At: time.Now().UnixMilli()})
		synctest.Wait()
		time.Sleep(time.Hour)
		synctest.Wait()
		if count("mine") != 2 || count("bobs") != 2 {
			t.Fatalf("re-alerted after the acknowledgements: %d, %d", count("mine"), count("bobs"))
		}
	})
}
