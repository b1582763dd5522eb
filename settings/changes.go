package settings

import (
	"slices"
	"strings"
)

// Diff is what changed between two Settings, as the app applies it live.
type Diff struct {
	// ServerChanged: reconnect to the new ServerURL (with the new rooms).
	ServerChanged bool
	// CatchupChanged: the catch-up URL override changed.
	CatchupChanged bool
	// RoomsAdded are in the new Rooms only, in their new order: join them now.
	RoomsAdded []string
	// RoomsRemoved are in the old Rooms only, in their old order: leave them now.
	RoomsRemoved []string
	// RulesChanged: MinSeverity, MutedRooms, QuietHours or OutageNotice
	// changed; hand the new rules to the notifier.
	RulesChanged bool
	// StartAtLoginChanged: call SetStartAtLogin(new.StartAtLogin, …).
	StartAtLoginChanged bool
	// RisksChanged: the confirmed token risks changed; a connection
	// refused for an unconfirmed risk may now be tried.
	RisksChanged bool
}

// Changes compares old and new after Normalize (URLs without surrounding
// whitespace, rooms without a leading "#").
// When ServerChanged, RoomsAdded and RoomsRemoved are still filled in, but a
// reconnect joins new.Rooms anyway, so the app need not join or leave.
func Changes(old, new Settings) Diff {
	old, new = old.Normalize(), new.Normalize()
	d := Diff{
		ServerChanged:       strings.TrimSpace(old.ServerURL) != strings.TrimSpace(new.ServerURL),
		CatchupChanged:      strings.TrimSpace(old.CatchupURL) != strings.TrimSpace(new.CatchupURL),
		StartAtLoginChanged: old.StartAtLogin != new.StartAtLogin,
		RisksChanged:        !sameSet(old.ConfirmedRisks, new.ConfirmedRisks),
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
	d.RulesChanged = old.MinSeverity != new.MinSeverity ||
		!sameSet(old.MutedRooms, new.MutedRooms) ||
		old.QuietHours != new.QuietHours ||
		old.OutageNotice != new.OutageNotice
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
