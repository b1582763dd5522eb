package app

import (
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/warpdesk/warpdesk/assets/draw"
	"github.com/warpdesk/warpdesk/ipc"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// Board is the window process's dashboard: everything on it is drawn from
// one store.State by Set, and every button is a store.Commands call.
// UI goroutine only.
type Board struct {
	Dot      *canvas.Circle
	Link     *widget.Label // "Live", "Reconnecting…"; "2 of 3 live"
	Server   *widget.Label
	Sync     *widget.Label // "Up to date · 17:35", "As of 17:35"
	Settings *widget.Button
	Header   *widget.Label // "Active incidents (3)"
	Order    *widget.Select
	AckAll   *widget.Button
	// AckErr says why the last acknowledgement was not sent (the agent
	// is not taking commands); hidden once one is sent.
	AckErr *widget.Label

	EmptyIcon  *widget.Icon
	EmptyTitle *widget.Label
	EmptyNote  *widget.Label
	// Veil dims the list while it is not current (stale or unknown), with
	// one server; with several each not-live server's rows are dimmed.
	Veil *canvas.Rectangle

	Object fyne.CanvasObject

	banners  *bannerList
	servers  *serverList
	filter   *serverFilter
	rows     *incidentRows
	detail   *detailPane
	monitors *monitorRows
	empty    fyne.CanvasObject
	list     fyne.CanvasObject
	order    Order
	selected ipc.IncidentRef
	st       store.State
	now      time.Time
	next     time.Time
	// drawn runs after every Set (the window schedules its next redraw);
	// nil: nothing.
	drawn func()

	// items is the list as last ordered and filtered, for listed.
	items     []store.Incident
	itemsFrom struct {
		version uint64
		order   Order
		server  string
	}
}

// NewBoard builds the dashboard on fa (its browser and clipboard serve
// the detail pane's links). openSettings may be nil (no Settings buttons).
func NewBoard(fa fyne.App, cmd store.Commands, openSettings func()) *Board {
	var b *Board
	ack := func(r ipc.IncidentRef) { b.acknowledge(cmd, r) }
	b = &Board{
		Dot:        canvas.NewCircle(draw.Grey),
		Link:       widget.NewLabel(""),
		Server:     widget.NewLabel(""),
		Sync:       widget.NewLabel(""),
		Settings:   widget.NewButtonWithIcon("Settings", theme.SettingsIcon(), openSettings),
		Header:     widget.NewLabel(""),
		AckAll:     widget.NewButtonWithIcon("Acknowledge all critical", theme.ConfirmIcon(), nil),
		AckErr:     widget.NewLabel(""),
		EmptyIcon:  widget.NewIcon(nil),
		EmptyTitle: widget.NewLabel(""),
		EmptyNote:  widget.NewLabel(""),
		Veil:       canvas.NewRectangle(color.Transparent),
		banners: newBannerList(bannerActions{settings: openSettings, reconnect: func() { cmd.Reconnect("") },
			resume: func() { cmd.Pause(time.Time{}) }}),
		servers:  newServerList(cmd.Reconnect),
		detail:   newDetailPane(fa, ack),
		monitors: newMonitorRows(),
	}
	b.AckAll.OnTapped = func() { b.ackAll(cmd) }
	b.rows = newIncidentRows(ack, b.Select)
	b.filter = newServerFilter(b.redraw)
	b.Order = widget.NewSelect(orderNames, func(s string) {
		for i, n := range orderNames {
			if n == s && Order(i) != b.order {
				b.order = Order(i)
				b.redraw()
			}
		}
	})
	b.Order.SetSelectedIndex(int(OrderNewest))
	if openSettings == nil {
		b.Settings.Hide()
	}
	b.Link.TextStyle.Bold = true
	b.Server.Truncation = fyne.TextTruncateEllipsis
	b.Header.TextStyle.Bold = true
	b.Header.SizeName = theme.SizeNameSubHeadingText
	b.AckErr.Importance = widget.DangerImportance
	b.AckErr.Wrapping = fyne.TextWrapWord
	b.AckErr.Hide()
	b.EmptyTitle.TextStyle.Bold = true
	b.EmptyTitle.Alignment = fyne.TextAlignCenter
	b.EmptyNote.Alignment = fyne.TextAlignCenter
	b.EmptyNote.Wrapping = fyne.TextWrapWord
	b.Object = b.layout()
	return b
}

func (b *Board) layout() fyne.CanvasObject {
	dot := container.NewCenter(container.NewGridWrap(fyne.NewSize(14, 14), b.Dot))
	status := container.NewBorder(nil, nil,
		container.NewHBox(dot, b.Link),
		container.NewHBox(b.Sync, b.Settings),
		b.Server)
	b.empty = container.NewCenter(container.NewVBox(
		container.NewCenter(container.NewGridWrap(fyne.NewSize(48, 48), b.EmptyIcon)),
		b.EmptyTitle, b.EmptyNote))
	b.list = container.NewStack(container.NewVScroll(b.rows.box), b.Veil)
	// The choices get a line of their own: with several servers the
	// filter joins them, and the header must not push the list aside.
	head := container.NewVBox(b.Header, container.NewHBox(b.filter.Select, b.Order, layout.NewSpacer(), b.AckAll), b.AckErr)
	incidents := container.NewBorder(head, nil, nil, nil, container.NewStack(b.list, b.empty))
	monHead := widget.NewLabel("Monitors")
	monHead.TextStyle.Bold = true
	monHead.SizeName = theme.SizeNameSubHeadingText
	monitors := container.NewBorder(monHead, nil, nil, nil, container.NewVScroll(b.monitors.box))
	side := container.NewVSplit(b.detail.object, monitors)
	side.Offset = 0.6
	split := container.NewHSplit(incidents, side)
	split.Offset = 0.62
	top := container.NewVBox(status, b.servers.box, b.banners.box, widget.NewSeparator())
	return container.NewBorder(top, nil, nil, nil, container.NewPadded(split))
}

// Set draws st as of now: the one render path of the window process. Next
// then says when a text drawn changes with the time.
func (b *Board) Set(st store.State, now time.Time) {
	b.st, b.now = st, now
	m := newMoment(now)
	b.setStatus(st, m)
	setText(b.Sync, syncLine(knowledgeOf(st), m))
	b.banners.set(st, m)
	b.servers.set(st, m)
	b.filter.set(st)
	k, one := b.knowledgeListed(st)

	rc := b.rowContext(st)
	items := b.listed()
	header := fmt.Sprintf("Active incidents (%d)", len(items))
	if k.Knowledge == store.Stale && one {
		header += " as of " + m.clock(k.AsOf)
	}
	setText(b.Header, header)
	showIf(b.AckAll, unackedCritical(items) > 0)
	b.rows.set(items, rc, m)
	b.detail.set(st, b.selected, rc, m)
	b.setEmpty(k, m, len(items) == 0)
	veil := color.Color(color.Transparent)
	if k.Knowledge != store.Current && !several(st) {
		veil = rc.veil
	}
	setRectFill(b.Veil, veil)
	b.monitors.set(st.Monitors, rc, m)
	b.next = m.Next()
	if b.drawn != nil {
		b.drawn()
	}
}

// knowledgeListed is how far the list shown can be trusted: filtered to
// one server, that server's own knowledge (another server's being unknown
// says nothing about it); otherwise every server's (knowledgeOf). one
// reports whether the list is one server's, which then marks the header
// "as of".
func (b *Board) knowledgeListed(st store.State) (k store.ServerState, one bool) {
	if !several(st) {
		return knowledgeOf(st), true
	}
	for _, sv := range st.Servers {
		if b.filter.id != "" && sv.ID == b.filter.id {
			return sv, true
		}
	}
	return knowledgeOf(st), false
}

// setStatus draws the status line: the one server's link and URL, or with
// several servers how many are live (the dot is the worst's colour).
func (b *Board) setStatus(st store.State, m *moment) {
	setCircleFill(b.Dot, serverColor(summary(st)))
	if !several(st) {
		setText(b.Link, linkWords(st.Link))
		setText(b.Server, st.Server)
		return
	}
	live := 0
	for _, sv := range st.Servers {
		if sv.Link == store.LinkLive && sv.Knowledge == store.Current {
			live++
		}
	}
	setText(b.Link, fmt.Sprintf("%d of %d live", live, len(st.Servers)))
	setText(b.Server, "")
}

// rowContext works out the servers' names and which are not live.
func (b *Board) rowContext(st store.State) *rowContext {
	r, g, bl, _ := theme.Color(theme.ColorNameBackground).RGBA()
	rc := &rowContext{selected: b.selected, veil: color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 0x99}}
	if !several(st) {
		rc.alone = knowledgeOf(st)
		return rc
	}
	rc.names, rc.notLive = map[string]string{}, map[string]time.Time{}
	for _, sv := range st.Servers {
		rc.names[sv.ID] = sv.Name
		if sv.Knowledge != store.Current {
			rc.notLive[sv.ID] = sv.AsOf
		}
	}
	return rc
}

