package agent

import (
	"slices"
	"time"

	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/store"
)

// inForce is the settings this run uses at start: the saved ones,
// overridden by the command line. -server (or -demo, the built-in demo
// server) defines the one server of this run: the saved server with that
// URL keeps its ID, name and rooms; another takes the rooms of the saved
// first server, as the single-server version did. -rooms and -catchup-url
// apply to the first enabled server; the risks of its URLs count as
// confirmed with -confirm-token-risks.
func inForce(saved settings.Settings, c Config) settings.Settings {
	s := saved.Clone()
	switch {
	case c.Demo:
		s.Servers = []settings.Server{commandLineServer(saved, "")}
	case c.Server != "":
		s.Servers = []settings.Server{commandLineServer(saved, c.Server)}
	}
	i := slices.IndexFunc(s.Servers, func(sv settings.Server) bool { return !sv.Disabled })
	if i < 0 {
		return s.Normalize()
	}
	sv := &s.Servers[i]
	if c.CatchUpGiven {
		sv.CatchupURL = c.CatchUpURL
	}
	if c.RoomsGiven {
		sv.Rooms = slices.Clone(c.Rooms)
	}
	if c.ConfirmRisks {
		s.ConfirmedRisks = append(s.ConfirmedRisks, settings.AcceptRisks(settings.TokenRisks(sv.URL, sv.CatchupURL))...)
	}
	return s.Normalize()
}

// commandLineServer is the server at url ("" the built-in demo) for this
// run: the saved one at that URL, enabled, without its catch-up override
// unless the URL is its own; or a new one with ID settings.DefaultServerID
// and the first saved server's rooms.
func commandLineServer(saved settings.Settings, url string) settings.Server {
	for _, sv := range saved.Servers {
		if (url == "" && sv.IsDemo()) || (url != "" && settings.SameServer(sv.URL, url)) {
			sv = sv.Clone()
			sv.URL, sv.Disabled = url, false
			return sv
		}
	}
	sv := settings.Server{ID: settings.DefaultServerID, URL: url}
	if len(saved.Servers) > 0 {
		sv.Rooms = slices.Clone(saved.Servers[0].Rooms)
	}
	return sv
}

// merge is the settings in force after the file changed from oldSaved to
// newSaved (the window's Settings saved it): what the user changed takes
// the new value; what they did not change keeps this run's value, so a
// -server given on the command line survives a change of quiet hours, and
// an edit of the servers list puts the saved list in force.
func merge(cur, oldSaved, newSaved settings.Settings) settings.Settings {
	d := settings.Changes(oldSaved, newSaved)
	s := cur.Clone()
	if len(d.ServersAdded) > 0 || len(d.ServersRemoved) > 0 || len(d.Servers) > 0 || !sameOrder(oldSaved, newSaved) {
		s.Servers = newSaved.Clone().Servers
	}
	if d.RulesChanged {
		s.MinSeverity, s.MutedRooms = newSaved.MinSeverity, slices.Clone(newSaved.MutedRooms)
		s.QuietHours, s.OutageNotice = newSaved.QuietHours, newSaved.OutageNotice
		s.ReAlert, s.SilentCriticals = newSaved.ReAlert, newSaved.SilentCriticals
	}
	if d.RisksChanged {
		s.ConfirmedRisks = slices.Clone(newSaved.ConfirmedRisks)
	}
	// No flag overrides these: the file's value is in force.
	s.PauseCriticals, s.Compression = newSaved.PauseCriticals, newSaved.Compression
	s.StartAtLogin = newSaved.StartAtLogin
	return s.Normalize()
}

// sameOrder reports whether a and b list their servers in the same order.
func sameOrder(a, b settings.Settings) bool {
	return slices.EqualFunc(a.Servers, b.Servers, func(x, y settings.Server) bool { return x.ID == y.ID })
}

// rules are the notification rules in force: the settings' rules with the
// store's pause, and whether criticals break through it (the store holds
// the setting for the tray and window to show; the agent puts
// settings.PauseCriticals there, see switches).
func rules(s settings.Settings, st store.State) notify.Rules {
	r := s.Rules()
	r.PausedUntil = st.PausedUntil
	r.PauseCriticals = !st.CriticalsBreakPause
	return r
}

// rooms are the rooms to join on sv: its own, or the demo server's when
// sv is the built-in demo and names none. The demo's rooms never reach a
// real server.
func rooms(sv settings.Server) []string {
	if sv.IsDemo() && len(sv.Rooms) == 0 {
		return slices.Clone(demo.DefaultRooms)
	}
	return slices.Clone(sv.Rooms)
}

// socketOptions are the WebSocket client's options: the reconnect cap
// from -max-reconnect-delay, permessage-deflate from the Compression
// setting.
func socketOptions(compression bool, maxReconnectDelay time.Duration) socket.Options {
	return socket.Options{MaxReconnectDelay: maxReconnectDelay, Compression: compression}
}

// switches puts the settings the store holds for everyone to see into st:
// whether criticals break through a pause (the opposite of
// settings.PauseCriticals). Call it before rules(s, st.State()).
func switches(st *store.Store, s settings.Settings) {
	st.SetCriticalsBreakPause(!s.PauseCriticals)
}
