package assets

import (
	"bytes"
	"image"
	"image/png"
	"testing"

	"github.com/warpdesk/warpdesk/assets/draw"
)

func TestIconsAreRealPNGs(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		size int
	}{
		{"icon.png", AppIcon.Content(), 256},
		{"tray-live.png", TrayLive.Content(), 64},
		{"tray-reconnecting.png", TrayReconnecting.Content(), 64},
		{"tray-offline.png", TrayOffline.Content(), 64},
		{"tray-critical.png", TrayCritical.Content(), 64},
	} {
		cfg, err := png.DecodeConfig(bytes.NewReader(tc.data))
		if err != nil {
			t.Errorf("%s: not a PNG: %v", tc.name, err)
			continue
		}
		if cfg.Width != tc.size || cfg.Height != tc.size {
			t.Errorf("%s: %dx%d, want %dx%d", tc.name, cfg.Width, cfg.Height, tc.size, tc.size)
		}
	}
}

func TestTrayIconsDiffer(t *testing.T) {
	all := [][]byte{TrayLive.Content(), TrayReconnecting.Content(), TrayOffline.Content(), TrayCritical.Content()}
	for i := range all {
		for j := i + 1; j < len(all); j++ {
			if bytes.Equal(all[i], all[j]) {
				t.Errorf("tray icons %d and %d are identical", i, j)
			}
		}
	}
}

// TestIconsUpToDate checks the committed PNGs are what the drawing code
// produces, so nobody edits one without the other.
func TestIconsUpToDate(t *testing.T) {
	embedded := map[string][]byte{
		"icon.png":              AppIcon.Content(),
		"icon-64.png":           NotifyIcon.Content(),
		"tray-live.png":         TrayLive.Content(),
		"tray-reconnecting.png": TrayReconnecting.Content(),
		"tray-offline.png":      TrayOffline.Content(),
		"tray-critical.png":     TrayCritical.Content(),
	}
	for _, ic := range draw.All() {
		data, ok := embedded[ic.File]
		if !ok {
			t.Errorf("%s is generated but not embedded", ic.File)
			continue
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", ic.File, err)
		}
		if !samePixels(img, ic.Img) {
			t.Errorf("%s is out of date: run go run ./assets/gen", ic.File)
		}
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
