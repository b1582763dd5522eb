package app

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/warpdesk/warpdesk/assets/draw"
	"github.com/warpdesk/warpdesk/ops"
)

// StatusBar is the strip at the top of the dashboard: a coloured dot, the
// state in words, why, when the last catch-up happened, and "Reconnect now".
type StatusBar struct {
	Dot       *canvas.Circle
	Text      *widget.Label
	Reason    *widget.Label
	Sync      *widget.Label
	Reconnect *widget.Button
	Object    fyne.CanvasObject
}

// NewStatusBar builds the status bar; onReconnect runs when the button is
// tapped. Call Set to show a state. UI goroutine only.
func NewStatusBar(onReconnect func()) *StatusBar {
	b := &StatusBar{
		Dot:       canvas.NewCircle(LevelOffline.Color()),
		Text:      widget.NewLabel(""),
		Reason:    widget.NewLabel(""),
		Sync:      widget.NewLabel(""),
		Reconnect: widget.NewButtonWithIcon(LabelReconnect, theme.ViewRefreshIcon(), onReconnect),
	}
	b.Text.TextStyle.Bold = true
	b.Reason.Importance = widget.LowImportance
	b.Reason.Truncation = fyne.TextTruncateEllipsis
	b.Sync.Importance = widget.LowImportance
	dot := container.NewCenter(container.NewGridWrap(fyne.NewSize(14, 14), b.Dot))
	b.Object = container.NewBorder(nil, nil,
		container.NewHBox(dot, b.Text),
		container.NewHBox(b.Sync, b.Reconnect),
		b.Reason)
	return b
}

// Set shows v.
func (b *StatusBar) Set(v View) {
	b.Dot.FillColor = v.Level.Color()
	b.Dot.Refresh()
	b.Text.SetText(v.Text)
	b.Reason.SetText(v.Reason)
	if v.CanReconnect {
		b.Reconnect.Show()
	} else {
		b.Reconnect.Hide()
	}
}

// SetSync shows the outcome of the last catch-up.
func (b *StatusBar) SetSync(s string) { b.Sync.SetText(s) }

// IncidentRow is one line of the incident list: a severity bar, icon and
// word, the title, the room, the age and, for an unacknowledged critical
// incident, an Acknowledge button.
type IncidentRow struct {
	widget.BaseWidget
	Bar      *canvas.Rectangle
	Icon     *widget.Icon
	Severity *widget.Label
	Title    *widget.Label
	Room     *widget.Label
	Age      *widget.Label
	Ack      *widget.Button

	uuid  string
	onAck func(uuid string)
}

// NewIncidentRow builds an empty row; onAck is called with the row's uuid.
func NewIncidentRow(onAck func(uuid string)) *IncidentRow {
	r := &IncidentRow{
		Bar:      canvas.NewRectangle(draw.Grey),
		Icon:     widget.NewIcon(nil),
		Severity: widget.NewLabel("Warning"),
		Title:    widget.NewLabel(""),
		Room:     widget.NewLabel(""),
		Age:      widget.NewLabel(""),
		onAck:    onAck,
	}
	r.Bar.SetMinSize(fyne.NewSize(5, 1))
	r.Severity.TextStyle.Bold = true
	r.Title.Truncation = fyne.TextTruncateEllipsis
	r.Room.Importance = widget.LowImportance
	r.Age.Importance = widget.LowImportance
	r.Ack = widget.NewButtonWithIcon("Acknowledge", theme.ConfirmIcon(), func() {
		if r.onAck != nil && r.uuid != "" {
			r.onAck(r.uuid)
		}
	})
	r.Ack.Importance = widget.LowImportance
	r.ExtendBaseWidget(r)
	return r
}

// Set shows an incident as of now.
func (r *IncidentRow) Set(in ops.Incident, now time.Time, acked bool) {
	look := lookOf(in.Severity)
	r.uuid = in.UUID
	r.Bar.FillColor = look.Color
	r.Bar.Refresh()
	r.Icon.SetResource(look.Icon)
	r.Severity.Importance = look.Importance
	r.Severity.SetText(look.Word)
	r.Title.SetText(in.Title)
	if in.Room != "" {
		r.Room.SetText("#" + in.Room)
	} else {
		r.Room.SetText("")
	}
	r.Age.SetText(Age(now, in.Created()))
	if in.Severity == ops.Critical && !acked {
		r.Ack.Show()
	} else {
		r.Ack.Hide()
	}
}

// CreateRenderer lays the row out.
func (r *IncidentRow) CreateRenderer() fyne.WidgetRenderer {
	sev := container.NewGridWrap(fyne.NewSize(96, r.Severity.MinSize().Height), r.Severity)
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil,
		container.NewHBox(r.Bar, r.Icon, sev),
		container.NewHBox(r.Room, r.Age, r.Ack),
		r.Title))
}

// IncidentList is the "Active Incidents (N)" panel: a header, the list
// (newest first) and an empty state.
type IncidentList struct {
	Header    *widget.Label
	EmptyNote *widget.Label // the line under "No active incidents."
	AckAll    *widget.Button
	List      *widget.List
	Empty     fyne.CanvasObject
	Object    fyne.CanvasObject
	items     []ops.Incident
	acked     func(uuid string) bool
	onAck     func(uuid string)
	now       func() time.Time
}

