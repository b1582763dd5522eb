package settingsui

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/warpdesk/warpdesk/settings"
)

// The servers list: one row per server (its name, URL and rooms, Enabled,
// Muted, Edit, Remove) and one editor below it for the selected server
// (the server choice, URL, catch-up URL, token, rooms, Test connection).
// The editor's widgets hold the selected server; storeEditor writes them
// back into f.servers before another server is selected or the form is
// saved.

// serverRow is one server's row in the list.
type serverRow struct {
	label   *widget.Label
	enabled *widget.Check
	muted   *widget.Check
	edit    *widget.Button
	remove  *widget.Button
}

// selected returns the server being edited, and false when the list is
// empty.
func (f *form) selected() (settings.Server, bool) {
	if f.sel < 0 || f.sel >= len(f.servers) {
		return settings.Server{}, false
	}
	return f.servers[f.sel], true
}

// index returns the position of server id in f.servers, or -1.
func (f *form) index(id string) int {
	return slices.IndexFunc(f.servers, func(sv settings.Server) bool { return sv.ID == id })
}

// storeEditor writes the editor's widgets into the selected server, and a
// typed token into f.pending.
func (f *form) storeEditor() {
	if f.sel < 0 || f.sel >= len(f.servers) {
		return
	}
	sv := &f.servers[f.sel]
	sv.Name = f.serverName.Text
	sv.URL, sv.CatchupURL = f.serverURL.Text, f.catchupURL.Text
	if f.usesDemo() {
		sv.URL, sv.CatchupURL = "", ""
	}
	f.ownURL[sv.ID] = !f.usesDemo()
	sv.Rooms = slices.Clone(f.rooms)
	if t := strings.TrimSpace(f.token.Text); t != "" {
		f.pending[sv.ID] = settings.Secret(t)
	} else {
		delete(f.pending, sv.ID)
	}
}

// selectServer edits server i: the editor's current values are kept in
// the list, then server i's are shown.
func (f *form) selectServer(i int) {
	f.storeEditor()
	f.loadEditor(i)
}

// loadEditor shows server i in the editor (none when i is out of range:
// the editor is then disabled).
func (f *form) loadEditor(i int) {
	f.sel = i
	sv, ok := f.selected()
	f.loading = true
	f.serverName.SetText(sv.Name)
	f.serverURL.SetText(sv.URL)
	f.catchupURL.SetText(sv.CatchupURL)
	if sv.IsDemo() && !f.ownURL[sv.ID] {
		f.serverChoice.SetSelected(choiceDemo)
	} else {
		f.serverChoice.SetSelected(choiceURL)
	}
	f.token.SetText(string(f.pending[sv.ID]))
	f.rooms = slices.Clone(sv.Rooms)
	f.loading = false
	setError(f.tokenErr, nil)
	setError(f.roomError, nil)
	setError(f.riskErr, nil)
	f.testResult.Hide()
	f.rebuildRooms(f.muted.Selected)
	for _, w := range f.editorWidgets() {
		if ok {
			w.Enable()
		} else {
			w.Disable()
		}
	}
	if f.opts.Tokens == nil { // no store: the token cannot be changed here
		f.token.Disable()
		f.forgetToken.Disable()
	}
	if !ok {
		f.editorTitle.SetText("No server: add one to watch.")
		for _, l := range []*widget.Label{f.urlError, f.catchupErr, f.nameErr} {
			setError(l, nil)
		}
		f.insecure.Hide()
		f.insecureOK.Hide()
		f.tokenStatus.SetText("")
		f.rebuildServers()
		return
	}
	f.editorTitle.SetText("Editing: " + sv.Label())
	f.checkServerURL()
	f.rebuildServers()
	if f.opts.Tokens != nil {
		f.refreshTokenStatus(f.savedURL(sv.ID))
	}
}

// editorWidgets are the widgets that edit the selected server.
func (f *form) editorWidgets() []interface {
	Enable()
	Disable()
} {
	return []interface {
		Enable()
		Disable()
	}{f.serverName, f.serverChoice, f.serverURL, f.catchupURL, f.token, f.forgetToken, f.testBtn, f.roomEntry, f.addRoom}
}

