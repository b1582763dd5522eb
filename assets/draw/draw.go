// Package draw renders Warpdesk's icons with plain image code, so the PNGs in
// assets/ can be regenerated (go run ./assets/gen) and checked by a test.
//
// Every shape is evaluated per sub-sample (4x4 per pixel) and averaged, which
// gives anti-aliased edges without any third-party rasteriser.
package draw

import (
	"image"
	"image/color"
	stddraw "image/draw"
	"math"
)

// Shape reports whether the point (x, y), in icon units where the icon spans
// 0..1 on both axes, is inside the shape.
type Shape func(x, y float64) bool

// Layer is a shape painted in one colour.
type Layer struct {
	Shape Shape
	Color color.NRGBA
}

// Render paints layers, in order, onto a transparent size x size image.
func Render(size int, layers ...Layer) *image.NRGBA {
	const ss = 4 // sub-samples per axis
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var r, g, b, a float64 // premultiplied accumulation
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					x := (float64(px) + (float64(sx)+0.5)/ss) / float64(size)
					y := (float64(py) + (float64(sy)+0.5)/ss) / float64(size)
					var cr, cg, cb, ca float64
					for _, l := range layers {
						if !l.Shape(x, y) {
							continue
						}
						la := float64(l.Color.A) / 255
						cr = float64(l.Color.R)/255*la + cr*(1-la)
						cg = float64(l.Color.G)/255*la + cg*(1-la)
						cb = float64(l.Color.B)/255*la + cb*(1-la)
						ca = la + ca*(1-la)
					}
					r, g, b, a = r+cr, g+cg, b+cb, a+ca
				}
			}
			n := float64(ss * ss)
			r, g, b, a = r/n, g/n, b/n, a/n
			if a == 0 {
				continue
			}
			img.SetNRGBA(px, py, color.NRGBA{
				R: clamp(r / a), G: clamp(g / a), B: clamp(b / a), A: clamp(a),
			})
		}
	}
	return img
}

func clamp(v float64) uint8 {
	v = math.Round(v * 255)
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v)
}

// Circle is a disc centred on (cx, cy).
func Circle(cx, cy, r float64) Shape {
	return func(x, y float64) bool { return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r }
}

// RoundRect is a rectangle with rounded corners of radius rad.
func RoundRect(x0, y0, x1, y1, rad float64) Shape {
	return func(x, y float64) bool {
		if x < x0 || x > x1 || y < y0 || y > y1 {
			return false
		}
		cx := math.Max(x0+rad, math.Min(x, x1-rad))
		cy := math.Max(y0+rad, math.Min(y, y1-rad))
		return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= rad*rad
	}
}

// Polyline is a stroke of width w through the points (x0, y0, x1, y1, ...),
// with round caps and joins.
func Polyline(w float64, pts ...float64) Shape {
	h := w / 2
	return func(x, y float64) bool {
		for i := 0; i+3 < len(pts); i += 2 {
			if segDist(x, y, pts[i], pts[i+1], pts[i+2], pts[i+3]) <= h {
				return true
			}
		}
		return false
	}
}

func segDist(x, y, ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = math.Max(0, math.Min(1, ((x-ax)*dx+(y-ay)*dy)/l2))
	}
	px, py := ax+t*dx-x, ay+t*dy-y
	return math.Hypot(px, py)
}

// Arc is a stroke of width w along the circle (cx, cy, r) from angle a0 to a1
// (radians, clockwise from 3 o'clock in screen coordinates), with round caps.
func Arc(cx, cy, r, w, a0, a1 float64) Shape {
	h := w / 2
	inArc := func(a float64) bool {
		for a < a0 {
			a += 2 * math.Pi
		}
		return a <= a1
	}
	return func(x, y float64) bool {
		d := math.Hypot(x-cx, y-cy)
		if math.Abs(d-r) <= h && inArc(math.Atan2(y-cy, x-cx)) {
			return true
		}
		for _, a := range []float64{a0, a1} {
			ex, ey := cx+r*math.Cos(a), cy+r*math.Sin(a)
			if math.Hypot(x-ex, y-ey) <= h {
				return true
			}
		}
		return false
	}
}

