package bench

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// plotHerd draws one bar chart per result, stacked, on a shared time axis
// and a shared count axis, into a PNG at path.
func plotHerd(path, title string, rs []herdResult) error {
	const (
		w, panelH       = 1000, 260
		left, right     = 60, 20
		top, gap, axisH = 40, 30, 40
	)
	h := top + len(rs)*panelH + (len(rs)-1)*gap + axisH
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	ink := color.RGBA{40, 40, 40, 255}
	grid := color.RGBA{225, 225, 225, 255}
	colors := []color.RGBA{{31, 119, 180, 255}, {214, 39, 40, 255}}

	nb, peak := 0, 1
	for _, r := range rs {
		nb = max(nb, len(r.buckets))
		if len(r.buckets) > 0 {
			peak = max(peak, slices.Max(r.buckets))
		}
	}
	nb = max(nb, 1)
	plotW := w - left - right
	bw := float64(plotW) / float64(nb)

	text(img, left, 20, title, ink)
	for p, r := range rs {
		y0 := top + p*(panelH+gap) // panel top
		yb := y0 + panelH          // baseline
		// Horizontal grid and count labels.
		for _, frac := range []float64{0, 0.25, 0.5, 0.75, 1} {
			y := yb - int(frac*float64(panelH-20))
			hline(img, left, w-right, y, grid)
			text(img, 5, y+4, fmt.Sprintf("%d", int(frac*float64(peak))), ink)
		}
		c := colors[p%len(colors)]
		for i, v := range r.buckets {
			x0 := left + int(float64(i)*bw)
			x1 := left + int(float64(i+1)*bw)
			if x1-x0 > 2 {
				x1--
			}
			bh := int(float64(v) / float64(peak) * float64(panelH-20))
			draw.Draw(img, image.Rect(x0, yb-bh, x1, yb), image.NewUniform(c), image.Point{}, draw.Src)
		}
		hline(img, left, w-right, yb, ink)
		label := fmt.Sprintf("%s: peak %d per 50 ms, peak/mean %.1f, 99%% after %v",
			r.name, slices.Max(append([]int{0}, r.buckets...)), r.peakMean, r.to99.Round(time.Millisecond))
		text(img, left+10, y0+14, label, c)
		// 99 % marker.
		if r.to99 > 0 {
			x := left + int(float64(r.to99)/float64(herdBucket)*bw)
			for y := y0 + 20; y < yb; y += 4 {
				img.Set(x, y, ink)
				img.Set(x, y+1, ink)
			}
		}
	}
	// Time axis.
	yb := top + len(rs)*panelH + (len(rs)-1)*gap
	total := time.Duration(nb) * herdBucket
	step := 500 * time.Millisecond
	for total/step > 12 {
		step *= 2
	}
	for t := time.Duration(0); t <= total; t += step {
		x := left + int(float64(t)/float64(herdBucket)*bw)
		for y := yb; y < yb+5; y++ {
			img.Set(x, y, ink)
		}
		text(img, x-10, yb+18, fmt.Sprintf("%.1fs", t.Seconds()), ink)
	}
	text(img, left+plotW/2-80, yb+35, "time since the server restarted", ink)

	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func hline(img *image.RGBA, x0, x1, y int, c color.Color) {
	for x := x0; x < x1; x++ {
		img.Set(x, y, c)
	}
}

func text(img *image.RGBA, x, y int, s string, c color.Color) {
	d := &font.Drawer{Dst: img, Src: image.NewUniform(c), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(s)
}
