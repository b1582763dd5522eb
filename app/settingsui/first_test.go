package settingsui

import "github.com/warpdesk/warpdesk/settings"

// first is the server the form edits: the first in the list, the demo
// server when the list is empty.
// (A test helper: the form edits every server.)
func first(s settings.Settings) settings.Server {
	if len(s.Servers) > 0 {
		return s.Servers[0].Clone()
	}
	return settings.Server{ID: settings.DefaultServerID}
}
