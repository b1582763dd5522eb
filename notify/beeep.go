package notify

import (
	"bytes"
	"image/png"
	"sync"

	"github.com/gen2brain/beeep"
)

// Beeep delivers through github.com/gen2brain/beeep, the portable path:
// D-Bus then notify-send/kdialog on Linux and the BSDs, terminal-notifier
// or osascript on macOS, toast notifications on Windows.
//
// beeep's API is title, message and icon, so through it every notification
// has normal urgency (beeep.Notify sends 1; beeep.Alert sends 2 but also
// beeps and writes a BEL byte to stdout), app_name is the process-wide
// beeep.AppName, and there is no click action and no replacement. That is
// why Linux uses the DBus deliverer first and this one only when the session
// bus cannot be reached.
type Beeep struct {
	appIcon string

	mu      sync.Mutex
	iconSrc []byte // last Notification.Icon checked, by identity
	iconOK  bool
}

// NewBeeep returns a beeep deliverer. It sets the process-wide
// beeep.AppName to appName (DefaultAppName when empty), since beeep takes
// the app name from there only. appIcon (a path or icon name) is used when a
// notification carries no valid PNG icon.
func NewBeeep(appName, appIcon string) *Beeep {
	if appName == "" {
		appName = DefaultAppName
	}
	beeep.AppName = appName
	return &Beeep{appIcon: appIcon}
}

// Deliver shows n with beeep.Notify. Where beeep reaches a freedesktop
// server (Linux, BSD) it cannot ask for capabilities, so the body is always
// markup-escaped there: safe on every server, at worst a literal "&amp;"
// on one that shows plain text.
//
// A notification with a Sound goes through beeep.Alert on macOS and
// Windows, which plays the system's default notification sound (beeep
// cannot play a named one). On Linux and the BSDs beeep.Alert would only
// write a BEL byte to stdout, and report a failure of that as a failed
// notification, so the sound is left out there.
//
// beeep has no click action: clicking one of its notifications never
// opens the dashboard (SystemOptions.OnClick is not called).
func (b *Beeep) Deliver(n Notification) error {
	body := n.Body
	if beeepViaDBus {
		body = EscapeMarkup(body)
	}
	if n.Sound != "" && !beeepViaDBus {
		return beeep.Alert(n.Summary, body, b.icon(n.Icon))
	}
	return beeep.Notify(n.Summary, body, b.icon(n.Icon))
}

// icon returns what beeep.Notify accepts: PNG bytes that decode, or the
// app icon string. Never nil: beeep rejects a nil icon outright.
func (b *Beeep) icon(p []byte) any {
	if len(p) == 0 {
		return b.appIcon
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if !sameBytes(p, b.iconSrc) {
		_, err := png.DecodeConfig(bytes.NewReader(p))
		b.iconSrc, b.iconOK = p, err == nil
	}
	if b.iconOK {
		return p
	}
	return b.appIcon
}

// sameBytes reports whether a and b are the same slice (not merely equal):
// the Notifier attaches one icon slice to every notification, so identity
// is a cheap cache key.
func sameBytes(a, b []byte) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}
