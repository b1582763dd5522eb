// Package tray is Warpdesk's tray icon and menu in the background agent:
// what the tray shows is a pure function of a store.State and the clock
// (Build), and a thin layer (Start) applies it to the desktop's tray
// through fyne.io/systray, without Fyne's driver, GL or GTK.
//
// # What it shows
//
// The icon says whether the incident list can be trusted and whether a
// critical incident waits (unknown, live, critical, reconnecting,
// offline), with a pause badge while notifications are paused. The
// tooltip and the menu's first line say the same in words: "Not connected
// — incidents unknown" until the first catch-up, "Live — 3 active, 1
// critical", "Reconnecting — as of 17:35: 2 active", and "· notifications
// paused until 18:35". With several servers the icon is the most
// pressing of the servers' icons: an unacknowledged critical on a live,
// current server first, even while another server is down or unknown
// (then with a badge that says not every server is live; a critical on a
// stale or unknown list shows that server's link, as with one server),
// then unknown, offline and reconnecting. The tooltip and
// first line count the live ones ("2 of 3 live — 5 active, 1 critical",
// naming how many are unknown or stale), and each server
// has a line of its own ("Staging: Reconnecting — as of 17:35: 2 active ·
// connection refused") followed, while it is not live, by "Reconnect
// Staging". The menu offers Open dashboard, Reconnect now,
// Settings…, Pause notifications for 1 hour / until tomorrow or Resume,
// Acknowledge all critical, and Quit. A left click on the icon opens the
// dashboard.
//
// # Updates
//
// The layer follows the store.Source. Icon and tooltip change at once.
// Menu items keep their ids while only their labels or enabled states
// change, and the menu is rebuilt only when what it offers changes; an
// update that only changes information lines waits until MenuEvery has
// passed since the last one, so a storm of counts does not make the menu
// change under the pointer. A State that changes nothing shown (a
// redial's next attempt, the monitors) makes no call to the desktop, and
// each icon is converted to the desktop's format once.
//
// # Concurrency and lifetime
//
// One goroutine owns the tray: it applies States and runs the callbacks,
// one at a time. fyne.io/systray keeps one tray per process, so Start
// succeeds once per process. On Linux the library is pure Go over D-Bus
// (StatusNotifierItem and com.canonical.dbusmenu on the shared session
// bus connection, which Close closes) and needs no main thread; on
// Windows and macOS it is not exercised by the tests.
//
// # The tray host
//
// A session bus is all Start needs. The desktop's panel (the
// StatusNotifierWatcher) may start after Warpdesk, or restart: the tray
// follows the watcher's name on a private connection of its own and
// registers the item with each new owner.
package tray