// listed is the list in the chosen order and filter, ordered again only
// when the State, the order or the filter changed (not when only the time
// did).
func (b *Board) listed() []store.Incident {
	from := b.itemsFrom
	if b.items != nil && from.version == b.st.Version && from.order == b.order && from.server == b.filter.id {
		return b.items
	}
	b.items = ordered(b.st.Incidents, b.order, b.filter.id)
	if b.items == nil {
		b.items = []store.Incident{}
	}
	b.itemsFrom.version, b.itemsFrom.order, b.itemsFrom.server = b.st.Version, b.order, b.filter.id
	return b.items
}

// redraw draws the State drawn again (after a choice of order or filter).
func (b *Board) redraw() { b.Set(b.st, b.now) }

// setEmpty shows the empty state when there is nothing to list: the green
// "No active incidents" only while the whole list is Current.
func (b *Board) setEmpty(k store.ServerState, m *moment, empty bool) {
	showIf(b.list, !empty)
	showIf(b.empty, empty)
	switch k.Knowledge {
	case store.Current:
		setResource(b.EmptyIcon, successIcon())
		setText(b.EmptyTitle, "No active incidents")
		setText(b.EmptyNote, EmptyNoteQuiet)
	case store.Stale:
		setResource(b.EmptyIcon, theme.HistoryIcon())
		setText(b.EmptyTitle, "No incidents as of "+m.clock(k.AsOf))
		setText(b.EmptyNote, "Not live: incidents raised since then are not shown yet.")
	default:
		setResource(b.EmptyIcon, theme.QuestionIcon())
		setText(b.EmptyTitle, "Incidents unknown")
		setText(b.EmptyNote, "The server has not answered yet, so this is not an all clear.")
	}
}

