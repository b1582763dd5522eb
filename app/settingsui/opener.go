package settingsui

import (
	"fyne.io/fyne/v2"

	"github.com/warpdesk/warpdesk/settings"
)

// Opener returns the action for the tray's "Settings…" item (app.Config's
// OnSettings): it builds the window from current() and shows it, or, while
// that window is still open, brings it to the front instead of opening a
// second one. Call the returned func on the UI goroutine (menu actions run
// there).
func Opener(a fyne.App, current func() settings.Settings, tokens *settings.TokenStore, apply ApplyFunc) func() {
	var open fyne.Window
	return func() {
		if open != nil {
			open.Show()
			open.RequestFocus()
			return
		}
		w := NewWindow(a, current(), tokens, apply)
		w.SetOnClosed(func() {
			if open == w {
				open = nil
			}
		})
		open = w
		w.Show()
	}
}
