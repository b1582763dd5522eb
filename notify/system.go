package notify

import (
	"errors"
	"log/slog"
	"time"
)

// ErrNoBus means the D-Bus session bus could not be reached, so the D-Bus
// delivery could not even try; the System deliverer then falls back to
// beeep.
var ErrNoBus = errors.New("notify: no D-Bus session bus")

// DefaultCallTimeout bounds each D-Bus call of the D-Bus deliverer.
const DefaultCallTimeout = 5 * time.Second

// The action keys of Warpdesk's notifications (freedesktop actions).
const (
	// ActionDefault is the click on the notification itself: OnClick.
	ActionDefault = "default"
	// ActionAcknowledge is the "Acknowledge" button of an incident's
	// notification: OnAcknowledge.
	ActionAcknowledge = "acknowledge"
)

// SystemOptions configure NewSystem. The zero value works; each field says
// what its zero value means.
type SystemOptions struct {
	// AppName is the app_name of every notification (and beeep.AppName).
	// Empty means DefaultAppName ("Warpdesk").
	AppName string
	// AppIcon is a freedesktop icon name ("warpdesk") or an absolute path to
	// an image, sent as app_icon; the PNG in Notification.Icon, when set,
	// goes as image data besides. Empty sends none.
	AppIcon string
	// DesktopEntry is the "desktop-entry" hint: the basename of the app's
	// .desktop file ("warpdesk"), which lets desktops group and style the
	// app's notifications. Empty sends none.
	DesktopEntry string
	// OnClick is called with Notification.Server and ID when the user
	// clicks a notification (the freedesktop "default" action): the app
	// opens the dashboard on that incident, or its front page for id ""
	// (a summary, an outage notice). It runs on a D-Bus goroutine: don't
	// block in it (in a Fyne app, wrap UI work in fyne.Do). Nil offers no
	// click action. Only the D-Bus delivery supports clicks: where System
	// falls back to beeep (no session bus; macOS and Windows), a click
	// does what the OS does with any notification, usually nothing beyond
	// dismissing it, and OnClick is never called; the tray's menu and the
	// dashboard stay the way to the incident.
	OnClick func(server, id string)
	// ActionLabel labels the default action where servers show it. Empty
	// means "Open dashboard".
	ActionLabel string
	// OnAcknowledge is called with the incident's server (its ID,
	// Notification.Server) and UUID when the user picks "Acknowledge"
	// (action key ActionAcknowledge) on an incident's notification;
	// notifications about no one incident (ID "") never offer it. The app acknowledges the incident for everyone; the
	// notification closes by itself (the server closes it once an action
	// is invoked). It runs on a D-Bus goroutine: don't block in it. Nil
	// offers no such action. D-Bus delivery only: beeep has no actions.
	OnAcknowledge func(server, id string)
	// AcknowledgeLabel labels that action. Empty means "Acknowledge".
	AcknowledgeLabel string
	// BusAddress is the session bus to use. Empty means
	// DBUS_SESSION_BUS_ADDRESS, then $XDG_RUNTIME_DIR/bus; a bus is never
	// autolaunched.
	BusAddress string
	// Timeout bounds each D-Bus call, so a hung notification server cannot
	// stall delivery. Zero means DefaultCallTimeout (5 s).
	Timeout time.Duration
	// Logger receives connection trouble. Nil discards.
	Logger *slog.Logger
}

func (o *SystemOptions) defaults() {
	if o.AppName == "" {
		o.AppName = DefaultAppName
	}
	if o.ActionLabel == "" {
		o.ActionLabel = "Open dashboard"
	}
	if o.AcknowledgeLabel == "" {
		o.AcknowledgeLabel = "Acknowledge"
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultCallTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}
