package app

import (
	"slices"

	"github.com/warpdesk/warpdesk/settings"
)

// ApplySettings makes the connection follow a change the user saved in the
// settings window, at once: a new server is dialled now (the old connection
// closes cleanly), a new catch-up URL is fetched from now, rooms added are
// joined and rooms removed are left now. Notification rules and start at
// login are not the connection's business; the caller applies those.
func (a *App) ApplySettings(old, s settings.Settings) error {
	d := settings.Changes(old, s)
	switch {
	case d.ServerChanged:
		if err := a.SetServer(s.ServerURL, s.CatchupURL); err != nil {
			return err
		}
	case d.CatchupChanged:
		if err := a.SetCatchUpURL(s.CatchupURL); err != nil {
			return err
		}
	}
	if !slices.Equal(old.Rooms, s.Rooms) {
		a.SetRooms(s.Rooms)
	}
	return nil
}
