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
// overridden by the command line. -demo chooses the demo server (ServerURL
// ""); the risks of a -server and -catchup-url given with
// -confirm-token-risks count as confirmed.
func inForce(saved settings.Settings, c Config) settings.Settings {
	s := saved.Clone()
	if c.Server != "" {
		s.ServerURL = c.Server
		if !c.CatchUpGiven {
			s.CatchupURL = "" // the saved override belongs to the saved server
		}
	}
	if c.Demo {
		s.ServerURL, s.CatchupURL = "", ""
	}
	if c.CatchUpGiven {
		s.CatchupURL = c.CatchUpURL
	}
	if c.RoomsGiven {
		s.Rooms = slices.Clone(c.Rooms)
	}
	if c.ConfirmRisks {
		s.ConfirmedRisks = append(s.ConfirmedRisks, settings.AcceptRisks(settings.TokenRisks(s.ServerURL, s.CatchupURL))...)
	}
	return s.Normalize()
}

// merge is the settings in force after the file changed from oldSaved to
// newSaved (the window's Settings saved it): what the user changed takes
// the new value; what they did not change keeps this run's value, so a
// -server given on the command line survives a change of quiet hours.
func merge(cur, oldSaved, newSaved settings.Settings) settings.Settings {
	d := settings.Changes(oldSaved, newSaved)
	s := cur.Clone()
	if d.ServerChanged {
		s.ServerURL, s.CatchupURL = newSaved.ServerURL, newSaved.CatchupURL
	}
	if d.CatchupChanged {
		s.CatchupURL = newSaved.CatchupURL
	}
	if len(d.RoomsAdded) > 0 || len(d.RoomsRemoved) > 0 || !slices.Equal(oldSaved.Rooms, newSaved.Rooms) {
		s.Rooms = slices.Clone(newSaved.Rooms)
	}
	if d.RulesChanged {
		s.MinSeverity, s.MutedRooms = newSaved.MinSeverity, slices.Clone(newSaved.MutedRooms)
		s.QuietHours, s.OutageNotice = newSaved.QuietHours, newSaved.OutageNotice
	}
	if d.RisksChanged {
		s.ConfirmedRisks = slices.Clone(newSaved.ConfirmedRisks)
	}
	// No flag overrides these: the file's value is in force.
	s.PauseCriticals, s.Compression = newSaved.PauseCriticals, newSaved.Compression
	s.StartAtLogin = newSaved.StartAtLogin
	return s.Normalize()
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

// rooms are the rooms to join for s: its own, or the demo server's when s
// uses the demo server and names none. The demo's rooms never reach a
// real server.
func rooms(s settings.Settings) []string {
	if s.UsesDemo() && len(s.Rooms) == 0 {
		return slices.Clone(demo.DefaultRooms)
	}
	return slices.Clone(s.Rooms)
}

// socketOptions are the WebSocket client's options for s and the command
// line: the reconnect cap from -max-reconnect-delay, permessage-deflate
// from the Compression setting.
func socketOptions(s settings.Settings, maxReconnectDelay time.Duration) socket.Options {
	return socket.Options{MaxReconnectDelay: maxReconnectDelay, Compression: s.Compression}
}

// switches puts the settings the store holds for everyone to see into st:
// whether criticals break through a pause (the opposite of
// settings.PauseCriticals). Call it before rules(s, st.State()).
func switches(st *store.Store, s settings.Settings) {
	st.SetCriticalsBreakPause(!s.PauseCriticals)
}
