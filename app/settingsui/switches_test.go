package settingsui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/warpdesk/warpdesk/settings"
)

// The two switches: "criticals notify during a pause" (on by default) and
// "compress traffic" (off by default) show the settings, and toggling them
// saves them to the prefs and hands them to Apply; a form opened on the
// saved settings shows them again.
func TestPauseCriticalsAndCompressionSwitches(t *testing.T) {
	h := open(t, current(), nil)
	f := h.f
	if !f.criticalsBreak.Checked || f.compression.Checked {
		t.Fatalf("defaults shown: criticals break through %v, compression %v; want true, false", f.criticalsBreak.Checked, f.compression.Checked)
	}
	test.Tap(f.criticalsBreak)
	test.Tap(f.compression)
	h.save(t)
	s, _ := h.got.last(t)
	if !s.PauseCriticals || !s.Compression {
		t.Fatalf("applied %+v; want PauseCriticals and Compression", s)
	}
	stored, err := settings.Load(h.app.Preferences())
	if err != nil || !stored.PauseCriticals || !stored.Compression {
		t.Fatalf("stored %+v, %v", stored, err)
	}
	if !strings.HasPrefix(shown(f.status), "Saved and applied.") {
		t.Fatalf("status %q", shown(f.status))
	}

	again := open(t, stored, nil)
	if again.f.criticalsBreak.Checked || !again.f.compression.Checked {
		t.Fatalf("reopened: criticals break through %v, compression %v; want false, true", again.f.criticalsBreak.Checked, again.f.compression.Checked)
	}
	test.Tap(again.f.criticalsBreak)
	again.save(t)
	if s, _ := again.got.last(t); s.PauseCriticals || !s.Compression {
		t.Fatalf("applied %+v; want criticals breaking through again, compression kept", s)
	}
}
