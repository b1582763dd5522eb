package tray

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/png"
	"testing"
)

func TestICOFromPNG(t *testing.T) {
	src := IconLive.PNG(true)
	ico, err := icoFromPNG(src)
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	if le.Uint16(ico[0:]) != 0 || le.Uint16(ico[2:]) != 1 || le.Uint16(ico[4:]) != 1 {
		t.Fatalf("ICONDIR % x", ico[:6])
	}
	e := ico[6:22]
	size, off := le.Uint32(e[8:]), le.Uint32(e[12:])
	if e[0] != 64 || e[1] != 64 || le.Uint16(e[4:]) != 1 || le.Uint16(e[6:]) != 32 {
		t.Errorf("ICONDIRENTRY % x", e)
	}
	if int(off) != 22 || int(size) != len(src) || !bytes.Equal(ico[off:], src) {
		t.Fatalf("the entry does not hold the PNG (offset %d, size %d of %d)", off, size, len(ico))
	}
	if _, err := png.Decode(bytes.NewReader(ico[off : off+size])); err != nil {
		t.Errorf("the entry's PNG: %v", err)
	}
}

func TestICOFromPNGRejectsBadInput(t *testing.T) {
	var big bytes.Buffer
	if err := png.Encode(&big, image.NewNRGBA(image.Rect(0, 0, 300, 300))); err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string][]byte{"not a PNG": []byte("not a png"), "nothing": nil, "300x300": big.Bytes()} {
		if _, err := icoFromPNG(in); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
