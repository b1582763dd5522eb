//go:build (linux || freebsd || netbsd || openbsd || illumos) && !nodbus

package notify

import "errors"

// System is the production Deliverer. On Linux and the BSDs it talks to the
// freedesktop notification server over D-Bus (see DBus: urgency, app name,
// click action), and falls back to beeep (see Beeep) for a notification
// when the session bus cannot be reached at all, so that notify-send or
// kdialog still get a chance. It does not fall back on other D-Bus errors:
// beeep would try the same server, with no timeout.
//
// On macOS and Windows (and with the nodbus build tag) System is beeep
// alone: beeep speaks those platforms' notification APIs, and there is no
// click action.
type System struct {
	dbus  *DBus
	beeep *Beeep
}

// NewSystem returns the production Deliverer for this platform. It does no
// I/O until the first Deliver. Close it when done.
func NewSystem(opts SystemOptions) *System {
	opts.defaults()
	return &System{dbus: NewDBus(opts), beeep: NewBeeep(opts.AppName, opts.AppIcon)}
}

// Deliver shows n, over D-Bus or, when there is no session bus, with beeep.
func (s *System) Deliver(n Notification) error {
	err := s.dbus.Deliver(n)
	if err == nil || !errors.Is(err, ErrNoBus) {
		return err
	}
	if berr := s.beeep.Deliver(n); berr != nil {
		return errors.Join(err, berr)
	}
	return nil
}

// Close releases the D-Bus connection.
func (s *System) Close() error { return s.dbus.Close() }

// Withdraw closes the notifications shown for the incident id of server,
// if any are still on screen, and keeps one not yet shown from appearing
// (see DBus.Withdraw). It never blocks. beeep's notifications cannot be
// withdrawn.
func (s *System) Withdraw(server, id string) { s.dbus.Withdraw(server, id) }

// Reopen lets the notifications of the incident id of server show again
// after Withdraw: it came back unacknowledged (see DBus.Reopen).
func (s *System) Reopen(server, id string) { s.dbus.Reopen(server, id) }
