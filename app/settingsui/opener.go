package settingsui

import (
	"errors"

	"fyne.io/fyne/v2"

	"github.com/warpdesk/warpdesk/settings"
)

// WindowOpener returns the dashboard's Settings action in the window
// process, for its Settings button and Ctrl+, (and the "not connected"
// banner's button): it opens one Settings window for the settings in file,
// re-read at each opening, saves there, and calls saved after each save or
// forgotten token, on the UI goroutine: pass store.Commands.SettingsChanged
// so that the agent reloads the file. A second call while the window is
// open brings it to the front. Call the returned func on the UI goroutine.
func WindowOpener(a fyne.App, file *settings.File, tokens *settings.TokenStore, saved func()) func() {
	current := func() (settings.Settings, error) {
		rerr := file.Reload()
		if rerr != nil {
			fyne.LogError("settings file", rerr)
		}
		s, err := settings.Load(file) // invalid values are shown for fixing
		return s, errors.Join(rerr, err)
	}
	return opener(a, current, Options{Prefs: file, Tokens: tokens, Saved: saved})
}

// opener builds the window from current() and shows it, or, while that
// window is still open, brings it to the front instead of opening a second.
// current's error is the window's Options.LoadErr.
func opener(a fyne.App, current func() (settings.Settings, error), opts Options) func() {
	var open fyne.Window
	return func() {
		if open != nil {
			open.Show()
			open.RequestFocus()
			return
		}
		cur, err := current()
		opts.LoadErr = err
		w := NewWindowWith(a, cur, opts)
		w.SetOnClosed(func() {
			if open == w {
				open = nil
			}
		})
		open = w
		w.Show()
	}
}
