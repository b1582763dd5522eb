package settings_test

import (
	"testing"

	"github.com/warpdesk/warpdesk/settings"
)

// FuzzLoadServers: whatever a hand-edited settings file holds in its
// servers list, Load neither panics nor returns more servers than the list
// names, and what it returns normalizes and validates without panicking.
func FuzzLoadServers(f *testing.F) {
	f.Add(`[{"id":"default","url":"wss://ops.example.com/ws","rooms":["ops"]}]`)
	f.Add(`[{"id":"a","url":""},{"id":"a","url":" "},{"id":"","name":"\u0000","rooms":["#", "a b"]}]`)
	f.Add(`[{"id":"x","url":"ws://h:99999/ws?token=1#f","catchupURL":"http://[::1"}]`)
	f.Add(`{}`)
	f.Add(`[null, 1, "s"]`)
	f.Fuzz(func(t *testing.T, raw string) {
		p := mapPrefs{}
		p.SetInt(settings.KeyVersion, 2)
		p.SetString(settings.KeyServers, raw)
		s, err := settings.Load(p)
		_ = settings.FieldErrors(err)
		if len(s.Servers) > len(raw) {
			t.Fatalf("%d servers from %d bytes", len(s.Servers), len(raw))
		}
		_ = s.Normalize().Validate()
		_ = settings.TokenChanges(settings.Default(), s)
		_ = settings.Changes(s, settings.Default())
		_ = settings.NewServerID(s.Servers)
	})
}
