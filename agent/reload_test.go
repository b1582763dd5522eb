package agent

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/warpdesk/warpdesk/conn"
	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/notify/notifytest"
	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/settings/keyringtest"
)

// A settings file that cannot be read back (corrupted by hand or by a
// crash elsewhere) changes nothing in force: the agent must not take the
// defaults the failed reload leaves behind for a user's edit, which would
// switch a real server to the demo and leave its rooms.
func TestSettingsChangedKeepsSettingsWhenTheFileIsCorrupt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	file, err := settings.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := settings.Save(file, *real("wss://ops.example.com/ws", "ops")); err != nil {
		t.Fatal(err)
	}
	link := &fakeLink{}
	a, err := New(Config{}, Options{
		Prefs:     file,
		Tokens:    settings.NewTokenStore(settings.TokenStoreOptions{Keyring: &keyringtest.Memory{}}),
		Deliverer: notifytest.DelivererFunc(func(notify.Notification) error { return nil }),
		Dial: func(_ conn.Sink, o conn.Options) (Link, error) {
			link.opts, link.server, link.rooms = o, o.Server, o.Rooms
			return link, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	if link.server != "wss://ops.example.com/ws" {
		t.Fatalf("dialled %q", link.server)
	}
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	a.SettingsChanged()
	link.mu.Lock()
	defer link.mu.Unlock()
	if link.server != "wss://ops.example.com/ws" || !slices.Equal(link.rooms, []string{"ops"}) {
		t.Fatalf("after a corrupt file: server %q, rooms %v (calls %v)", link.server, link.rooms, link.calls)
	}
}
