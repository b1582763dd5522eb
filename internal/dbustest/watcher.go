package dbustest

import (
	"fmt"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/prop"
)

// WatcherPath and WatcherInterface name the StatusNotifierWatcher that
// tray items (fyne.io/systray) register with.
const (
	WatcherPath      = "/StatusNotifierWatcher"
	WatcherInterface = "org.kde.StatusNotifierWatcher"
)

// ServeWatcher makes conn the bus's StatusNotifierWatcher, as a panel
// with a tray host is: it exports w (whose methods, such as
// RegisterStatusNotifierItem, are the watcher's) at WatcherPath with the
// watcher's properties (a host registered, no items listed) and owns
// WatcherInterface's name.
func ServeWatcher(conn *dbus.Conn, w any) error {
	if err := conn.Export(w, WatcherPath, WatcherInterface); err != nil {
		return fmt.Errorf("export the watcher: %w", err)
	}
	if _, err := prop.Export(conn, WatcherPath, prop.Map{WatcherInterface: {
		"RegisteredStatusNotifierItems":  {Value: []string{}, Emit: prop.EmitFalse},
		"IsStatusNotifierHostRegistered": {Value: true, Emit: prop.EmitFalse},
		"ProtocolVersion":                {Value: int32(0), Emit: prop.EmitFalse},
	}}); err != nil {
		return fmt.Errorf("export the watcher's properties: %w", err)
	}
	reply, err := conn.RequestName(WatcherInterface, dbus.NameFlagDoNotQueue)
	if err == nil && reply != dbus.RequestNameReplyPrimaryOwner {
		err = fmt.Errorf("reply %v", reply)
	}
	if err != nil {
		return fmt.Errorf("cannot own %s: %w", WatcherInterface, err)
	}
	return nil
}
