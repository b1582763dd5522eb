//go:build linux

package main

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/warpdesk/warpdesk/internal/dbustest"
)

// snWatcher is a minimal org.kde.StatusNotifierWatcher, as a desktop's
// panel runs one: items register with it, and it can read them back.
type snWatcher struct {
	conn *dbus.Conn
	mu   sync.Mutex
	reg  []snItem
}

// snItem is a registered StatusNotifierItem: the bus name (taken from the
// call's sender, since Fyne registers an object path) and the object path.
type snItem struct {
	Name string
	Path dbus.ObjectPath
}

func startWatcher(t *testing.T, busAddr string) *snWatcher {
	t.Helper()
	conn, err := dbus.Connect(busAddr)
	if err != nil {
		t.Fatalf("watcher: connect to the session bus: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	w := &snWatcher{conn: conn}
	if err := dbustest.ServeWatcher(conn, w); err != nil {
		t.Fatalf("watcher: %v", err)
	}
	return w
}

// RegisterStatusNotifierItem is the D-Bus method items call.
func (w *snWatcher) RegisterStatusNotifierItem(sender dbus.Sender, service string) *dbus.Error {
	it := snItem{Name: string(sender), Path: "/StatusNotifierItem"}
	if strings.HasPrefix(service, "/") {
		it.Path = dbus.ObjectPath(service)
	} else if service != "" {
		it.Name = service
	}
	w.mu.Lock()
	w.reg = append(w.reg, it)
	w.mu.Unlock()
	return nil
}

// RegisterStatusNotifierHost is part of the interface; hosts are not tracked.
func (w *snWatcher) RegisterStatusNotifierHost(string) *dbus.Error { return nil }

// waitItem waits for the first registration.
func (w *snWatcher) waitItem(t *testing.T, timeout time.Duration) snItem {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		w.mu.Lock()
		n := len(w.reg)
		var it snItem
		if n > 0 {
			it = w.reg[n-1]
		}
		w.mu.Unlock()
		if n > 0 {
			return it
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no StatusNotifierItem registered within %v", timeout)
	return snItem{}
}

// trayView is what a panel would show for an item.
type trayView struct {
	Status   string
	Title    string
	Tooltip  string
	IconSum  string // sha256 of the first pixmap, "" when none
	IconSize string
	Menu     []menuEntry
}

type menuEntry struct {
	ID      int32
	Label   string
	Enabled bool
	Sep     bool
}

func (v trayView) firstLine() string {
	for _, e := range v.Menu {
		if !e.Sep {
			return e.Label
		}
	}
	return ""
}

func (v trayView) find(label string) (menuEntry, bool) {
	for _, e := range v.Menu {
		if e.Label == label {
			return e, true
		}
	}
	return menuEntry{}, false
}

// read fetches the item's properties and menu layout over D-Bus.
func (w *snWatcher) read(it snItem) (trayView, error) {
	var v trayView
	obj := w.conn.Object(it.Name, it.Path)
	var props map[string]dbus.Variant
	if err := obj.Call("org.freedesktop.DBus.Properties.GetAll", 0, "org.kde.StatusNotifierItem").Store(&props); err != nil {
		return v, fmt.Errorf("GetAll: %w", err)
	}
	v.Status, _ = props["Status"].Value().(string)
	v.Title, _ = props["Title"].Value().(string)
	if tt, ok := props["ToolTip"].Value().([]any); ok && len(tt) == 4 {
		v.Tooltip, _ = tt[2].(string)
	}
	if px, ok := props["IconPixmap"].Value().([][]any); ok && len(px) > 0 && len(px[0]) == 3 {
		data, _ := px[0][2].([]byte)
		if len(data) > 0 {
			v.IconSum = fmt.Sprintf("%x", sha256.Sum256(data))
			v.IconSize = fmt.Sprintf("%vx%v", px[0][0], px[0][1])
		}
	}
	menuPath, _ := props["Menu"].Value().(dbus.ObjectPath)
	if menuPath == "" {
		return v, fmt.Errorf("the item has no Menu")
	}
	var rev uint32
	var layout struct {
		ID       int32
		Props    map[string]dbus.Variant
		Children []dbus.Variant
	}
	call := w.conn.Object(it.Name, menuPath).Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{})
	if err := call.Store(&rev, &layout); err != nil {
		return v, fmt.Errorf("GetLayout: %w", err)
	}
	for _, c := range layout.Children {
		f, ok := c.Value().([]any)
		if !ok || len(f) < 2 {
			continue
		}
		id, _ := f[0].(int32)
		pm, _ := f[1].(map[string]dbus.Variant)
		e := menuEntry{ID: id, Enabled: true}
		if l, ok := pm["label"]; ok {
			e.Label, _ = l.Value().(string)
		}
		if en, ok := pm["enabled"]; ok {
			e.Enabled, _ = en.Value().(bool)
		}
		if ty, ok := pm["type"]; ok {
			s, _ := ty.Value().(string)
			e.Sep = s == "separator"
		}
		v.Menu = append(v.Menu, e)
	}
	return v, nil
}

// click sends the dbusmenu "clicked" event for a menu item.
func (w *snWatcher) click(it snItem, menuPath dbus.ObjectPath, id int32) error {
	return w.conn.Object(it.Name, menuPath).Call("com.canonical.dbusmenu.Event", 0,
		id, "clicked", dbus.MakeVariant(""), uint32(time.Now().Unix())).Err
}
