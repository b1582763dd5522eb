package app

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// maxRows bounds the incident rows drawn; the rest are counted in a line.
const maxRows = 300

// incidentView is one incident in the window process's list: a severity
// bar, icon and word, room and age, an icon-only Acknowledge button for an
// unacknowledged critical, and below them the full title, wrapped and never
// truncated: no two rows may read alike.
type incidentView struct {
	bar      *canvas.Rectangle
	icon     *widget.Icon
	Severity *widget.Label
	Title    *widget.Label
	Meta     *widget.Label
	Ack      *widget.Button
	object   fyne.CanvasObject
	server   string
	uuid     string
}

func newIncidentView(onAck func(server, uuid string)) *incidentView {
	v := &incidentView{
		bar:      canvas.NewRectangle(theme.Color(theme.ColorNameDisabled)),
		icon:     widget.NewIcon(nil),
		Severity: widget.NewLabel(""),
		Title:    widget.NewLabel(""),
		Meta:     widget.NewLabel(""),
	}
	v.Ack = widget.NewButtonWithIcon("", theme.ConfirmIcon(), func() {
		if v.uuid != "" {
			onAck(v.server, v.uuid)
		}
	})
	v.bar.SetMinSize(fyne.NewSize(5, 1))
	v.Severity.TextStyle.Bold = true
	v.Title.Wrapping = fyne.TextWrapWord
	// The title has a line of its own, the row's full width, so that
	// neither the metadata nor the button can squeeze it.
	top := container.NewBorder(nil, nil, container.NewHBox(v.icon, v.Severity), container.NewHBox(v.Meta, v.Ack))
	v.object = container.NewBorder(nil, nil, v.bar, nil, container.New(layout.NewCustomPaddedVBoxLayout(0), top, v.Title))
	return v
}

func (v *incidentView) set(in store.Incident, now time.Time) {
	look := lookOf(in.Severity)
	v.server, v.uuid = in.Server, in.UUID
	setRectFill(v.bar, look.Color)
	setResource(v.icon, look.Icon)
	if v.Severity.Importance != look.Importance {
		v.Severity.Importance = look.Importance
		v.Severity.Refresh()
	}
	setText(v.Severity, look.Word)
	setText(v.Title, in.Title)
	meta := Age(now, in.Created())
	if in.Room != "" {
		meta = "#" + in.Room + " · " + meta
	}
	setText(v.Meta, meta)
	showIf(v.Ack, in.Severity == ops.Critical && !in.Acked)
}

// incidentRows keeps one incidentView per shown incident, reused.
type incidentRows struct {
	onAck func(server, uuid string)
	views []*incidentView
	more  *widget.Label
	box   *fyne.Container
	shown int
}

func newIncidentRows(onAck func(server, uuid string)) *incidentRows {
	r := &incidentRows{onAck: onAck, more: widget.NewLabel(""), box: container.NewVBox()}
	return r
}

func (r *incidentRows) set(items []store.Incident, now time.Time) {
	n := min(len(items), maxRows)
	for len(r.views) < n {
		r.views = append(r.views, newIncidentView(r.onAck))
	}
	for i := range n {
		r.views[i].set(items[i], now)
	}
	setText(r.more, fmt.Sprintf("…and %d more", len(items)-n))
	if n == r.shown && len(r.box.Objects) == n+btoi(len(items) > n) {
		return
	}
	objs := make([]fyne.CanvasObject, 0, n+1)
	for i := range n {
		objs = append(objs, r.views[i].object)
	}
	if len(items) > n {
		objs = append(objs, r.more)
	}
	r.box.Objects, r.shown = objs, n
	r.box.Refresh()
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

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

func (m *monitorRows) set(ms []ops.MonitorChange, now time.Time) {
	for len(m.views) < len(ms) {
		v := &monitorView{bar: canvas.NewRectangle(theme.Color(theme.ColorNameDisabled)), icon: widget.NewIcon(nil), Line: widget.NewLabel("")}
		v.bar.SetMinSize(fyne.NewSize(4, 1))
		v.Line.Wrapping = fyne.TextWrapWord
		v.object = container.NewBorder(nil, nil, container.NewHBox(v.bar, v.icon), nil, v.Line)
		m.views = append(m.views, v)
	}
	for i, mc := range ms {
		_, icon, c := monitorLook(mc.Status)
		v := m.views[i]
		setRectFill(v.bar, c)
		setResource(v.icon, icon)
		setText(v.Line, MonitorLine(mc, now))
	}
	want := max(len(ms), 1)
	if len(m.box.Objects) == want && (len(ms) > 0) == (m.box.Objects[0] != m.empty) {
		return
	}
	objs := []fyne.CanvasObject{m.empty}
	if len(ms) > 0 {
		objs = objs[:0]
		for i := range ms {
			objs = append(objs, m.views[i].object)
		}
	}
	m.box.Objects = objs
	m.box.Refresh()
}
