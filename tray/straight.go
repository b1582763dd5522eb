package tray

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
)

// fyne.io/systray turns the icon into the StatusNotifierItem pixmap with
// img.At(x, y).RGBA(), which is alpha-premultiplied and 16-bit, and keeps
// the low byte of each value: right for opaque and transparent pixels, but
// noise for the anti-aliased edge (a dark, speckled rim on every icon).
// So on Linux the tray hands it icons in a format of our own, registered
// with package image, whose colours report straight 8-bit values doubled to
// 16 bits: the low byte systray keeps is then exactly the non-premultiplied
// ARGB the spec asks for.

// straightMagic starts an icon in the straight format: the magic, width and
// height as big-endian uint32, then the NRGBA pixels row by row.
const straightMagic = "\x00warpdesk-straight-nrgba\x00"

// maxStraightSide bounds what the decoder accepts, so bad input cannot
// make it allocate without bound.
const maxStraightSide = 1024

var errStraight = errors.New("tray: not a straight-alpha icon")

func init() {
	image.RegisterFormat("warpdesk-straight-nrgba", straightMagic, decodeStraight, decodeStraightConfig)
}

// straightFromPNG re-encodes a PNG in the straight format.
func straightFromPNG(data []byte) ([]byte, error) {
	src, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	b := src.Bounds()
	img := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			img.Set(x, y, src.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	out := append([]byte(straightMagic), make([]byte, 8)...)
	binary.BigEndian.PutUint32(out[len(straightMagic):], uint32(b.Dx()))
	binary.BigEndian.PutUint32(out[len(straightMagic)+4:], uint32(b.Dy()))
	return append(out, img.Pix...), nil
}

func decodeStraightConfig(r io.Reader) (image.Config, error) {
	head := make([]byte, len(straightMagic)+8)
	if _, err := io.ReadFull(r, head); err != nil || string(head[:len(straightMagic)]) != straightMagic {
		return image.Config{}, errStraight
	}
	w := binary.BigEndian.Uint32(head[len(straightMagic):])
	h := binary.BigEndian.Uint32(head[len(straightMagic)+4:])
	if w == 0 || h == 0 || w > maxStraightSide || h > maxStraightSide {
		return image.Config{}, errStraight
	}
	return image.Config{ColorModel: color.NRGBAModel, Width: int(w), Height: int(h)}, nil
}

func decodeStraight(r io.Reader) (image.Image, error) {
	cfg, err := decodeStraightConfig(r)
	if err != nil {
		return nil, err
	}
	img := image.NewNRGBA(image.Rect(0, 0, cfg.Width, cfg.Height))
	if _, err := io.ReadFull(r, img.Pix); err != nil {
		return nil, errStraight
	}
	return straightImage{img}, nil
}

// straightImage is an NRGBA image whose At reports straight colours.
type straightImage struct{ *image.NRGBA }

func (s straightImage) At(x, y int) color.Color { return straightColor(s.NRGBAAt(x, y)) }

// straightColor deliberately breaks color.Color's premultiplication rule:
// RGBA returns each straight 8-bit channel doubled to 16 bits (v*0x101), so
// that fyne.io/systray's low-byte conversion yields it unchanged. Only the
// tray's icons, decoded by systray, are ever of this type.
type straightColor color.NRGBA

func (c straightColor) RGBA() (r, g, b, a uint32) {
	return uint32(c.R) * 0x101, uint32(c.G) * 0x101, uint32(c.B) * 0x101, uint32(c.A) * 0x101
}
