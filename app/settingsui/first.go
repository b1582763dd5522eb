package settingsui

import "github.com/warpdesk/warpdesk/settings"

// first is the server the form edits: the first in the list, the demo
// server when the list is empty.
// TODO(issue 12): the servers list (add, edit, remove).
func first(s settings.Settings) settings.Server {
	if len(s.Servers) > 0 {
		return s.Servers[0].Clone()
	}
	return settings.Server{ID: settings.DefaultServerID}
}