// NewIncidentList builds the panel. acked tells whether an incident was
// acknowledged; onAck and onAckAll acknowledge.
func NewIncidentList(now func() time.Time, acked func(string) bool, onAck func(string), onAckAll func()) *IncidentList {
	l := &IncidentList{
		Header: widget.NewLabel("Active Incidents (0)"),
		acked:  acked,
		onAck:  onAck,
		now:    now,
	}
	l.Header.TextStyle.Bold = true
	l.Header.SizeName = theme.SizeNameSubHeadingText
	l.AckAll = widget.NewButtonWithIcon("Acknowledge all", theme.ConfirmIcon(), onAckAll)
	l.AckAll.Hide()
	l.List = widget.NewList(
		func() int { return len(l.items) },
		func() fyne.CanvasObject { return NewIncidentRow(l.onAck) },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < 0 || id >= len(l.items) {
				return
			}
			in := l.items[id]
			o.(*IncidentRow).Set(in, l.now(), l.acked(in.UUID))
		})
	title := widget.NewLabel("No active incidents.")
	title.Alignment = fyne.TextAlignCenter
	title.TextStyle.Bold = true
	sub := widget.NewLabel(EmptyNoteQuiet)
	sub.Alignment = fyne.TextAlignCenter
	sub.Importance = widget.LowImportance
	l.EmptyNote = sub
	icon := widget.NewIcon(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	l.Empty = container.NewCenter(container.NewVBox(
		container.NewCenter(container.NewGridWrap(fyne.NewSize(48, 48), icon)), title, sub))
	l.Object = container.NewBorder(
		container.NewBorder(nil, nil, nil, l.AckAll, l.Header), nil, nil, nil,
		container.NewStack(l.List, l.Empty))
	l.Set(nil, 0)
	return l
}

// Set shows incidents (already sorted newest first); unacked is the number
// of unacknowledged critical ones.
func (l *IncidentList) Set(items []ops.Incident, unacked int) {
	l.items = items
	l.Header.SetText(fmt.Sprintf("Active Incidents (%d)", len(items)))
	if len(items) == 0 {
		l.List.Hide()
		l.Empty.Show()
	} else {
		l.Empty.Hide()
		l.List.Show()
	}
	if unacked > 0 {
		l.AckAll.Show()
	} else {
		l.AckAll.Hide()
	}
	l.List.Refresh()
}

// Items returns what the list shows, in order.
func (l *IncidentList) Items() []ops.Incident { return l.items }

// MonitorPanel lists monitors and their status.
type MonitorPanel struct {
	Box    *fyne.Container
	Object fyne.CanvasObject
	empty  *widget.Label
}

// NewMonitorPanel builds an empty panel.
func NewMonitorPanel() *MonitorPanel {
	p := &MonitorPanel{Box: container.NewVBox()}
	p.empty = widget.NewLabel("No monitor reports yet.")
	p.empty.Importance = widget.LowImportance
	head := widget.NewLabel("Monitors")
	head.TextStyle.Bold = true
	head.SizeName = theme.SizeNameSubHeadingText
	p.Object = container.NewBorder(head, nil, nil, nil, container.NewVScroll(p.Box))
	p.Set(nil, time.Now())
	return p
}

// Set shows the monitors (already sorted).
func (p *MonitorPanel) Set(ms []ops.MonitorChange, now time.Time) {
	objs := make([]fyne.CanvasObject, 0, len(ms)+1)
	if len(ms) == 0 {
		objs = append(objs, p.empty)
	}
	for _, m := range ms {
		_, icon, c := monitorLook(m.Status)
		bar := canvas.NewRectangle(c)
		bar.SetMinSize(fyne.NewSize(4, 1))
		lbl := widget.NewLabel(MonitorLine(m, now))
		lbl.Truncation = fyne.TextTruncateEllipsis
		objs = append(objs, container.NewBorder(nil, nil,
			container.NewHBox(bar, widget.NewIcon(icon)), nil, lbl))
	}
	p.Box.Objects = objs
	p.Box.Refresh()
}

// Dashboard is the main window's content.
type Dashboard struct {
	Status    *StatusBar
	Incidents *IncidentList
	Monitors  *MonitorPanel
	Object    fyne.CanvasObject
}

// DashboardActions are what the dashboard's buttons do.
type DashboardActions struct {
	Reconnect   func()
	Acked       func(uuid string) bool
	Acknowledge func(uuid string)
	AckAll      func()
	Now         func() time.Time
}

// NewDashboard builds the dashboard content. UI goroutine only.
func NewDashboard(act DashboardActions) *Dashboard {
	if act.Now == nil {
		act.Now = time.Now
	}
	if act.Acked == nil {
		act.Acked = func(string) bool { return false }
	}
	d := &Dashboard{
		Status:    NewStatusBar(act.Reconnect),
		Incidents: NewIncidentList(act.Now, act.Acked, act.Acknowledge, act.AckAll),
		Monitors:  NewMonitorPanel(),
	}
	split := container.NewHSplit(d.Incidents.Object, d.Monitors.Object)
	split.Offset = 0.68
	d.Object = container.NewBorder(
		container.NewVBox(d.Status.Object, widget.NewSeparator()), nil, nil, nil,
		container.NewPadded(split))
	return d
}
