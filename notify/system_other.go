//go:build !((linux || freebsd || netbsd || openbsd || illumos) && !nodbus)

package notify

// System is the production Deliverer. On Linux and the BSDs it talks to the
// freedesktop notification server over D-Bus and falls back to beeep; on
// this platform it is beeep alone, which speaks the OS's notification API
// (no urgency, no click action).
type System struct {
	beeep *Beeep
}

// NewSystem returns the production Deliverer for this platform. Close it
// when done.
func NewSystem(opts SystemOptions) *System {
	opts.defaults()
	return &System{beeep: NewBeeep(opts.AppName, opts.AppIcon)}
}

// Deliver shows n with beeep.
func (s *System) Deliver(n Notification) error { return s.beeep.Deliver(n) }

// Close does nothing here; it exists so callers need no build tags.
func (s *System) Close() error { return nil }

// Withdraw does nothing here: beeep's notifications cannot be closed from
// the app. It exists so callers need no build tags.
func (s *System) Withdraw(server, id string) {}

// Reopen does nothing here, as Withdraw does nothing.
func (s *System) Reopen(server, id string) {}
