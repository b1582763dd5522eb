package tray

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"testing"
)

// TestStraightKeepsEdgesFyneSystrayWouldSpoil decodes the straight format
// as fyne.io/systray does (image.Decode, then the low byte of each RGBA
// value) and checks every pixel comes out as the PNG's straight colour,
// anti-aliased edge included; the PNG itself would not.
func TestStraightKeepsEdgesFyneSystrayWouldSpoil(t *testing.T) {
	src := IconLive.PNG(true)
	want, err := png.Decode(bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	lowBytes := func(c color.Color) color.NRGBA {
		r, g, b, a := c.RGBA()
		return color.NRGBA{byte(r), byte(g), byte(b), byte(a)}
	}
	spoiled := 0
	for y := 0; y < 64; y++ {
		for x := 0; x < 64; x++ {
			if lowBytes(want.At(x, y)) != want.(*image.NRGBA).NRGBAAt(x, y) {
				spoiled++
			}
		}
	}
	if spoiled == 0 {
		t.Fatal("the PNG has no pixel the conversion spoils: the test proves nothing")
	}

	data, err := straightFromPNG(src)
	if err != nil {
		t.Fatal(err)
	}
	got, format, err := image.Decode(bytes.NewReader(data))
	if err != nil || format != "warpdesk-straight-nrgba" {
		t.Fatalf("image.Decode: %v, %q", err, format)
	}
	if got.Bounds() != want.Bounds() {
		t.Fatalf("bounds %v, want %v", got.Bounds(), want.Bounds())
	}
	for y := 0; y < 64; y++ {
		for x := 0; x < 64; x++ {
			if g, w := lowBytes(got.At(x, y)), want.(*image.NRGBA).NRGBAAt(x, y); g != w {
				t.Fatalf("pixel %d,%d: %v, want %v", x, y, g, w)
			}
		}
	}
}

func TestStraightRejectsBadInput(t *testing.T) {
	head := func(w, h uint32) []byte {
		b := append([]byte(straightMagic), make([]byte, 8)...)
		binary.BigEndian.PutUint32(b[len(straightMagic):], w)
		binary.BigEndian.PutUint32(b[len(straightMagic)+4:], h)
		return b
	}
	for name, in := range map[string][]byte{
		"empty":        nil,
		"magic only":   []byte(straightMagic),
		"no pixels":    head(2, 2),
		"short pixels": append(head(2, 2), 1, 2, 3),
		"zero size":    head(0, 5),
		"huge":         head(1<<31, 1<<31), // must not allocate
	} {
		if _, _, err := image.Decode(bytes.NewReader(in)); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
	if _, err := straightFromPNG([]byte("not a png")); err == nil {
		t.Error("straightFromPNG accepted a non-PNG")
	}
}
