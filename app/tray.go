package app

import (
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/systray"

	"github.com/warpdesk/warpdesk/notify"
)

// TrayActions are what the tray menu's items do.
type TrayActions struct {
	Open      func() // show and focus the dashboard
	Reconnect func() // client.Reconnect: dial now, reset the backoff
	Settings  func() // open the settings window; nil disables the item
	Quit      func() // disconnect cleanly and quit
	// PauseNotifications pauses desktop notifications until the given
	// instant; the zero time resumes them. Nil hides the pause items.
	PauseNotifications func(until time.Time)
	// PausedUntil reports until when notifications are paused (zero: not
	// paused), for the menu's wording.
	PausedUntil func() time.Time
	// Now is the clock for "1 hour" and "tomorrow"; nil means time.Now.
	Now func() time.Time
}

// pausedUntil returns the current pause end, or zero.
func (act TrayActions) pausedUntil() time.Time {
	if act.PausedUntil == nil {
		return time.Time{}
	}
	until := act.PausedUntil()
	if act.now().After(until) {
		return time.Time{}
	}
	return until
}

func (act TrayActions) now() time.Time {
	if act.Now != nil {
		return act.Now()
	}
	return time.Now()
}

// Menu labels, which tests (and the end-to-end test's D-Bus reader) use.
const (
	LabelOpen      = "Open dashboard"
	LabelReconnect = "Reconnect now"
	LabelSettings  = "Settings…"
	LabelQuit      = "Quit"

	LabelPauseHour     = "Pause notifications for 1 hour"
	LabelPauseTomorrow = "Pause notifications until tomorrow"
	LabelResume        = "Resume notifications"
)

// TrayMenu builds the tray menu for a state: the summary as a disabled first
// line, then Open dashboard, Reconnect now (disabled while live), Settings…,
// Quit. It is pure: the same inputs give the same menu.
func TrayMenu(summary string, v View, act TrayActions) *fyne.Menu {
	head := fyne.NewMenuItem(summary, nil)
	head.Disabled = true
	reconnect := fyne.NewMenuItem(LabelReconnect, act.Reconnect)
	reconnect.Disabled = !v.CanReconnect || act.Reconnect == nil
	settings := fyne.NewMenuItem(LabelSettings, act.Settings)
	settings.Disabled = act.Settings == nil
	quit := fyne.NewMenuItem(LabelQuit, act.Quit)
	quit.IsQuit = true
	items := []*fyne.MenuItem{
		head,
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(LabelOpen, act.Open),
		reconnect,
		settings,
	}
	if pause := act.PauseNotifications; pause != nil {
		items = append(items, fyne.NewMenuItemSeparator())
		if until := act.pausedUntil(); !until.IsZero() {
			note := fyne.NewMenuItem("Notifications paused until "+until.Format("Mon 15:04"), nil)
			note.Disabled = true
			items = append(items, note, fyne.NewMenuItem(LabelResume, func() { pause(time.Time{}) }))
		} else {
			items = append(items,
				fyne.NewMenuItem(LabelPauseHour, func() { pause(notify.PauseFor(act.now(), time.Hour)) }),
				fyne.NewMenuItem(LabelPauseTomorrow, func() { pause(notify.PauseUntilTomorrow(act.now())) }))
		}
	}
	items = append(items, fyne.NewMenuItemSeparator(), quit)
	return fyne.NewMenu("Warpdesk", items...)
}

// Tray is where the app shows its state outside the window. The production
// one drives the desktop tray; tests record.
type Tray interface {
	SetIcon(fyne.Resource)
	SetMenu(*fyne.Menu)
	SetTooltip(string)
}

// desktopTray drives a StatusNotifierItem through Fyne's desktop.App. Fyne
// has no tooltip API, so the tooltip goes to fyne.io/systray (the library
// Fyne's tray is built on) directly.
//
// fyne.io/systray panics when a property is set after the tray was stopped
// (its D-Bus connection is closed on quit), and Fyne stops it inside Quit,
// before work already queued for the UI goroutine has run. So every call is
// guarded: after the first such panic the tray is considered gone.
type desktopTray struct {
	d         desktop.App
	log       *slog.Logger
	windowSet bool
	gone      atomic.Bool
}

func (t *desktopTray) guard(what string, f func()) {
	if t.gone.Load() {
		return
	}
	defer func() {
		if r := recover(); r != nil {
			t.gone.Store(true)
			if t.log != nil {
				t.log.Debug("tray gone (app quitting)", "op", what, "panic", fmt.Sprint(r))
			}
		}
	}()
	f()
}

func (t *desktopTray) SetIcon(r fyne.Resource) {
	t.guard("icon", func() { t.d.SetSystemTrayIcon(r) })
}

func (t *desktopTray) SetMenu(m *fyne.Menu) {
	t.guard("menu", func() { t.d.SetSystemTrayMenu(m) })
}

func (t *desktopTray) SetTooltip(s string) {
	t.guard("tooltip", func() { systray.SetTooltip(s) })
}

// setWindow makes a left click on the icon show w.
func (t *desktopTray) setWindow(w fyne.Window) {
	t.guard("window", func() { t.d.SetSystemTrayWindow(w) })
}

// trayState is what was last pushed to a Tray, so that an update only
// touches what changed (a menu rebuild re-exports it over D-Bus).
//
// The menu is one *fyne.Menu for the app's life, whose items are replaced
// in place: Fyne's tray keeps the first menu it was given and rebuilds from
// it once the tray host is ready, so a new Menu object per update would
// resurrect a stale first line.
type trayState struct {
	icon    fyne.Resource
	tooltip string
	summary string // the menu's first line
	view    View
	menu    *fyne.Menu
	menuAt  time.Time // when the menu was last rebuilt
	paused  time.Time
}

// trayMenuEvery is the least time between two tray menu rebuilds that only
// change the summary line. Fyne re-exports the whole menu with new item ids
// on every rebuild and the tray host fetches it again: in an incident storm
// an unthrottled menu would change many times a second, and a click could
// name an item that had just gone. The icon and tooltip follow at once, and
// a change of what the menu offers (Reconnect now, pause or resume) is not
// delayed.
const trayMenuEvery = time.Second

// applyTray pushes the state to t at now, skipping what is unchanged. It
// returns how long to wait before calling again when it held back a menu
// rebuild, else zero.
func applyTray(t Tray, last *trayState, v View, c Counts, act TrayActions, now time.Time) time.Duration {
	if t == nil {
		return 0
	}
	icon := TrayIcon(v.Level, c)
	if last.icon != icon {
		t.SetIcon(icon)
		last.icon = icon
	}
	summary := Summary(v, c)
	if last.tooltip != summary {
		t.SetTooltip(summary)
		last.tooltip = summary
	}
	paused := act.pausedUntil()
	offers := last.menu == nil || last.view.CanReconnect != v.CanReconnect || !last.paused.Equal(paused)
	if !offers && last.summary == summary {
		return 0
	}
	if since := now.Sub(last.menuAt); !offers && since >= 0 && since < trayMenuEvery {
		return trayMenuEvery - since
	}
	fresh := TrayMenu(summary, v, act)
	if last.menu == nil {
		last.menu = fresh
	} else {
		last.menu.Items = fresh.Items
	}
	t.SetMenu(last.menu)
	last.summary, last.view, last.paused, last.menuAt = summary, v, paused, now
	return 0
}
