package app

import (
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/warpdesk/warpdesk/ipc"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// maxRows bounds the incident rows drawn; the rest are counted in a line.
const maxRows = 300

// rowContext is what the rows need besides their incidents, worked out
// once per render.
type rowContext struct {
	// names are the servers' names by ID with several servers; nil with
	// one (rows then name no server).
	names map[string]string
	// notLive are the servers whose list is not current, by ID, with the
	// instant it was current at (zero while unknown): their rows are
	// dimmed and say "as of". Nil with one server (the whole incident
	// list is veiled instead; alone says whether it is not live).
	notLive map[string]time.Time
	// alone is the one server's knowledge with one server (the monitors
	// of a not-live server are marked row by row even then).
	alone store.ServerState
	// selected is the incident the detail pane shows.
	selected ipc.IncidentRef
	// veil is the colour a not-live row is dimmed with.
	veil color.Color
}

// incidentView is one incident in the window process's list: a severity
// bar, icon and word, server, room and age, an icon-only Acknowledge button
// for an unacknowledged critical (Retry after a failed acknowledgement),
// below them the full title, wrapped and never truncated (no two rows may
// read alike), and the acknowledgement's state. Tapping it selects it.
type incidentView struct {
	bg       *canvas.Rectangle // the selection
	bar      *canvas.Rectangle
	icon     *widget.Icon
	Severity *widget.Label
	Title    *widget.Label
	Meta     *widget.Label
	AckLine  *widget.Label // "Acknowledging…", "Acknowledged by bob, 2 min ago"
	Ack      *widget.Button
	veil     *canvas.Rectangle
	object   fyne.CanvasObject
	ref      ipc.IncidentRef
	selected bool
}

func newIncidentView(onAck, onSelect func(ipc.IncidentRef)) *incidentView {
	v := &incidentView{
		bg:       canvas.NewRectangle(color.Transparent),
		bar:      canvas.NewRectangle(theme.Color(theme.ColorNameDisabled)),
		icon:     widget.NewIcon(nil),
		Severity: widget.NewLabel(""),
		Title:    widget.NewLabel(""),
		Meta:     widget.NewLabel(""),
		AckLine:  widget.NewLabel(""),
		veil:     canvas.NewRectangle(color.Transparent),
	}
	v.Ack = widget.NewButtonWithIcon("", theme.ConfirmIcon(), func() {
		if v.ref.UUID != "" {
			onAck(v.ref)
		}
	})
	v.bar.SetMinSize(fyne.NewSize(5, 1))
	v.Severity.TextStyle.Bold = true
	v.Title.Wrapping = fyne.TextWrapWord
	v.AckLine.Wrapping = fyne.TextWrapWord
	v.AckLine.Hide()
	// The title has a line of its own, the row's full width, so that
	// neither the metadata nor the button can squeeze it.
	top := container.NewBorder(nil, nil, container.NewHBox(v.icon, v.Severity), container.NewHBox(v.Meta, v.Ack))
	body := container.NewBorder(nil, nil, v.bar, nil,
		container.New(layout.NewCustomPaddedVBoxLayout(0), top, v.Title, v.AckLine))
	tap := newTapArea(func() {
		if v.ref.UUID != "" {
			onSelect(v.ref)
		}
	})
	// The veil is on top but takes no taps: the row stays selectable.
	v.object = container.NewStack(v.bg, tap, body, v.veil)
	return v
}

func (v *incidentView) set(in store.Incident, rc *rowContext, m *moment) {
	look := lookOf(in.Severity)
	v.ref = ipc.IncidentRef{Server: in.Server, UUID: in.UUID}
	setRectFill(v.bar, look.Color)
	setResource(v.icon, look.Icon)
	if v.Severity.Importance != look.Importance {
		v.Severity.Importance = look.Importance
		v.Severity.Refresh()
	}
	setText(v.Severity, look.Word)
	setText(v.Title, in.Title)
	meta := m.age(in.Created())
	if in.Room != "" {
		meta = "#" + in.Room + " · " + meta
	}
	if name, ok := rc.names[in.Server]; ok {
		meta = name + " · " + meta
	}
	if rc.names == nil { // one server: the whole list is veiled instead
		setRectFill(v.veil, color.Transparent)
	} else if words := rc.mark(in.Server, v.veil, m); words != "" {
		meta += " · " + words
	}
	setText(v.Meta, meta)
	ack := ackLine(in.Incident, in.Acked, in.AckPending, in.AckErr, m)
	setText(v.AckLine, ack)
	showIf(v.AckLine, ack != "")
	retry := in.AckErr != "" && !in.AckPending && !in.IsAcknowledged()
	setButton(v.Ack, retry, "Retry")
	showIf(v.Ack, retry || in.Severity == ops.Critical && needsAck(in))
	if sel := rc.selected == v.ref; sel != v.selected {
		v.selected = sel
		fill := color.Color(color.Transparent)
		if sel {
			fill = theme.Color(theme.ColorNameSelection)
		}
		setRectFill(v.bg, fill)
	}
}

// notLiveAt reports whether server's list is not current, and the instant
// it was (zero while unknown); with one server, the one server's.
func (rc *rowContext) notLiveAt(server string) (time.Time, bool) {
	if rc.names == nil {
		return rc.alone.AsOf, rc.alone.Knowledge != store.Current
	}
	asOf, ok := rc.notLive[server]
	return asOf, ok
}

// mark marks a row of server, of any kind (incident, monitor): while the
// server's list is not current it dims veil and returns the words that
// say so ("as of 17:29"); otherwise it clears veil and returns "".
func (rc *rowContext) mark(server string, veil *canvas.Rectangle, m *moment) string {
	asOf, dim := rc.notLiveAt(server)
	fill, words := color.Color(color.Transparent), ""
	if dim {
		fill, words = rc.veil, asOfWords(asOf, m)
	}
	setRectFill(veil, fill)
	return words
}

// asOfWords marks what a not-live server listed: "as of 17:29", or "not
// known yet" while it was never current.
func asOfWords(asOf time.Time, m *moment) string {
	if asOf.IsZero() {
		return "not known yet"
	}
	return "as of " + m.clock(asOf)
}

// needsAck reports whether nobody has acknowledged in, here or anywhere,
// and none is on its way.
func needsAck(in store.Incident) bool {
	return !in.Acked && !in.AckPending && !in.IsAcknowledged()
}

// ackLine says where an incident's acknowledgement stands: "Acknowledged
// by bob, 2 min ago", "Acknowledging…", "Not acknowledged on the server:
// <why>", "Acknowledged on this desktop"; "" while nobody has.
func ackLine(in ops.Incident, acked, pending bool, failed string, m *moment) string {
	switch {
	case in.IsAcknowledged() && in.AcknowledgedAt == 0:
		return "Acknowledged by " + in.AcknowledgedBy
	case in.IsAcknowledged():
		return "Acknowledged by " + in.AcknowledgedBy + ", " + m.age(in.AcknowledgedTime())
	case pending:
		return "Acknowledging…"
	case failed != "":
		return "Not acknowledged on the server: " + failed
	case acked:
		return "Acknowledged on this desktop"
	}
	return ""
}

// setButton gives b the text "" and the Acknowledge icon, or text and the
// retry icon when retry, only when that changes.
func setButton(b *widget.Button, retry bool, text string) {
	if (b.Text != "") == retry {
		return
	}
	if retry {
		b.SetText(text)
		b.SetIcon(theme.ViewRefreshIcon())
		return
	}
	b.SetText("")
	b.SetIcon(theme.ConfirmIcon())
}

// incidentRows keeps one incidentView per shown incident, reused.
type incidentRows struct {
	onAck, onSelect func(ipc.IncidentRef)
	views           []*incidentView
	more            *widget.Label
	box             *fyne.Container
	shown           int
}

func newIncidentRows(onAck, onSelect func(ipc.IncidentRef)) *incidentRows {
	return &incidentRows{onAck: onAck, onSelect: onSelect, more: widget.NewLabel(""), box: container.NewVBox()}
}

func (r *incidentRows) set(items []store.Incident, rc *rowContext, m *moment) {
	n := min(len(items), maxRows)
	for len(r.views) < n {
		r.views = append(r.views, newIncidentView(r.onAck, r.onSelect))
	}
	for i := range n {
		r.views[i].set(items[i], rc, m)
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

// tapArea is an invisible widget that calls fn when tapped: the
// background of a row, under its labels (which take no taps) and its
// buttons (which take their own).
type tapArea struct {
	widget.BaseWidget
	fn func()
}

func newTapArea(fn func()) *tapArea {
	t := &tapArea{fn: fn}
	t.ExtendBaseWidget(t)
	return t
}

// Tapped calls fn.
func (t *tapArea) Tapped(*fyne.PointEvent) { t.fn() }

// Cursor is the pointer: the row can be clicked.
func (t *tapArea) Cursor() desktop.Cursor { return desktop.PointerCursor }

// CreateRenderer draws nothing.
func (t *tapArea) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}
