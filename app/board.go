package app

import (
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/warpdesk/warpdesk/assets/draw"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// Board is the window process's dashboard: everything on it is drawn from
// one store.State by Set, and every button is a store.Commands call.
// UI goroutine only.
type Board struct {
	Dot      *canvas.Circle
	Link     *widget.Label // "Live", "Reconnecting…"
	Server   *widget.Label
	Sync     *widget.Label // "Up to date · 17:35", "As of 17:35"
	Settings *widget.Button
	Header   *widget.Label // "Active incidents (3)"
	Order    *widget.Select
	AckAll   *widget.Button

	EmptyIcon  *widget.Icon
	EmptyTitle *widget.Label
	EmptyNote  *widget.Label
	// Veil dims the list while it is not current (stale or unknown).
	Veil *canvas.Rectangle

	Object fyne.CanvasObject

	banners  *bannerList
	rows     *incidentRows
	monitors *monitorRows
	empty    fyne.CanvasObject
	list     fyne.CanvasObject
	order    Order
	st       store.State
	now      time.Time
}

// NewBoard builds the dashboard. openSettings may be nil (no Settings
// buttons).
func NewBoard(cmd store.Commands, openSettings func()) *Board {
	b := &Board{
		Dot:        canvas.NewCircle(draw.Grey),
		Link:       widget.NewLabel(""),
		Server:     widget.NewLabel(""),
		Sync:       widget.NewLabel(""),
		Settings:   widget.NewButtonWithIcon("Settings", theme.SettingsIcon(), openSettings),
		Header:     widget.NewLabel(""),
		AckAll:     widget.NewButtonWithIcon("Acknowledge all critical", theme.ConfirmIcon(), cmd.AcknowledgeAllCritical),
		EmptyIcon:  widget.NewIcon(nil),
		EmptyTitle: widget.NewLabel(""),
		EmptyNote:  widget.NewLabel(""),
		Veil:       canvas.NewRectangle(color.Transparent),
		banners: newBannerList(bannerActions{settings: openSettings, reconnect: func() { cmd.Reconnect("") },
			resume: func() { cmd.Pause(time.Time{}) }}),
		rows:     newIncidentRows(cmd.Acknowledge),
		monitors: newMonitorRows(),
	}
	b.Order = widget.NewSelect(orderNames, func(s string) {
		for i, n := range orderNames {
			if n == s && Order(i) != b.order {
				b.order = Order(i)
				b.Set(b.st, b.now)
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
	head := container.NewBorder(nil, nil, nil, container.NewHBox(b.Order, b.AckAll), b.Header)
	incidents := container.NewBorder(head, nil, nil, nil, container.NewStack(b.list, b.empty))
	monHead := widget.NewLabel("Monitors")
	monHead.TextStyle.Bold = true
	monHead.SizeName = theme.SizeNameSubHeadingText
	monitors := container.NewBorder(monHead, nil, nil, nil, container.NewVScroll(b.monitors.box))
	split := container.NewHSplit(incidents, monitors)
	split.Offset = 0.68
	top := container.NewVBox(status, b.banners.box, widget.NewSeparator())
	return container.NewBorder(top, nil, nil, nil, container.NewPadded(split))
}

// Set draws st as of now: the one render path of the window process.
func (b *Board) Set(st store.State, now time.Time) {
	b.st, b.now = st, now
	setCircleFill(b.Dot, linkColor(st))
	setText(b.Link, linkWords(st.Link))
	setText(b.Server, st.Server)
	setText(b.Sync, syncLine(st, now))
	b.banners.set(st, now)

	items := ordered(st.Incidents, b.order)
	header := fmt.Sprintf("Active incidents (%d)", len(items))
	if st.Knowledge == store.Stale {
		header += " as of " + clock(now, st.AsOf)
	}
	setText(b.Header, header)
	showIf(b.AckAll, unackedCritical(items) > 0)
	b.rows.set(items, now)
	b.setEmpty(st, now, len(items) == 0)
	veil := color.Color(color.Transparent)
	if st.Knowledge != store.Current {
		r, g, bl, _ := theme.Color(theme.ColorNameBackground).RGBA()
		veil = color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 0x99}
	}
	setRectFill(b.Veil, veil)
	b.monitors.set(st.Monitors, now)
}

// setEmpty shows the empty state when there is nothing to list: the green
// "No active incidents" only while the list is Current.
func (b *Board) setEmpty(st store.State, now time.Time, empty bool) {
	showIf(b.list, !empty)
	showIf(b.empty, empty)
	switch st.Knowledge {
	case store.Current:
		setResource(b.EmptyIcon, theme.NewSuccessThemedResource(theme.ConfirmIcon()))
		setText(b.EmptyTitle, "No active incidents")
		setText(b.EmptyNote, EmptyNoteQuiet)
	case store.Stale:
		setResource(b.EmptyIcon, theme.HistoryIcon())
		setText(b.EmptyTitle, "No incidents as of "+clock(now, st.AsOf))
		setText(b.EmptyNote, "Not live: incidents raised since then are not shown yet.")
	default:
		setResource(b.EmptyIcon, theme.QuestionIcon())
		setText(b.EmptyTitle, "Incidents unknown")
		setText(b.EmptyNote, "The server has not answered yet, so this is not an all clear.")
	}
}

// Shown is the State last drawn.
func (b *Board) Shown() store.State { return b.st }

func unackedCritical(items []store.Incident) int {
	n := 0
	for _, in := range items {
		if in.Severity == ops.Critical && !in.Acked {
			n++
		}
	}
	return n
}

// linkColor is the status dot: green only while live and current.
func linkColor(st store.State) color.Color {
	switch {
	case st.Link == store.LinkLive && st.Knowledge == store.Current:
		return draw.Green
	case st.Link == store.LinkRejected || st.Link == store.LinkOffline:
		return draw.Red
	}
	return draw.Amber
}