// Select shows the incident ref in the detail pane and marks its row (a
// tap on the row, or a notification's click).
func (b *Board) Select(ref ipc.IncidentRef) {
	b.selected = ref
	b.redraw()
}

// Shown is the State last drawn.
func (b *Board) Shown() store.State { return b.st }

// Next is when a text drawn by the last Set changes with the time (an
// age, the "Up to date" minute, a countdown); zero when none will.
func (b *Board) Next() time.Time { return b.next }

// ackAll is "Acknowledge all critical": every server's critical
// incidents, or, filtered to one server, that server's (never those of a
// server filtered out of sight). It is one command saying so, however
// many incidents it covers, carried out by the agent.
func (b *Board) ackAll(cmd store.Commands) {
	if t, ok := cmd.(ackTrier); ok {
		b.ackSent(t.TryAcknowledgeAllCritical(b.filter.id))
		return
	}
	cmd.AcknowledgeAllCritical(b.filter.id)
}

// acknowledge is a row's or the detail pane's Acknowledge.
func (b *Board) acknowledge(cmd store.Commands, r ipc.IncidentRef) {
	if t, ok := cmd.(ackTrier); ok {
		b.ackSent(t.TryAcknowledge(r.Server, r.UUID))
		return
	}
	cmd.Acknowledge(r.Server, r.UUID)
}

// ackTrier is a store.Commands that says when an acknowledgement will not
// be sent (ipc.Remote: ipc.ErrBusy while the agent is not taking
// commands); the Board then shows why, so that the user knows to press
// again rather than trust a promise lost on the way.
type ackTrier interface {
	TryAcknowledge(server, uuid string) error
	TryAcknowledgeAllCritical(server string) error
}

// ackSent shows err under the buttons, or hides the last one when nil.
func (b *Board) ackSent(err error) {
	if err == nil {
		b.AckErr.Hide()
		return
	}
	setText(b.AckErr, "Not acknowledged: "+err.Error()+". Try again.")
	b.AckErr.Show()
}

func unackedCritical(items []store.Incident) int {
	n := 0
	for _, in := range items {
		if in.Severity == ops.Critical && needsAck(in) {
			n++
		}
	}
	return n
}
