package app

import (
	"fmt"
	"image/color"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/warpdesk/warpdesk/assets/draw"
	"github.com/warpdesk/warpdesk/store"
)

// serverView is one server's status line with several servers: a dot,
// its name, its state in words with its counts, its own "Reconnect now",
// and under them why and since when.
type serverView struct {
	Dot       *canvas.Circle
	Name      *widget.Label
	State     *widget.Label
	Detail    *widget.Label
	Reconnect *widget.Button
	object    fyne.CanvasObject
	id        string
}

func newServerView(reconnect func(id string)) *serverView {
	v := &serverView{Dot: canvas.NewCircle(draw.Grey), Name: widget.NewLabel(""), State: widget.NewLabel(""), Detail: widget.NewLabel("")}
	v.Reconnect = widget.NewButtonWithIcon("Reconnect now", theme.ViewRefreshIcon(), func() { reconnect(v.id) })
	v.Name.TextStyle.Bold = true
	v.Detail.Truncation = fyne.TextTruncateEllipsis
	dot := container.NewCenter(container.NewGridWrap(fyne.NewSize(12, 12), v.Dot))
	// The detail (why, since when, the next attempt's countdown) has a
	// line of its own under the state and counts, so that they do not
	// squeeze it into an ellipsis; it is hidden while there is none.
	v.object = container.NewVBox(
		container.NewBorder(nil, nil, container.NewHBox(dot, v.Name, v.State), v.Reconnect),
		v.Detail)
	return v
}

func (v *serverView) set(sv store.ServerState, m *moment) {
	v.id = sv.ID
	state, detail := serverLine(sv, m)
	if sv.Knowledge != store.Unknown { // unknown counts are no evidence
		state += " · " + countWords(sv.Open, sv.Critical)
	}
	setCircleFill(v.Dot, serverColor(sv))
	setText(v.Name, sv.Name)
	setText(v.State, state)
	setText(v.Detail, detail)
	showIf(v.Detail, detail != "")
	showIf(v.Reconnect, sv.Link != store.LinkLive)
}

// countWords is a server's open incidents in words, as the tray's
// per-server lines say them: "no active incidents", "3 active" or "3
// active, 1 critical".
func countWords(open, critical int) string {
	switch {
	case open == 0:
		return "no active incidents"
	case critical == 0:
		return fmt.Sprintf("%d active", open)
	}
	return fmt.Sprintf("%d active, %d critical", open, critical)
}

// serverList is the status area's lines, one per server, shown only with
// several servers.
type serverList struct {
	reconnect func(id string)
	views     []*serverView
	box       *fyne.Container
}

func newServerList(reconnect func(id string)) *serverList {
	return &serverList{reconnect: reconnect, box: container.NewVBox()}
}

func (l *serverList) set(st store.State, m *moment) {
	svs := st.Servers
	if !several(st) {
		svs = nil
	}
	l.views = grow(l.views, len(svs), func() *serverView { return newServerView(l.reconnect) })
	for i, sv := range svs {
		l.views[i].set(sv, m)
	}
	showFirst(l.box, len(svs), func(i int) fyne.CanvasObject { return l.views[i].object })
}

// serverColor is a server's dot: green only while live and current, red
// when it needs the user or has no network.
func serverColor(sv store.ServerState) color.Color {
	switch {
	case sv.Link == store.LinkLive && sv.Knowledge == store.Current:
		return draw.Green
	case sv.Link == store.LinkRejected || sv.Link == store.LinkOffline:
		return draw.Red
	}
	return draw.Amber
}

// allServers is the filter's first choice.
const allServers = "All servers"

// serverFilter is the filter by server with several servers: "All
// servers", then each server by name.
type serverFilter struct {
	Select *widget.Select
	ids    []string // by option, "" for all
	names  []string
	id     string // the server shown, "" for all
	onPick func()
}

func newServerFilter(onPick func()) *serverFilter {
	f := &serverFilter{onPick: onPick}
	f.Select = widget.NewSelect(nil, f.pick)
	f.Select.Hide()
	return f
}

func (f *serverFilter) pick(name string) {
	i := slices.Index(f.names, name)
	if i < 0 || f.ids[i] == f.id {
		return
	}
	f.id = f.ids[i]
	f.onPick()
}

// set offers st's servers; a filtered server that is gone shows all.
func (f *serverFilter) set(st store.State) {
	showIf(f.Select, several(st))
	names, ids := []string{allServers}, []string{""}
	if several(st) {
		for _, sv := range st.Servers {
			names, ids = append(names, sv.Name), append(ids, sv.ID)
		}
	}
	if !slices.Equal(names, f.names) || !slices.Equal(ids, f.ids) {
		f.names, f.ids = names, ids
		f.Select.SetOptions(names)
	}
	i := max(slices.Index(ids, f.id), 0)
	f.id = ids[i]
	if f.Select.SelectedIndex() != i {
		f.Select.SetSelectedIndex(i) // calls pick, which finds nothing new
	}
}
