package agent

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/store"
)

// A muted server (settings.Server.Muted) is watched but never notifies:
// its incidents are in the list, the other server's notify as usual.
func TestAgentMutedServer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := settings.Default()
		s.Servers = []settings.Server{
			{ID: "prod", Name: "Production", URL: "wss://prod.example.com/ws"},
			{ID: "lab", Name: "Lab", URL: "wss://lab.example.com/ws", Muted: true},
		}
		rec := &noteRecorder{}
		a := notifyAgent(t, s, rec)
		for _, sv := range s.Servers {
			f := a.st.Feed(sv.ID, sv.Name)
			_ = f.SetLink(store.LinkStatus{Link: store.LinkLive})
			if _, err := f.CaughtUp(f.BeginCatchUp(), ops.Snapshot{}); err != nil {
				t.Fatal(err)
			}
			_ = f.IncidentCreated(ops.Incident{UUID: "u1", Title: "DB down", Severity: ops.Critical, Room: "ops", CreatedAt: time.Now().UnixMilli()})
		}
		time.Sleep(time.Minute)
		synctest.Wait()
		if n := len(a.st.State().Incidents); n != 2 {
			t.Fatalf("%d incidents listed, want both servers'", n)
		}
		got := rec.got()
		if len(got) != 1 || got[0].Server != "prod" {
			t.Fatalf("notifications %+v: want Production's only", got)
		}
	})
}
