package tray

import (
	"fmt"
	"time"

	"github.com/warpdesk/warpdesk/assets/trayicon"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// Icon is the tray icon's base state; View.Paused adds the pause badge.
type Icon int

const (
	// IconUnknown: no catch-up has succeeded yet; the list proves nothing.
	IconUnknown Icon = iota
	// IconLive: live and caught up, no unacknowledged critical incident.
	IconLive
	// IconCritical: live and caught up, with a critical incident nobody
	// has acknowledged.
	IconCritical
	// IconReconnecting: known as of some time, and trying to get back
	// (connecting, reconnecting, or live while catch-up is failing).
	IconReconnecting
	// IconOffline: known as of some time, and not trying: no network,
	// asleep, stopped, or the token was rejected.
	IconOffline
	// IconCriticalPartial: with several servers, IconCritical with a
	// badge: a live, current server has a critical incident nobody has
	// acknowledged, while another server is not live or not current
	// (the tooltip names it).
	IconCriticalPartial
)

// String names the icon, for test failures and logs.
func (i Icon) String() string {
	switch i {
	case IconUnknown:
		return "unknown"
	case IconLive:
		return "live"
	case IconCritical:
		return "critical"
	case IconReconnecting:
		return "reconnecting"
	case IconOffline:
		return "offline"
	case IconCriticalPartial:
		return "critical, not all live"
	}
	return fmt.Sprintf("Icon(%d)", int(i))
}

// pngs are the icons' images, unpaused and paused, by Icon.
var pngs = [...][2][]byte{
	IconUnknown:         {trayicon.Unknown, trayicon.UnknownPaused},
	IconLive:            {trayicon.Live, trayicon.LivePaused},
	IconCritical:        {trayicon.Critical, trayicon.CriticalPaused},
	IconReconnecting:    {trayicon.Reconnecting, trayicon.ReconnectingPaused},
	IconOffline:         {trayicon.Offline, trayicon.OfflinePaused},
	IconCriticalPartial: {trayicon.CriticalPartial, trayicon.CriticalPartialPaused},
}

// PNG returns the icon's image, with the pause badge when paused; an
// invalid Icon gives the unknown one.
func (i Icon) PNG(paused bool) []byte {
	if i < 0 || int(i) >= len(pngs) {
		i = IconUnknown
	}
	if paused {
		return pngs[i][1]
	}
	return pngs[i][0]
}

// Action is what a menu item does when clicked.
type Action int

const (
	// ActionNone: an informational line (disabled) or a separator.
	ActionNone Action = iota
	// ActionOpen opens the dashboard (also a left click on the icon).
	ActionOpen
	// ActionReconnect asks the store to dial every server now
	// (store.Commands.Reconnect("")).
	ActionReconnect
	// ActionSettings opens Settings.
	ActionSettings
	// ActionPauseHour pauses notifications for an hour.
	ActionPauseHour
	// ActionPauseTomorrow pauses notifications until tomorrow morning.
	ActionPauseTomorrow
	// ActionResume ends a pause.
	ActionResume
	// ActionAckCritical acknowledges every critical incident.
	ActionAckCritical
	// ActionQuit quits Warpdesk.
	ActionQuit
	// ActionReconnectServer asks the store to dial one server now, the
	// item's Server (store.Commands.Reconnect(Item.Server)).
	ActionReconnectServer
)

// Menu labels and fixed texts, which tests and end-to-end tests look for.
const (
	LabelOpen          = "Open dashboard"
	LabelReconnect     = "Reconnect now"
	LabelSettings      = "Settings…"
	LabelPauseHour     = "Pause notifications for 1 hour"
	LabelPauseTomorrow = "Pause notifications until tomorrow"
	LabelResume        = "Resume notifications"
	LabelAckCritical   = "Acknowledge all critical"
	LabelQuit          = "Quit"
	// LabelReconnectServer starts the label of a server's reconnect item:
	// "Reconnect Staging".
	LabelReconnectServer = "Reconnect "

	// TextUnknown is the tooltip and first line while no catch-up has
	// succeeded and the link is not live.
	TextUnknown = "Not connected — incidents unknown"
	// TextCatchingUp is the tooltip and first line while the first
	// connection is live but its catch-up has not succeeded yet.
	TextCatchingUp = "Connected, catching up — incidents unknown"
)

// Item is one line of the tray menu.
type Item struct {
	// Label is the text; empty for a separator.
	Label string
	// Action is what a click does; ActionNone for information lines and
	// separators.
	Action Action
	// Disabled items are greyed out and do nothing.
	Disabled bool
	// Separator is a dividing line.
	Separator bool
	// Server is the ID of the server the item acts on
	// (store.ServerState.ID), for ActionReconnectServer; "" otherwise.
	Server string
}

// View is what the tray shows for one State at one instant.
type View struct {
	Icon Icon
	// Paused is true while notifications are paused: the icon carries the
	// pause badge.
	Paused bool
	// Tooltip is shown on hover; it is also the menu's first line.
	Tooltip string
	// Items are the menu, top to bottom; Items[0] is the summary line.
	Items []Item
}

// Build is the tray for s at now: icon, tooltip and menu. It is pure: the
// same State and instant give the same View. The instant matters for a
// pause (over once now reaches PausedUntil) and for how times are written
// (a clock time today, with the day otherwise).
//
// With one server (or none listed in s.Servers) the words are that
// server's: "Live — 3 active, 1 critical". With several, the icon is the
// worst of the servers' icons, the first line counts the live ones ("2 of
// 3 live — 5 active, 1 critical") and each server gets a line of its own,
// followed by "Reconnect <name>" while it is not live.
func Build(s store.State, now time.Time) View {
	paused := now.Before(s.PausedUntil)
	unacked := s.Unacknowledged(ops.Critical)
	c := count(s.Incidents, len(unacked))
	v := View{Paused: paused}
	var lines []Item
	allLive := s.Link == store.LinkLive
	if len(s.Servers) > 1 {
		v.Icon, v.Tooltip = worstIcon(s.Servers, unacked), overall(s.Servers, c, now)
		lines = serverLines(s.Servers, now)
		allLive = everyLive(s.Servers)
	} else {
		v.Icon = icon(s.Link, s.Knowledge, c.unacked)
		v.Tooltip = summary(s.Link, s.Knowledge, s.AsOf, c, now)
		if d := detail(s.Link, s.Reason, s.CatchUpErr); d != "" {
			lines = []Item{{Label: d, Disabled: true}}
		}
	}
	if paused {
		v.Tooltip += " · notifications paused until " + clock(s.PausedUntil, now)
	}
	v.Items = append(v.Items, Item{Label: v.Tooltip, Disabled: true})
	v.Items = append(v.Items, lines...)
	sep := Item{Separator: true}
	v.Items = append(v.Items, sep,
		Item{Label: LabelOpen, Action: ActionOpen},
		Item{Label: LabelReconnect, Action: ActionReconnect, Disabled: allLive},
		Item{Label: LabelSettings, Action: ActionSettings},
		sep)
	if paused {
		v.Items = append(v.Items, Item{Label: LabelResume, Action: ActionResume})
	} else {
		v.Items = append(v.Items,
			Item{Label: LabelPauseHour, Action: ActionPauseHour},
			Item{Label: LabelPauseTomorrow, Action: ActionPauseTomorrow})
	}
	v.Items = append(v.Items,
		Item{Label: LabelAckCritical, Action: ActionAckCritical, Disabled: c.unacked == 0},
		sep,
		Item{Label: LabelQuit, Action: ActionQuit})
	return v
}

// counts are the open incidents in numbers.
type counts struct {
	active, critical, unacked int
}

// count counts incs; unacked is how many critical ones nobody has
// acknowledged (store.State.Unacknowledged: a failed acknowledgement from
// this desktop does not count, the server does not know of it).
func count(incs []store.Incident, unacked int) counts {
	c := counts{unacked: unacked}
	for _, in := range incs {
		c.active++
		if in.Severity == ops.Critical {
			c.critical++
		}
	}
	return c
}

// icon picks one server's base icon. Unknown wins over everything: an
// empty list is not "all clear". The critical mark shows only while the
// list is current; a stale list shows the connection, so the user knows
// it may be old.
func icon(l store.Link, k store.Knowledge, unacked int) Icon {
	switch {
	case k == store.Unknown:
		return IconUnknown
	case l == store.LinkLive && k == store.Current:
		if unacked > 0 {
			return IconCritical
		}
		return IconLive
	case l == store.LinkOffline || l == store.LinkRejected:
		return IconOffline
	}
	return IconReconnecting
}

// summary is one server's state in words: "Live — 3 active, 1 critical",
// "Reconnecting — as of 17:35: 2 active", or the unknown texts. It holds
// nothing that changes with every redial (attempt counts, the next
// attempt's time): each change re-exports the menu, and a menu that
// changes under the pointer loses clicks.
func summary(l store.Link, k store.Knowledge, asOf time.Time, c counts, now time.Time) string {
	switch {
	case k == store.Unknown && l == store.LinkLive:
		return TextCatchingUp
	case k == store.Unknown:
		return TextUnknown
	case k == store.Stale:
		return l.Label() + " — as of " + clock(asOf, now) + ": " + c.String()
	}
	return l.Label() + " — " + c.String()
}

// String is "no active incidents", "3 active" or "3 active, 1 critical".
func (c counts) String() string {
	if c.active == 0 {
		return "no active incidents"
	}
	if c.critical == 0 {
		return fmt.Sprintf("%d active", c.active)
	}
	return fmt.Sprintf("%d active, %d critical", c.active, c.critical)
}

// detail says why a link is not live, or why catch-up fails while it is;
// "" when there is nothing to explain.
func detail(l store.Link, reason, catchUpErr string) string {
	if l != store.LinkLive {
		return reason
	}
	if catchUpErr != "" {
		return "Catch-up failing: " + catchUpErr
	}
	return ""
}

// clock writes t for a menu line, in now's location: "17:35" on now's
// day, "Wed 08:00" within a week either side, "2 Jan 17:35" otherwise.
func clock(t, now time.Time) string {
	t = t.In(now.Location())
	y1, m1, d1 := t.Date()
	y2, m2, d2 := now.Date()
	switch {
	case y1 == y2 && m1 == m2 && d1 == d2:
		return t.Format("15:04")
	case t.Sub(now).Abs() < 6*24*time.Hour:
		return t.Format("Mon 15:04")
	}
	return t.Format("2 Jan 15:04")
}
