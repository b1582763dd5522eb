package settingsui

import (
	"slices"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/warpdesk/warpdesk/settings"
)

func (f *form) addRoomFromEntry() {
	name := f.roomEntry.Text
	rooms, err := settings.AddRoom(f.rooms, name)
	if err != nil {
		setError(f.roomError, err)
		return
	}
	setError(f.roomError, nil)
	f.rooms = rooms
	f.roomEntry.SetText("")
	f.rebuildRooms(f.muted.Selected)
}

// removeRoom drops a room; a problem of the list shown under it (a
// duplicate, say) goes once the list is fixed.
func (f *form) removeRoom(name string) {
	f.rooms = settings.RemoveRoom(f.rooms, name)
	f.rebuildRooms(f.muted.Selected)
	var err error
	for _, fe := range settings.FieldErrors(settings.Server{ID: "x", Rooms: f.rooms}.Validate()) {
		if fe.Field == "Rooms" && err == nil {
			err = fe
		}
	}
	setError(f.roomError, err)
}

// rebuildRooms redraws the selected server's room list and the muted-rooms
// choices (every server's rooms, plus any muted room that is not joined).
func (f *form) rebuildRooms(muted []string) {
	f.roomBox.RemoveAll()
	f.roomRemove = map[string]*widget.Button{}
	if len(f.rooms) == 0 {
		f.roomBox.Add(widget.NewLabel("No rooms yet: add the rooms whose incidents you want."))
	}
	for _, r := range f.rooms {
		r := r
		b := widget.NewButton("Remove", func() { f.removeRoom(r) })
		f.roomRemove[r] = b
		f.roomBox.Add(container.NewBorder(nil, nil, nil, b, widget.NewLabel(r)))
	}
	f.roomBox.Refresh()
	var opts []string // every server's rooms: muted rooms are muted on all of them
	for _, sv := range f.editedServers() {
		for _, r := range sv.Rooms {
			if !slices.Contains(opts, r) {
				opts = append(opts, r)
			}
		}
	}
	for _, m := range muted {
		if !slices.Contains(opts, m) {
			opts = append(opts, m)
		}
	}
	sel := slices.Clone(muted)
	f.muted.Options = opts
	f.muted.SetSelected(sel)
	f.muted.Refresh()
}
