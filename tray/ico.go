package tray

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image/png"
	"runtime"
)

// osIcon is the icon as fyne.io/systray wants it on this system: an .ico
// file's bytes on Windows (it loads the icon with LoadImage), a PNG on
// macOS, and on Linux and the BSDs the straight-alpha format (see
// straight.go) that survives its pixmap conversion. Our PNGs are known
// good; were one not, it is passed on unchanged and systray logs why it
// cannot load it.
func osIcon(png []byte) []byte {
	var out []byte
	var err error
	switch runtime.GOOS {
	case "windows":
		out, err = icoFromPNG(png)
	case "darwin":
		return png
	default:
		out, err = straightFromPNG(png)
	}
	if err != nil {
		return png
	}
	return out
}

// icoFromPNG wraps a PNG in a one-image .ico container (a PNG-compressed
// entry, which Windows reads since Vista). fyne.io/systray on Windows
// writes the icon bytes to a file and loads it with LoadImage(IMAGE_ICON),
// which reads .ico files only: a bare PNG would leave the tray blank.
func icoFromPNG(data []byte) ([]byte, error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("tray: icon: %w", err)
	}
	if cfg.Width > 256 || cfg.Height > 256 {
		return nil, fmt.Errorf("tray: icon: %dx%d is larger than an .ico entry allows", cfg.Width, cfg.Height)
	}
	side := func(n int) uint8 { return uint8(n % 256) } // 0 means 256
	var b bytes.Buffer
	le := binary.LittleEndian
	b.Write(le.AppendUint16(nil, 0)) // reserved
	b.Write(le.AppendUint16(nil, 1)) // type: icon
	b.Write(le.AppendUint16(nil, 1)) // one image
	b.Write([]byte{side(cfg.Width), side(cfg.Height), 0, 0})
	b.Write(le.AppendUint16(nil, 1))                 // colour planes
	b.Write(le.AppendUint16(nil, 32))                // bits per pixel
	b.Write(le.AppendUint32(nil, uint32(len(data)))) // image size
	b.Write(le.AppendUint32(nil, 6+16))              // image offset
	b.Write(data)
	return b.Bytes(), nil
}