// savedURL is the URL server id was saved with: its token is stored under
// it. A server not saved yet has none ("", which names no stored token).
func (f *form) savedURL(id string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if sv, ok := f.cur.Server(id); ok && !sv.IsDemo() {
		return sv.URL
	}
	return ""
}

// addNewServer adds a server of the user's own with a new ID and opens it
// in the editor.
func (f *form) addNewServer() {
	f.storeEditor()
	id := settings.NewServerID(f.servers)
	f.servers = append(f.servers, settings.Server{ID: id})
	f.ownURL[id] = true
	f.loadEditor(len(f.servers) - 1)
}

// askRemove asks for confirmation, then removes server id from the list;
// its keyring entry is deleted once the form is saved
// (settings.TokenChanges).
func (f *form) askRemove(id string) {
	i := f.index(id)
	if i < 0 {
		return
	}
	f.storeEditor()
	sv := f.servers[i]
	msg := fmt.Sprintf("%s will no longer be watched.", sv.Label())
	if !sv.IsDemo() {
		msg += " Its token will be deleted from the system keyring when you save."
	}
	f.confirm("Remove "+sv.Label()+"?", msg, func(ok bool) {
		if ok {
			f.removeServer(id)
		}
	})
}

func (f *form) removeServer(id string) {
	i := f.index(id)
	if i < 0 {
		return
	}
	label := f.servers[i].Label()
	f.servers = slices.Delete(f.servers, i, i+1)
	delete(f.pending, id)
	delete(f.ownURL, id)
	next := f.sel
	switch {
	case f.sel == i:
		next = min(i, len(f.servers)-1)
	case f.sel > i:
		next--
	}
	f.sel = -1 // the removed server's editor values are gone, not stored
	f.loadEditor(next)
	f.setStatus("Removed "+label+": save to apply.", widget.MediumImportance)
}

// rebuildServers redraws the list.
func (f *form) rebuildServers() {
	f.serverBox.RemoveAll()
	f.rows = map[string]*serverRow{}
	if len(f.servers) == 0 {
		f.serverBox.Add(widget.NewLabel("No servers: Warpdesk watches nothing until you add one."))
	}
	for i, sv := range f.servers {
		f.serverBox.Add(f.serverRow(i, sv))
	}
	f.serverBox.Refresh()
}

func (f *form) serverRow(i int, sv settings.Server) fyne.CanvasObject {
	id := sv.ID
	r := &serverRow{label: widget.NewLabel(rowText(sv, i == f.sel, f.bad[id]))}
	r.label.Truncation = fyne.TextTruncateEllipsis
	if f.bad[id] {
		r.label.Importance = widget.DangerImportance
	}
	r.enabled = widget.NewCheck("Enabled", func(on bool) {
		if j := f.index(id); j >= 0 {
			f.servers[j].Disabled = !on
		}
	})
	r.enabled.SetChecked(!sv.Disabled)
	r.muted = widget.NewCheck("Muted", func(on bool) {
		if j := f.index(id); j >= 0 {
			f.servers[j].Muted = on
		}
	})
	r.muted.SetChecked(sv.Muted)
	r.edit = widget.NewButton("Edit", func() {
		if j := f.index(id); j >= 0 {
			f.selectServer(j)
		}
	})
	if i == f.sel {
		r.edit.Disable()
	}
	r.remove = widget.NewButton("Remove", func() { f.askRemove(id) })
	f.rows[id] = r
	return container.NewBorder(nil, nil, nil, container.NewHBox(r.enabled, r.muted, r.edit, r.remove), r.label)
}

// rowText is a server's line in the list: its name, URL and rooms, and a
// mark for the one being edited or one with problems.
func rowText(sv settings.Server, editing, bad bool) string {
	var b strings.Builder
	switch {
	case bad:
		b.WriteString("⚠ ")
	case editing:
		b.WriteString("▸ ")
	}
	b.WriteString(sv.Label())
	if sv.Name != "" {
		if sv.IsDemo() {
			b.WriteString(" — " + settings.DemoLabel)
		} else {
			b.WriteString(" — " + settings.RedactURL(sv.URL))
		}
	}
	if len(sv.Rooms) > 0 {
		b.WriteString(" · " + strings.Join(sv.Rooms, ", "))
	}
	return b.String()
}
