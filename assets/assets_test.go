package assets

import (
	"bytes"
	"image"
	"image/png"
	"maps"
	"slices"
	"testing"

	"github.com/warpdesk/warpdesk/assets/draw"
	"github.com/warpdesk/warpdesk/assets/trayicon"
)

// embedded is every shipped icon by its path below assets/.
func embedded() map[string][]byte {
	m := trayFiles()
	m["icon.png"] = AppIcon.Content()
	m["icon-64.png"] = NotifyIcon.Content()
	return m
}

func TestIconsAreRealPNGs(t *testing.T) {
	for name, data := range embedded() {
		want := 64
		if name == "icon.png" {
			want = 256
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			t.Errorf("%s: not a PNG: %v", name, err)
			continue
		}
		if cfg.Width != want || cfg.Height != want {
			t.Errorf("%s: %dx%d, want %dx%d", name, cfg.Width, cfg.Height, want, want)
		}
	}
}

func TestTrayIconsDiffer(t *testing.T) {
	files := trayFiles()
	names := slices.Sorted(maps.Keys(files))
	for i, a := range names {
		for _, b := range names[i+1:] {
			if bytes.Equal(files[a], files[b]) {
				t.Errorf("tray icons %s and %s are identical", a, b)
			}
		}
	}
}

// TestResourcesShareTheTrayBytes checks the Fyne resources are the
// trayicon package's bytes, not copies that could drift.
func TestResourcesShareTheTrayBytes(t *testing.T) {
	for _, tc := range []struct {
		got, want []byte
	}{
		{TrayLive.Content(), trayicon.Live},
		{TrayReconnecting.Content(), trayicon.Reconnecting},
		{TrayOffline.Content(), trayicon.Offline},
		{TrayCritical.Content(), trayicon.Critical},
	} {
		if !bytes.Equal(tc.got, tc.want) {
			t.Error("a tray resource differs from its trayicon bytes")
		}
	}
}

// TestIconsUpToDate checks the committed PNGs are what the drawing code
// produces, so nobody edits one without the other, and that every drawn
// icon ships.
func TestIconsUpToDate(t *testing.T) {
	files := embedded()
	for _, ic := range draw.All() {
		data, ok := files[ic.File]
		if !ok {
			t.Errorf("%s is generated but not embedded", ic.File)
			continue
		}
		delete(files, ic.File)
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", ic.File, err)
		}
		if !samePixels(img, ic.Img) {
			t.Errorf("%s is out of date: run go run ./assets/gen", ic.File)
		}
	}
	for name := range files {
		t.Errorf("%s is embedded but not drawn", name)
	}
}

// TestPausedKeepsTheBase checks the pause badge leaves the upper left of
// the base icon alone: the state stays readable under the badge.
func TestPausedKeepsTheBase(t *testing.T) {
	base := draw.TrayLive(64)
	p := draw.Paused(base)
	if p.NRGBAAt(16, 32) != base.NRGBAAt(16, 32) {
		t.Error("the badge changed the left of the icon")
	}
	if p.NRGBAAt(47, 47) == base.NRGBAAt(47, 47) {
		t.Error("no badge in the lower right corner")
	}
	if base.NRGBAAt(47, 47) != draw.TrayLive(64).NRGBAAt(47, 47) {
		t.Error("Paused modified its argument")
	}
}

func samePixels(a image.Image, b *image.NRGBA) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			r1, g1, b1, a1 := a.At(x, y).RGBA()
			r2, g2, b2, a2 := b.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				return false
			}
		}
	}
	return true
}

// trayFiles maps each tray icon's path below assets/ (as assets/draw names
// it) to its embedded bytes.
func trayFiles() map[string][]byte {
	return map[string][]byte{
		"trayicon/tray-live.png":                    trayicon.Live,
		"trayicon/tray-live-paused.png":             trayicon.LivePaused,
		"trayicon/tray-critical.png":                trayicon.Critical,
		"trayicon/tray-critical-paused.png":         trayicon.CriticalPaused,
		"trayicon/tray-critical-partial.png":        trayicon.CriticalPartial,
		"trayicon/tray-critical-partial-paused.png": trayicon.CriticalPartialPaused,
		"trayicon/tray-reconnecting.png":            trayicon.Reconnecting,
		"trayicon/tray-reconnecting-paused.png":     trayicon.ReconnectingPaused,
		"trayicon/tray-offline.png":                 trayicon.Offline,
		"trayicon/tray-offline-paused.png":          trayicon.OfflinePaused,
		"trayicon/tray-unknown.png":                 trayicon.Unknown,
		"trayicon/tray-unknown-paused.png":          trayicon.UnknownPaused,
	}
}
