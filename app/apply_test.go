package app

import (
	"slices"
	"testing"

	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/settings"
)

// Saving settings joins and leaves rooms and switches servers live, against
// real demo servers.
func TestApplySettingsLive(t *testing.T) {
	one := startDemo(t, demo.Options{Initial: 2, Seed: 1})
	two := startDemo(t, demo.Options{Initial: 2, Seed: 2})
	old := settings.Default()
	old.ServerURL, old.Rooms = one.URL(), []string{"ops"}
	a := newTestApp(t, Config{ServerURL: old.ServerURL, Rooms: old.Rooms, Token: staticToken(one.Token()), Socket: fastSocket(), Tray: &recTray{}})
	inRooms := func(srv *demo.Server, want ...string) func() bool {
		return func() bool {
			ids := srv.Socket().ConnIDs()
			return len(ids) == 1 && slices.Equal(srv.Socket().Rooms(ids[len(ids)-1]), want)
		}
	}
	eventually(t, "joined ops", inRooms(one, "ops"))

	s := old.Clone()
	s.Rooms = []string{"ops", "payments"}
	if err := a.ApplySettings(old, s); err != nil {
		t.Fatal(err)
	}
	eventually(t, "payments joined without reconnecting", inRooms(one, "ops", "payments"))
	if n := one.Socket().Accepts(); n != 1 {
		t.Fatalf("%d connections: a room change must not reconnect", n)
	}

	old, s = s, s.Clone()
	s.Rooms = []string{"payments"}
	if err := a.ApplySettings(old, s); err != nil {
		t.Fatal(err)
	}
	eventually(t, "ops left", inRooms(one, "payments"))

	old, s = s, s.Clone()
	s.ServerURL = two.URL()
	if err := a.ApplySettings(old, s); err != nil {
		t.Fatal(err)
	}
	eventually(t, "on server two with the same rooms", inRooms(two, "payments"))
	eventually(t, "server one let go", func() bool { return one.Socket().Conns() == 0 })

	bad := s.Clone()
	bad.ServerURL = "http://nope"
	if err := a.ApplySettings(s, bad); err == nil {
		t.Fatal("a non-WebSocket server URL was applied")
	}
}
