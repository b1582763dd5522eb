package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"
)

// The dashboard redraws from the whole State on every change and when a
// time-dependent text moves (about once a minute, see moment.go); these
// setters touch a widget only when what it shows changed, so that a redraw
// repaints only the few texts that moved.

func setText(l *widget.Label, s string) {
	if l.Text != s {
		l.SetText(s)
	}
}

func setResource(i *widget.Icon, r fyne.Resource) {
	if i.Resource == nil || r == nil || i.Resource.Name() != r.Name() {
		i.SetResource(r)
	}
}

func sameColor(a, b color.Color) bool {
	if a == nil || b == nil {
		return a == b
	}
	ar, ag, ab, aa := a.RGBA()
	br, bg, bb, ba := b.RGBA()
	return ar == br && ag == bg && ab == bb && aa == ba
}

func setRectFill(r *canvas.Rectangle, c color.Color) {
	if !sameColor(r.FillColor, c) {
		r.FillColor = c
		r.Refresh()
	}
}

func setCircleFill(d *canvas.Circle, c color.Color) {
	if !sameColor(d.FillColor, c) {
		d.FillColor = c
		d.Refresh()
	}
}

// grow returns views with at least n entries, making the missing ones
// with mk: the dashboard's lists keep their views and reuse them.
func grow[V any](views []V, n int, mk func() V) []V {
	for len(views) < n {
		views = append(views, mk())
	}
	return views
}

// showFirst puts the objects of the first n views (obj(i)) in box, only
// when their number changed: the views themselves are updated in place.
func showFirst(box *fyne.Container, n int, obj func(i int) fyne.CanvasObject) {
	if len(box.Objects) == n {
		return
	}
	objs := make([]fyne.CanvasObject, n)
	for i := range n {
		objs[i] = obj(i)
	}
	box.Objects = objs
	box.Refresh()
}
