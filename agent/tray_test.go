//go:build linux

package agent

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/warpdesk/warpdesk/internal/dbustest"
)

// lateWatcher is a desktop panel's StatusNotifierWatcher that starts after
// the agent: it records who registers.
type lateWatcher struct {
	mu    sync.Mutex
	items []string
}

func (w *lateWatcher) RegisterStatusNotifierItem(sender dbus.Sender, _ string) *dbus.Error {
	w.mu.Lock()
	w.items = append(w.items, string(sender))
	w.mu.Unlock()
	return nil
}

func (w *lateWatcher) RegisterStatusNotifierHost(string) *dbus.Error { return nil }

// waitItem waits for the first registration and returns the item's bus
// name.
func (w *lateWatcher) waitItem(t *testing.T) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		w.mu.Lock()
		var item string
		if len(w.items) > 0 {
			item = w.items[0]
		}
		w.mu.Unlock()
		if item != "" {
			return item
		}
		if time.Now().After(deadline) {
			t.Fatal("the tray item did not register with the watcher that appeared")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// trayUsed: this test process has started its one tray.
var trayUsed atomic.Bool

// TestNoTrayWithoutASessionBus: only without a session bus (or with
// -no-tray) is the agent the window only. It runs before the tray test: a
// process has one tray.
func TestNoTrayWithoutASessionBus(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+t.TempDir()+"/no-bus")
	a, _, _, _ := newTestAgent(t, nil, Config{})
	if tr := a.startTray(func() {}); tr != nil {
		tr.Close()
		t.Fatal("a tray without a session bus")
	}
}

// TestTrayWithALateTrayHost: at login, autostart may start the agent
// before the panel. With a session bus but no tray host yet, the agent
// still starts its tray (it does not fall back to the window only, which
// quits when the window closes), and the item registers once the panel's
// watcher appears.
func TestTrayWithALateTrayHost(t *testing.T) {
	if trayUsed.Swap(true) {
		t.Skip("a process has one tray (tray.ErrStarted): this test runs once per process, not once per -count")
	}
	bus := dbustest.Start(t, dbustest.Session)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", bus.Address)
	a, _, _, _ := newTestAgent(t, nil, Config{Hidden: true})

	tr := a.startTray(func() {})
	if tr == nil {
		t.Fatal("no tray: with a session bus and no tray host yet, the agent gave up its tray")
	}
	defer tr.Close()

	time.Sleep(300 * time.Millisecond) // the panel comes later
	conn, err := dbus.Connect(bus.Address)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	w := &lateWatcher{}
	if err := dbustest.ServeWatcher(conn, w); err != nil {
		t.Fatal(err)
	}
	item := w.waitItem(t)
	var title string
	obj := conn.Object(item, "/StatusNotifierItem")
	if err := obj.Call("org.freedesktop.DBus.Properties.Get", 0, "org.kde.StatusNotifierItem", "Title").Store(&title); err != nil {
		t.Fatalf("reading the registered item: %v", err)
	}
	if title == "" {
		t.Error("the registered item has no title")
	}
}
