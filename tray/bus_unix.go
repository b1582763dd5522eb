//go:build (linux || freebsd || openbsd || netbsd) && !android

package tray

import (
	"context"
	"errors"
	"time"

	"github.com/godbus/dbus/v5"
)

// The desktop's tray host: the panel owns the watcher's name, and items
// register with it.
const (
	watcherName = "org.kde.StatusNotifierWatcher"
	watcherPath = "/StatusNotifierWatcher"
	itemPath    = "/StatusNotifierItem" // where fyne.io/systray exports the item
)

// callTimeout bounds each of the tray's own D-Bus calls: a bus that
// accepts a connection but does not answer must not hang the tray.
const callTimeout = 5 * time.Second

// bus is the tray's own private connection to the session bus. Start
// checks with it that the bus answers (without starting one: an
// autolaunched bus would outlive Warpdesk) and whether a tray host is
// there, and the tray follows the tray host's comings and goings on it, so
// that the item registers with a host that starts after Warpdesk (a panel
// slower than autostart) or restarts.
//
// fyne.io/systray re-registers by itself too, but on the connection it
// shares with every other user of dbus.SessionBus (the keyring), and it
// stops for good at the first signal there with fewer than three
// arguments (a Secret Service prompt's Completed is one).
type bus struct {
	conn *dbus.Conn
	sigs chan *dbus.Signal
}

// openBus connects, and listens for the watcher's name changing owner
// before anything else, so that no host that appears after the check goes
// unnoticed. A bus that does not finish the handshake within callTimeout
// counts as none (godbus's authentication has no bound of its own).
func openBus() (*bus, error) {
	c, err := dbus.SessionBusPrivateNoAutoStartup()
	if err != nil {
		return nil, err
	}
	b := &bus{conn: c, sigs: make(chan *dbus.Signal, 8)}
	done := make(chan error, 1)
	go func() { done <- b.setUp() }()
	select {
	case err = <-done:
	case <-time.After(callTimeout):
		err = errors.New("the session bus did not answer within " + callTimeout.String())
	}
	if err != nil {
		c.Close() // also ends a handshake still waiting
		return nil, err
	}
	return b, nil
}

func (b *bus) setUp() error {
	if err := b.conn.Auth(nil); err != nil {
		return err
	}
	if err := b.conn.Hello(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	if err := b.conn.AddMatchSignalContext(ctx,
		dbus.WithMatchSender("org.freedesktop.DBus"),
		dbus.WithMatchInterface("org.freedesktop.DBus"),
		dbus.WithMatchMember("NameOwnerChanged"),
		dbus.WithMatchArg(0, watcherName),
	); err != nil {
		return err
	}
	b.conn.Signal(b.sigs)
	return nil
}

// hosted reports whether a tray host owns the watcher's name now.
func (b *bus) hosted() (bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	var has bool
	err := b.conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, watcherName).Store(&has)
	return has, err
}

// follow calls appeared each time a tray host takes the watcher's name,
// until done is closed or the connection ends.
func (b *bus) follow(done <-chan struct{}, appeared func()) {
	for {
		select {
		case <-done:
			return
		case sig, ok := <-b.sigs:
			if !ok {
				return
			}
			if hostAppeared(sig) {
				appeared()
			}
		}
	}
}

// hostAppeared reports whether sig says that a tray host took the
// watcher's name.
func hostAppeared(sig *dbus.Signal) bool {
	if sig == nil || sig.Name != "org.freedesktop.DBus.NameOwnerChanged" || len(sig.Body) != 3 {
		return false
	}
	name, _ := sig.Body[0].(string)
	owner, _ := sig.Body[2].(string)
	return name == watcherName && owner != ""
}

// close ends the connection.
func (b *bus) close() { b.conn.Close() }

// registerItem registers the item with the tray host, from the connection
// fyne.io/systray exports it on (godbus's shared session connection), as
// the library itself does: the host takes the item's name from the call's
// sender.
func registerItem() error {
	c, err := dbus.SessionBus()
	if err != nil {
		return err
	}
	if !c.Connected() {
		return errors.New("the tray library's connection is closed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	return c.Object(watcherName, watcherPath).CallWithContext(ctx,
		watcherName+".RegisterStatusNotifierItem", 0, itemPath).Err
}
