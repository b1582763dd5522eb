package settingsui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// layout puts every field above its own error label, so a problem shows
// under the field it is about. Wrapped labels go full width in VBoxes: in a
// widget.Form cell fyne sizes them before it knows the width, and they
// overlap what follows.
func (f *form) layout() {
	bold := func(s string) *widget.Label {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	field := func(title string, objs ...fyne.CanvasObject) fyne.CanvasObject {
		return container.NewVBox(append([]fyne.CanvasObject{widget.NewLabel(title)}, objs...)...)
	}
	roomAdd := container.NewBorder(nil, nil, nil, f.addRoom, f.roomEntry)
	quiet := container.NewGridWithColumns(2,
		container.NewBorder(nil, nil, widget.NewLabel("From"), nil, f.quietStart),
		container.NewBorder(nil, nil, widget.NewLabel("to"), nil, f.quietEnd))
	body := container.NewVBox(
		bold("Servers"),
		f.serverBox,
		container.NewHBox(f.addServer),
		widget.NewSeparator(),
		f.editorTitle,
		field("Name", f.serverName, f.nameErr),
		f.serverChoice,
		field("Server URL", f.serverURL, f.urlError),
		field("Catch-up URL (optional)", f.catchupURL, f.catchupErr),
		field("Token", f.token, f.tokenErr, container.NewHBox(f.forgetToken), f.tokenStatus),
		f.insecure, f.insecureOK, f.riskErr,
		container.NewHBox(f.testBtn), f.testResult,
		widget.NewLabel("Rooms of this server"),
		roomAdd, f.roomError, f.roomBox,
		widget.NewSeparator(),
		f.compression,
		widget.NewSeparator(),
		bold("Notifications"),
		field("Notify for", f.minSeverity, f.sevErr),
		field("Muted rooms", f.muted, f.mutedErr),
		field("Outage notice", f.outage, f.outageErr),
		field("Notify an unacknowledged critical again", f.reAlert, f.reAlertErr),
		f.sound,
		f.quietOn, quiet, f.quietErr,
		f.criticalsBreak,
		widget.NewSeparator(),
		f.startLogin,
	)
	footer := container.NewVBox(widget.NewSeparator(), f.status, container.NewHBox(f.save, f.closeBtn))
	f.content = container.NewBorder(nil, footer, nil, nil, container.NewVScroll(container.NewPadded(body)))
}
