// Package notify turns incidents from the ops server into desktop
// notifications that people keep switched on: few, relevant, never
// misleading. It imports nothing from Fyne, so it builds and tests without
// cgo or a display.
//
// # Overview
//
// The package splits what and when from how:
//
//   - Rules (pure, value type) say which incidents may notify: a minimum
//     severity, muted rooms, quiet hours during which only critical
//     incidents notify, and a pause ("for 1 h", "until tomorrow").
//   - A Notifier applies the rules, drops duplicates, coalesces bursts,
//     debounces the connection-lost notice, composes the text, and hands
//     finished Notifications to a Deliverer on its own goroutine.
//   - A Deliverer shows them. System is the production one; tests pass any
//     function through notifytest.DelivererFunc.
//
// The agent hands each ops.Incident (validated where it entered the app)
// to Notifier.Incident as it is, with the ID of the server it came from;
// it reports connection and sleep changes with ConnectionLost,
// ConnectionRestored and SetAwake, incidents that need nobody any more
// with Settled, the servers watched with SetServers, and settings with
// SetRules and SetPausedUntil.
//
// # Several servers
//
// Every incident, catch-up and link change names its server (its ID, ""
// with a single server). The same UUID on two servers is two incidents:
// duplicates are dropped per server, and Notification.Server with
// Notification.ID is what a click or Acknowledge reports. With more than
// one server (SetServers) every notification names its server
// ("Production · ops · 14:02", "Staging is offline"); each server has its
// own outage notice, replaced by its own recovery. A server in
// Rules.MutedServers is watched but never notifies: neither its incidents
// nor its outage notice.
//
// # Re-alerts and sound
//
// A critical incident that notified (or was held by a silence or a mute)
// and that nobody acknowledged is notified again every Rules.ReAlert until Settled
// ("Unacknowledged for 10 min · …"; one that settled by leaving the list
// and comes back unacknowledged, a duplicate, is watched again without a
// new notification), on the delivery goroutine's one
// timer: the notifier wakes when a re-alert is due, never to poll.
// Re-alerts obey the rules in force when due, like any critical: through
// quiet hours and through a pause unless Rules.PauseCriticals; one that a
// silence holds waits for the next interval, one that a mute holds (its
// server or room) waits for the unmute and re-alerts one interval after
// it, never at once, and meanwhile wakes nothing. Criticals that
// came together re-alert together: a few one by one, more as one summary
// ("5 critical incidents still unacknowledged"). With Rules.CriticalSound
// a critical notification (and a summary holding one) carries a sound
// (Notification.Sound: SoundCritical, SoundReAlert for a re-alert), sent
// as the freedesktop "sound-name" hint with critical urgency.
//
// # Storms, duplicates, outages
//
// The first Options.Burst incidents shown within Options.Window notify one
// by one at once; the rest are counted into one summary at the window's end
// ("197 new incidents, 20 critical", critical urgency when any is critical,
// naming critical ones first). While a storm lasts there is one summary per
// window, and where the platform allows a new summary replaces the last on
// screen. No critical incident is dropped silently: each is shown or counted
// in a summary. Incidents whose UUID was seen among the last
// Options.Remember are dropped, whatever was decided for them then, so a
// reconnect catch-up does not re-notify. The connection-lost notice comes
// at most once per outage, only when the connection stays down for
// Rules.OutageNotice, never while asleep, and counting from the wake-up
// after a resume.
//
// A critical incident breaks through a pause (unless Rules.PauseCriticals)
// and through quiet hours.
//
// A pause or quiet hours silence incidents but do not hide them: when the
// silence ends (the pause runs out or is lifted, the quiet hours are over)
// one digest names what it held back ("5 incidents while notifications
// were paused, 1 critical"), with the urgency of the worst of them.
// Incidents in muted rooms or below the minimum severity are not held.
// The digest, the burst summary and the recovery notice say what is still
// open: an incident Settled (acknowledged or resolved) before they are
// shown is no longer counted or named in them, and when nothing is left
// they are not shown at all.
//
// # Catch-up and recovery
//
// Revealed takes what a catch-up found (opened while Warpdesk was offline,
// not running, or pointed elsewhere): a few notify one by one, more as one
// summary ("5 open incidents, 2 critical — opened while Warpdesk was
// offline"), and a notification says how old an incident is when it is.
// The outage notice also comes when the first connection never does
// ("Warpdesk cannot connect"), and once it was shown, the recovery
// replaces it on screen ("Back online — 3 new while offline"), carrying
// what the catch-up that ended the outage found.
//
// # Untrusted text
//
// Titles and room names come from the server. The Notifier turns invalid
// UTF-8 into U+FFFD (dbus-daemon disconnects a client that sends invalid
// UTF-8), replaces control characters and line breaks with spaces, drops
// bidirectional overrides, and bounds the summary to MaxSummaryRunes and
// the body to MaxBodyRunes. Deliverers escape &, < and > in the body for
// servers that interpret markup (freedesktop "body-markup"); summaries are
// plain text by the spec.
//
// # Delivery
//
// beeep (github.com/gen2brain/beeep) is the portable layer, but on Linux it
// cannot send low urgency, a per-call app name, a click action or a
// replacement. System therefore speaks the freedesktop protocol itself over
// the session bus there (see DBus, built on github.com/esiqveland/notify's
// types), and falls back to beeep when there is no session bus; on macOS
// and Windows it is beeep alone. Severity maps to urgency: critical →
// Critical (2), warning → Normal (1), info → Low (0). Clicking a
// notification (the freedesktop "default" action) calls
// SystemOptions.OnClick with the incident's server and UUID (UUID "" for
// a summary or the outage notice), so that the app opens the dashboard on
// that incident. Over D-Bus an incident's notification also offers
// "Acknowledge" (SystemOptions.OnAcknowledge), and System.Withdraw closes
// it once the incident is acknowledged or resolved (System.Reopen lets an
// incident that came back unacknowledged show again). beeep reports no
// clicks and no actions on any platform: there a click does what the OS
// does with any notification (usually dismisses it) and the dashboard
// stays a tray click away; a sound is the OS's default notification
// sound on macOS and Windows, none on Linux.
//
// # Concurrency
//
// Notifier methods are safe for concurrent use and never wait for a
// delivery: Incident costs a mutex and a few counters, so the socket's
// dispatcher cannot be stalled by a slow notification server. One delivery
// goroutine calls Deliver, one notification at a time; memory stays bounded
// however fast incidents arrive or however slow delivery is (what cannot be
// shown yet is counted into the next summary). Close stops that goroutine.
// OnClick and OnAcknowledge run on a D-Bus goroutine: they must not block
// (in a Fyne app, wrap UI work in fyne.Do). Withdraw never blocks: its
// CloseNotification calls run on a goroutine of their own, which Close
// ends.
//
// # Testing
//
// Rules.Check and the engine behind the Notifier take the time as an
// argument and are tested with a hand-moved clock; the Notifier's own
// timers are tested under testing/synctest. Package notifytest is a fake
// org.freedesktop.Notifications server for a private bus
// (internal/dbustest) that records every Notify call and can click; the
// app's tests can reuse it.
package notify
