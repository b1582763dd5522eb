package app

import (
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

type monitorView struct {
	bar    *canvas.Rectangle
	icon   *widget.Icon
	Line   *widget.Label
	object fyne.CanvasObject
}

func newMonitorRows() *monitorRows {
	return &monitorRows{empty: widget.NewLabel("No monitor reports yet."), box: container.NewVBox()}
}

func (r *monitorRows) set(ms []store.Monitor, m *moment) {
	for len(r.views) < len(ms) {
		v := &monitorView{bar: canvas.NewRectangle(theme.Color(theme.ColorNameDisabled)), icon: widget.NewIcon(nil), Line: widget.NewLabel("")}
		v.bar.SetMinSize(fyne.NewSize(4, 1))
		v.Line.Wrapping = fyne.TextWrapWord
		v.object = container.NewBorder(nil, nil, container.NewHBox(v.bar, v.icon), nil, v.Line)
		r.views = append(r.views, v)
	}
	for i, mc := range ms {
		look, v := monitorLook(mc.Status), r.views[i]
		setRectFill(v.bar, look.Color)
		setResource(v.icon, look.Icon)
		setText(v.Line, monitorLine(mc.MonitorChange, m))
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
