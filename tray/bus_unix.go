//go:build (linux || freebsd || openbsd || netbsd) && !android

package tray

import "github.com/godbus/dbus/v5"

// sessionBus checks that the session bus is reachable, without starting
// one (an autolaunched bus would outlive Warpdesk): fyne.io/systray exports
// the item on it.
func sessionBus() error {
	c, err := dbus.SessionBusPrivateNoAutoStartup()
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Auth(nil); err != nil {
		return err
	}
	return c.Hello()
}
