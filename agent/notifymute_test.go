package agent

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/warpdesk/warpdesk/settings"
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
			_ = liveFeed(t, a, sv.ID, sv.Name).IncidentCreated(critical("u1"))
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
