package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/warpdesk/warpdesk/store"
)

// monitorRows lists the monitors, one reused label per monitor.
type monitorRows struct {
	views []*monitorView
	empty *widget.Label
	box   *fyne.Container
}

// monitorView is one monitor: a status bar and icon, and its line
// ("Staging · CDN edge — Up, 3 min ago"), under a veil that dims it while
// its server's list is not current.
type monitorView struct {
	bar    *canvas.Rectangle
	icon   *widget.Icon
	Line   *widget.Label
	veil   *canvas.Rectangle
	object fyne.CanvasObject
}

func newMonitorRows() *monitorRows {
	return &monitorRows{empty: widget.NewLabel("No monitor reports yet."), box: container.NewVBox()}
}

func newMonitorView() *monitorView {
	v := &monitorView{bar: canvas.NewRectangle(theme.Color(theme.ColorNameDisabled)), icon: widget.NewIcon(nil),
		Line: widget.NewLabel(""), veil: canvas.NewRectangle(color.Transparent)}
	v.bar.SetMinSize(fyne.NewSize(4, 1))
	v.Line.Wrapping = fyne.TextWrapWord
	v.object = container.NewStack(container.NewBorder(nil, nil, container.NewHBox(v.bar, v.icon), nil, v.Line), v.veil)
	return v
}

// set draws mc: with several servers its line names the server; while
// the server's list is not current (even with one server) the line says
// "as of" that server's time instead of a fresh age, and is dimmed, as
// its incident rows are (rowContext.mark).
func (v *monitorView) set(mc store.Monitor, rc *rowContext, m *moment) {
	look := monitorLook(mc.Status)
	setRectFill(v.bar, look.Color)
	setResource(v.icon, look.Icon)
	when := rc.mark(mc.Server, v.veil, m)
	if when == "" {
		when = m.age(mc.Changed())
	}
	line := monitorLine(mc.MonitorChange, when)
	if name, ok := rc.names[mc.Server]; ok {
		line = name + " · " + line
	}
	setText(v.Line, line)
}

func (r *monitorRows) set(ms []store.Monitor, rc *rowContext, m *moment) {
	for len(r.views) < len(ms) {
		r.views = append(r.views, newMonitorView())
	}
	for i, mc := range ms {
		r.views[i].set(mc, rc, m)
	}
	want := max(len(ms), 1)
	if len(r.box.Objects) == want && (len(ms) > 0) == (r.box.Objects[0] != r.empty) {
		return
	}
	objs := []fyne.CanvasObject{r.empty}
	if len(ms) > 0 {
		objs = objs[:0]
		for i := range ms {
			objs = append(objs, r.views[i].object)
		}
	}
	r.box.Objects = objs
	r.box.Refresh()
}
