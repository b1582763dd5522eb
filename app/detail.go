package app

import (
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/warpdesk/warpdesk/ipc"
	"github.com/warpdesk/warpdesk/store"
)

// detailPane shows the selected incident in full: title, description,
// service, room, server (with several), when it was created (absolute and
// relative) and its acknowledgement, with Acknowledge, "Open in browser"
// (the incident in the user's ops tool) and "Copy link".
type detailPane struct {
	Title       *widget.Label
	Severity    *widget.Label
	Description *widget.Label
	Service     *widget.Label
	Room        *widget.Label
	Server      *widget.Label
	Created     *widget.Label
	Ack         *widget.Label
	Note        *widget.Label // "Select an incident…", "no longer open"

	Acknowledge *widget.Button
	Open        *widget.Button
	Copy        *widget.Button

	fields *fyne.Container
	server *widget.Label // the Server row's key
	body   fyne.CanvasObject
	object fyne.CanvasObject

	fa   fyne.App
	ref  ipc.IncidentRef
	link string
}

func newDetailPane(fa fyne.App, onAck func(ipc.IncidentRef)) *detailPane {
	d := &detailPane{
		Title: widget.NewLabel(""), Severity: widget.NewLabel(""), Description: widget.NewLabel(""),
		Service: widget.NewLabel(""), Room: widget.NewLabel(""), Server: widget.NewLabel(""),
		Created: widget.NewLabel(""), Ack: widget.NewLabel(""), Note: widget.NewLabel(""),
		server: key("Server"), fa: fa,
	}
	d.Acknowledge = widget.NewButtonWithIcon("Acknowledge", theme.ConfirmIcon(), func() {
		if d.ref.UUID != "" {
			onAck(d.ref)
		}
	})
	d.Open = widget.NewButtonWithIcon("Open in browser", theme.ComputerIcon(), d.openLink)
	d.Copy = widget.NewButtonWithIcon("Copy link", theme.ContentCopyIcon(), d.copyLink)
	d.Title.TextStyle.Bold = true
	d.Title.SizeName = theme.SizeNameSubHeadingText
	// The long texts wrap; the short ones do not, as a wrapped label in a
	// form's row takes a blank line more than it needs.
	for _, l := range []*widget.Label{d.Title, d.Description, d.Ack, d.Note} {
		l.Wrapping = fyne.TextWrapWord
	}
	for _, l := range []*widget.Label{d.Service, d.Room, d.Server} {
		l.Truncation = fyne.TextTruncateEllipsis
	}
	d.Severity.TextStyle.Bold = true
	d.fields = container.New(layout.NewFormLayout(),
		key("Severity"), d.Severity, key("Service"), d.Service, key("Room"), d.Room,
		d.server, d.Server, key("Created"), d.Created, key("Acknowledged"), d.Ack)
	// Two lines of buttons, so that the pane does not push the list aside.
	buttons := container.NewVBox(container.NewHBox(d.Acknowledge), container.NewHBox(d.Open, d.Copy))
	d.body = container.NewVBox(d.Title, d.Description, d.fields, buttons)
	d.object = container.NewVScroll(container.NewVBox(d.Note, d.body))
	return d
}

func key(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.TextStyle.Bold = true
	return l
}

// set shows the incident ref of st (found by server and UUID), or says
// that none is selected or that it is no longer open.
func (d *detailPane) set(st store.State, ref ipc.IncidentRef, rc *rowContext, m *moment) {
	d.ref = ipc.IncidentRef{}
	in, found := findIncident(st.Incidents, ref)
	switch {
	case ref.UUID == "":
		setText(d.Note, "Select an incident to see its details.")
	case !found:
		setText(d.Note, "This incident is no longer open: it was resolved, or its room or server is no longer watched.")
	}
	showIf(d.Note, !found)
	showIf(d.body, found)
	if !found {
		return
	}
	d.ref = ref
	setText(d.Title, in.Title)
	setText(d.Description, in.Description)
	showIf(d.Description, in.Description != "")
	look := lookOf(in.Severity)
	if d.Severity.Importance != look.Importance {
		d.Severity.Importance = look.Importance
		d.Severity.Refresh()
	}
	setText(d.Severity, look.Word)
	setText(d.Service, orNone(in.Service))
	room := ""
	if in.Room != "" {
		room = "#" + in.Room
	}
	setText(d.Room, orNone(room))
	name, several := rc.names[in.Server]
	if asOf, dim := rc.notLive[in.Server]; dim {
		name += " · " + asOfWords(asOf, m)
	}
	setText(d.Server, name)
	showIf(d.server, several)
	showIf(d.Server, several)
	created := in.Created()
	format := "Mon 2 Jan 15:04:05"
	if created.Year() != m.now.Year() {
		format = "Mon 2 Jan 2006 15:04:05"
	}
	setText(d.Created, created.Format(format)+" ("+m.age(created)+")")
	ack := ackLine(in.Incident, in.Acked, in.AckPending, in.AckErr, m)
	setText(d.Ack, orNone(ack))
	retry := in.AckErr != "" && !in.AckPending && !in.IsAcknowledged()
	showIf(d.Acknowledge, retry || needsAck(in))
	if retry {
		setButtonText(d.Acknowledge, "Retry acknowledging")
	} else {
		setButtonText(d.Acknowledge, "Acknowledge")
	}
	link, ok := in.Link()
	d.link = link
	enableIf(d.Open, ok)
	enableIf(d.Copy, ok)
}

func findIncident(ins []store.Incident, ref ipc.IncidentRef) (store.Incident, bool) {
	if ref.UUID == "" {
		return store.Incident{}, false
	}
	for _, in := range ins {
		if in.UUID == ref.UUID && in.Server == ref.Server {
			return in, true
		}
	}
	return store.Incident{}, false
}

func orNone(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// openLink opens the incident in the user's browser. Link was checked by
// ops.Incident.Link (absolute http or https); a failure is logged by Fyne.
func (d *detailPane) openLink() {
	if u, err := url.Parse(d.link); d.link != "" && err == nil {
		if err := d.fa.OpenURL(u); err != nil {
			fyne.LogError("open the incident's link", err)
		}
	}
}

// copyLink puts the incident's link on the clipboard.
func (d *detailPane) copyLink() {
	if d.link != "" {
		d.fa.Clipboard().SetContent(d.link)
	}
}

func setButtonText(b *widget.Button, s string) {
	if b.Text != s {
		b.SetText(s)
	}
}

func enableIf(b *widget.Button, on bool) {
	switch {
	case on && b.Disabled():
		b.Enable()
	case !on && !b.Disabled():
		b.Disable()
	}
}
