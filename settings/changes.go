package settings

import (
	"slices"
)

// Diff is what changed between two Settings, as the app applies it live.
type Diff struct {
	// ServersAdded are the servers (by ID) only in the new Settings, in
	// their new order: connect to them if enabled.
	ServersAdded []string
	// ServersRemoved are the servers (by ID) only in the old Settings, in
	// their old order: disconnect and forget them.
	ServersRemoved []string
	// Servers says what changed for each server in both, in the new
	// order; servers with no change are left out.
	Servers []ServerDiff
	// RulesChanged: MinSeverity, MutedRooms, QuietHours, OutageNotice,
	// ReAlert or SilentCriticals changed; hand the new rules to the
	// notifier.
	RulesChanged bool
	// StartAtLoginChanged: call SetStartAtLogin(new.StartAtLogin, …).
	StartAtLoginChanged bool
	// RisksChanged: the confirmed token risks changed; a connection
	// refused for an unconfirmed risk may now be tried.
	RisksChanged bool
}

// ServerDiff is what changed for one server.
type ServerDiff struct {
	// ID is the server's (the new one's, for ServerChanges).
	ID string
	// ServerChanged: reconnect to the new URL (with the new rooms).
	ServerChanged bool
	// CatchupChanged: the catch-up URL override changed.
	CatchupChanged bool
	// RoomsAdded are in the new Rooms only, in their new order: join them now.
	RoomsAdded []string
	// RoomsRemoved are in the old Rooms only, in their old order: leave them now.
	RoomsRemoved []string
	// NameChanged, EnabledChanged, MutedChanged: the name, Disabled or
	// Muted changed.
	NameChanged, EnabledChanged, MutedChanged bool
}

// Any reports whether anything changed.
func (d ServerDiff) Any() bool {
	return d.ServerChanged || d.CatchupChanged || len(d.RoomsAdded) > 0 || len(d.RoomsRemoved) > 0 ||
		d.NameChanged || d.EnabledChanged || d.MutedChanged
}

// Changes compares old and new after Normalize (URLs without surrounding
// whitespace, rooms without a leading "#"). Servers are matched by ID, so
// a server whose URL was edited is one server whose ServerChanged is set.
func Changes(old, new Settings) Diff {
	old, new = old.Normalize(), new.Normalize()
	d := Diff{
		StartAtLoginChanged: old.StartAtLogin != new.StartAtLogin,
		RisksChanged:        !sameSet(old.ConfirmedRisks, new.ConfirmedRisks),
	}
	for _, n := range new.Servers {
		o, ok := old.Server(n.ID)
		if !ok {
			d.ServersAdded = append(d.ServersAdded, n.ID)
			continue
		}
		if sd := ServerChanges(o, n); sd.Any() {
			d.Servers = append(d.Servers, sd)
		}
	}
	for _, o := range old.Servers {
		if _, ok := new.Server(o.ID); !ok {
			d.ServersRemoved = append(d.ServersRemoved, o.ID)
		}
	}
	d.RulesChanged = old.MinSeverity != new.MinSeverity ||
		!sameSet(old.MutedRooms, new.MutedRooms) ||
		old.QuietHours != new.QuietHours ||
		old.OutageNotice != new.OutageNotice ||
		old.ReAlert != new.ReAlert ||
		old.SilentCriticals != new.SilentCriticals
	return d
}

// ServerChanges compares two servers after Normalize, whatever their IDs:
// code that follows one server compares the old and new Settings.Primary
// with it. When ServerChanged, RoomsAdded and RoomsRemoved are still filled
// in, but a reconnect joins the new Rooms anyway, so the app need not join
// or leave.
func ServerChanges(old, new Server) ServerDiff {
	old, new = old.Normalize(), new.Normalize()
	d := ServerDiff{
		ID:             new.ID,
		ServerChanged:  old.URL != new.URL,
		CatchupChanged: old.CatchupURL != new.CatchupURL,
		NameChanged:    old.Name != new.Name,
		EnabledChanged: old.Disabled != new.Disabled,
		MutedChanged:   old.Muted != new.Muted,
	}
	for _, r := range new.Rooms {
		if !slices.Contains(old.Rooms, r) && !slices.Contains(d.RoomsAdded, r) {
			d.RoomsAdded = append(d.RoomsAdded, r)
		}
	}
	for _, r := range old.Rooms {
		if !slices.Contains(new.Rooms, r) && !slices.Contains(d.RoomsRemoved, r) {
			d.RoomsRemoved = append(d.RoomsRemoved, r)
		}
	}
	return d
}

func sameSet(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			return false
		}
	}
	return true
}