// Triangle is the filled triangle with the given corners.
func Triangle(ax, ay, bx, by, cx, cy float64) Shape {
	return func(x, y float64) bool {
		d1 := (x-bx)*(ay-by) - (ax-bx)*(y-by)
		d2 := (x-cx)*(by-cy) - (bx-cx)*(y-cy)
		d3 := (x-ax)*(cy-ay) - (cx-ax)*(y-ay)
		neg := d1 < 0 || d2 < 0 || d3 < 0
		pos := d1 > 0 || d2 > 0 || d3 > 0
		return !(neg && pos)
	}
}

// Palette used by the icons and, for consistency, by the dashboard.
var (
	White    = color.NRGBA{0xff, 0xff, 0xff, 0xff}
	Navy     = color.NRGBA{0x1b, 0x26, 0x3b, 0xff}
	Teal     = color.NRGBA{0x1f, 0xb5, 0x96, 0xff}
	Green    = color.NRGBA{0x2e, 0xa0, 0x43, 0xff}
	Amber    = color.NRGBA{0xe0, 0x8e, 0x0b, 0xff}
	Grey     = color.NRGBA{0x6b, 0x72, 0x80, 0xff}
	Red      = color.NRGBA{0xd0, 0x21, 0x2b, 0xff}
	Slate    = color.NRGBA{0x3b, 0x4a, 0x6b, 0xff}
	Blue     = color.NRGBA{0x25, 0x63, 0xeb, 0xff}
	DarkEdge = color.NRGBA{0x00, 0x00, 0x00, 0x40}
)

// pulse is the Warpdesk mark: a heartbeat line across the middle.
func pulse(w float64) Shape {
	return Polyline(w,
		0.18, 0.54, 0.36, 0.54, 0.44, 0.34, 0.54, 0.72, 0.62, 0.48, 0.66, 0.54, 0.82, 0.54)
}

// disc is the round badge every tray icon is built on, with a faint dark rim
// so it reads on light and dark panels alike.
func disc(c color.NRGBA) []Layer {
	return []Layer{
		{Circle(0.5, 0.5, 0.48), DarkEdge},
		{Circle(0.5, 0.5, 0.45), c},
	}
}

// App is the application icon: a navy rounded square with the teal pulse.
func App(size int) *image.NRGBA {
	return Render(size,
		Layer{RoundRect(0.04, 0.04, 0.96, 0.96, 0.2), Navy},
		Layer{Circle(0.5, 0.5, 0.34), color.NRGBA{0x26, 0x34, 0x50, 0xff}},
		Layer{pulse(0.075), Teal},
	)
}

// TrayLive: green disc, white pulse: connected and receiving.
func TrayLive(size int) *image.NRGBA {
	return Render(size, append(disc(Green), Layer{pulse(0.09), White})...)
}

// TrayReconnecting: amber disc, white circular arrow: trying to get back.
func TrayReconnecting(size int) *image.NRGBA {
	return Render(size, append(disc(Amber),
		Layer{Arc(0.5, 0.5, 0.24, 0.09, -math.Pi/2+0.5, 1.5*math.Pi-0.2), White},
		Layer{Triangle(0.50, 0.12, 0.50, 0.40, 0.68, 0.26), White},
	)...)
}

// TrayOffline: grey disc, flat line with a slash: not connected.
func TrayOffline(size int) *image.NRGBA {
	return Render(size, append(disc(Grey),
		Layer{Polyline(0.09, 0.20, 0.54, 0.80, 0.54), White},
		Layer{Polyline(0.09, 0.30, 0.78, 0.70, 0.22), White},
	)...)
}

