package tray

import (
	"slices"
	"time"
)

// MenuEvery is the least time between two menu updates that only change
// information lines (the summary and the reason under it). Every update
// makes the tray host fetch the menu again; in an incident storm the
// counts change many times a second, and a menu that changes under the
// pointer loses clicks. Icon and tooltip follow at once, and a change of
// what the menu offers (Reconnect now enabled, pause or resume) is never
// held back.
const MenuEvery = time.Second

// change is how the menu must be updated to go from one View's items to
// the next.
type change int

const (
	// unchanged: nothing to do.
	unchanged change = iota
	// relabel: same items with the same actions; labels or enabled states
	// differ, so the items are updated in place and keep their ids (a
	// click in flight still lands on the item the user saw).
	relabel
	// rebuild: the items differ in number, action or server: the menu is
	// rebuilt (each item's listener knows what its item does).
	rebuild
)

// diff says how to get from the items shown to the next ones, and whether
// the update is information only (and may be held back by MenuEvery).
func diff(shown, next []Item) (c change, infoOnly bool) {
	if slices.Equal(shown, next) {
		return unchanged, false
	}
	if len(shown) != len(next) {
		return rebuild, false
	}
	infoOnly = true
	for i := range shown {
		a, b := shown[i], next[i]
		if a.Action != b.Action || a.Separator != b.Separator || a.Server != b.Server {
			return rebuild, false
		}
		if a != b && (a.Action != ActionNone || a.Disabled != b.Disabled) {
			infoOnly = false
		}
	}
	return relabel, infoOnly
}

// plan decides whether the menu is updated now: it returns the change to
// make, or unchanged and how long to wait when an information-only update
// comes less than MenuEvery after the last one (at lastAt).
func plan(shown, next []Item, lastAt, now time.Time) (change, time.Duration) {
	c, infoOnly := diff(shown, next)
	if c == unchanged || !infoOnly {
		return c, 0
	}
	if since := now.Sub(lastAt); since >= 0 && since < MenuEvery {
		return unchanged, MenuEvery - since
	}
	return c, 0
}