// TrayCritical: red disc, white exclamation mark: a critical incident nobody
// has acknowledged yet.
func TrayCritical(size int) *image.NRGBA {
	return Render(size, critical()...)
}

// TrayCriticalPartial: the critical icon with a grey badge in its upper
// right corner: a critical incident nobody has acknowledged on a live
// server, while another server is down or unknown.
func TrayCriticalPartial(size int) *image.NRGBA {
	return Render(size, append(critical(), partialMark()...)...)
}

// critical is TrayCritical's layers.
func critical() []Layer {
	return append(disc(Red),
		Layer{Polyline(0.12, 0.5, 0.22, 0.5, 0.58), White},
		Layer{Circle(0.5, 0.76, 0.07), White},
	)
}

// partialMark is TrayCriticalPartial's badge in the upper right corner,
// clear of the exclamation mark and of the pause badge: a white dash on a
// grey disc, ringed in white (not every server is live).
func partialMark() []Layer {
	return []Layer{
		{Circle(0.78, 0.22, 0.20), DarkEdge},
		{Circle(0.78, 0.22, 0.185), White},
		{Circle(0.78, 0.22, 0.145), Grey},
		{RoundRect(0.69, 0.195, 0.87, 0.245, 0.02), White},
	}
}

// TrayUnknown: slate disc, white question mark: not connected since start
// (or caught up on nothing yet), so the incident list proves nothing.
func TrayUnknown(size int) *image.NRGBA {
	return Render(size, append(disc(Slate),
		Layer{Arc(0.5, 0.37, 0.14, 0.10, -math.Pi, math.Pi/2), White},
		Layer{Polyline(0.10, 0.5, 0.51, 0.5, 0.58), White},
		Layer{Circle(0.5, 0.76, 0.065), White},
	)...)
}

// pauseMark is the badge Paused puts in the lower right corner: two white
// bars on a blue disc, ringed in white so it reads on any base icon.
func pauseMark() []Layer {
	return []Layer{
		{Circle(0.74, 0.74, 0.26), DarkEdge},
		{Circle(0.74, 0.74, 0.245), White},
		{Circle(0.74, 0.74, 0.20), Blue},
		{RoundRect(0.655, 0.63, 0.715, 0.85, 0.02), White},
		{RoundRect(0.765, 0.63, 0.825, 0.85, 0.02), White},
	}
}

// Paused returns base with the pause badge over its lower right corner:
// notifications are paused, whatever the connection shows.
func Paused(base *image.NRGBA) *image.NRGBA {
	size := base.Bounds().Dx()
	out := image.NewNRGBA(base.Bounds())
	stddraw.Draw(out, out.Bounds(), base, base.Bounds().Min, stddraw.Src)
	mark := Render(size, pauseMark()...)
	stddraw.Draw(out, out.Bounds(), mark, mark.Bounds().Min, stddraw.Over)
	return out
}

// Icon is one generated file.
type Icon struct {
	// File is the path below assets/.
	File string
	Img  *image.NRGBA
}

// TrayDir is the directory below assets/ of the tray icons (package
// assets/trayicon, which imports no GUI toolkit).
const TrayDir = "trayicon"

// All returns every icon Warpdesk ships, with its path below assets/. Each
// tray icon has a "-paused" variant carrying the pause badge.
func All() []Icon {
	icons := []Icon{
		{"icon.png", App(256)},
		{"icon-64.png", App(64)},
	}
	for _, t := range []struct {
		name string
		draw func(int) *image.NRGBA
	}{
		{"live", TrayLive},
		{"reconnecting", TrayReconnecting},
		{"offline", TrayOffline},
		{"critical", TrayCritical},
		{"critical-partial", TrayCriticalPartial},
		{"unknown", TrayUnknown},
	} {
		img := t.draw(64)
		icons = append(icons,
			Icon{TrayDir + "/tray-" + t.name + ".png", img},
			Icon{TrayDir + "/tray-" + t.name + "-paused.png", Paused(img)})
	}
	return icons
}
