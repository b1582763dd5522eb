//go:build linux

package tray

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/warpdesk/warpdesk/internal/dbustest"
	"github.com/warpdesk/warpdesk/store"
)

// trayUsed: a process has one tray (ErrStarted), so the tests that start
// it run once per process, not once per -count.
var trayUsed atomic.Bool

func TestStartWithoutSessionBus(t *testing.T) {
	if trayUsed.Load() {
		t.Skip("a tray was started in this process (-count > 1): Start answers ErrStarted first")
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+t.TempDir()+"/no-bus")
	_, err := Start(newSource(store.State{}), Options{})
	if !errors.Is(err, ErrNoSessionBus) {
		t.Fatalf("Start without a bus: %v, want ErrNoSessionBus", err)
	}
}

// TestTrayOnSessionBus runs the tray in this process on a private session
// bus, read and clicked by a panel the test owns, as a desktop would. The
// tray library keeps one tray per process, so this is the one test that
// starts it.
func TestTrayOnSessionBus(t *testing.T) {
	if trayUsed.Swap(true) {
		t.Skip("a process has one tray (ErrStarted): this test runs once per process, not once per -count")
	}
	bus := dbustest.Start(t, dbustest.Session)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", bus.Address)

	// No tray host yet, as when autostart wins the race with the panel.
	src, rec := newSource(store.State{Link: store.LinkReconnecting, Reason: "connection refused"}), newRecorder()
	tr, err := Start(src, rec.options())
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	// A short signal on the tray library's connection, as a Secret Service
	// prompt's Completed is, ends the library's own re-registering.
	time.Sleep(500 * time.Millisecond)
	sendShortSignal(t, bus.Address)
	p := startPanel(t, bus.Address)

	s := p.waitItem(t)
	if s.tooltip != TextUnknown {
		t.Errorf("tooltip %q, want %q", s.tooltip, TextUnknown)
	}
	if s.firstLine() != TextUnknown || s.title != "Warpdesk" || s.itemIsMenu {
		t.Errorf("first line %q, title %q, ItemIsMenu %v", s.firstLine(), s.title, s.itemIsMenu)
	}
	if string(s.pixels) != string(pixmap(t, IconUnknown.PNG(false))) {
		t.Error("not the unknown icon")
	}
	if it, ok := s.find("connection refused"); !ok || it.enabled {
		t.Errorf("no disabled reason line: %v", s.menu)
	}

	src.Set(liveWith(threeOneCritical...))
	s = p.waitShown(t, "live", func(s shown) bool { return s.tooltip == "Live — 3 active, 1 critical" })
	if string(s.pixels) != string(pixmap(t, IconCritical.PNG(false))) {
		t.Error("live with an unacknowledged critical: not the critical icon")
	}
	if it, _ := s.find(LabelReconnect); it.enabled {
		t.Error("Reconnect now is enabled while live")
	}
	s = p.waitShown(t, "live first line", func(s shown) bool { return s.firstLine() == "Live — 3 active, 1 critical" })
	ids := fmt.Sprint(s.menu[1:])

	// A storm of count changes, one every 100 ms: the tooltip follows each,
	// the menu at most once per MenuEvery, in place: the items keep their ids.
	drain(p.updates)
	start := time.Now()
	st := liveWith(threeOneCritical...)
	for range 10 {
		st.Incidents = append(slices.Clone(st.Incidents), inc("warning", false))
		src.Set(st)
		time.Sleep(100 * time.Millisecond)
	}
	s = p.waitShown(t, "the storm's last line", func(s shown) bool { return s.firstLine() == "Live — 13 active, 1 critical" })
	if n, most := len(drain(p.updates)), int(time.Since(start)/MenuEvery)+2; n > most {
		t.Errorf("the menu changed %d times in %v for 10 count changes, want at most %d", n, time.Since(start), most)
	}
	if got := fmt.Sprint(s.menu[1:]); got != ids {
		t.Errorf("the items changed with the counts:\n%s\n%s", ids, got)
	}

	// Clicks and the left click reach the commands and callbacks.
	for _, tc := range []struct{ label, want string }{
		{LabelAckCritical, "ack all critical"},
		{LabelOpen, "open"},
		{LabelSettings, "settings"},
	} {
		p.click(t, tc.label)
		if got := rec.next(10 * time.Second); got != tc.want {
			t.Errorf("%s did %q, want %q", tc.label, got, tc.want)
		}
	}
	if err := p.activate(); err != nil {
		t.Fatalf("Activate: %v", err)
	}
	if got := rec.next(10 * time.Second); got != "open" {
		t.Errorf("a left click did %q, want open", got)
	}

	// Paused: the badge, the end time, Resume.
	paused := liveWith(threeOneCritical...)
	paused.PausedUntil = time.Now().Add(time.Hour)
	src.Set(paused)
	s = p.waitShown(t, "paused", func(s shown) bool { _, ok := s.find(LabelResume); return ok })
	// An hour from now may be tomorrow ("until Wed 00:04"): the time is
	// what must show.
	if !strings.Contains(s.tooltip, "notifications paused until ") || !strings.Contains(s.tooltip, paused.PausedUntil.Format("15:04")) ||
		s.firstLine() != s.tooltip {
		t.Errorf("paused: tooltip %q, first line %q", s.tooltip, s.firstLine())
	}
	if string(s.pixels) != string(pixmap(t, IconCritical.PNG(true))) {
		t.Error("paused: no pause badge")
	}
	p.click(t, LabelResume)
	if got := rec.next(10 * time.Second); got != "pause "+(time.Time{}).Format(time.RFC3339) {
		t.Errorf("Resume did %q", got)
	}

	// Several servers: the count of live ones first, a line per server,
	// and a reconnect item for the one that is down.
	src.Set(twoServers())
	s = p.waitShown(t, "two servers", func(s shown) bool { _, ok := s.find(LabelReconnectServer + "Staging"); return ok })
	if s.tooltip != "1 of 2 live — 1 active, 1 critical (1 server unknown)" || s.firstLine() != s.tooltip {
		t.Errorf("two servers: tooltip %q, first line %q", s.tooltip, s.firstLine())
	}
	if string(s.pixels) != string(pixmap(t, IconCriticalPartial.PNG(false))) {
		t.Error("two servers, Production's critical while Staging is down: not the critical icon with the badge")
	}
	if it, ok := s.find("Production: Live — 1 active, 1 critical"); !ok || it.enabled {
		t.Errorf("no disabled line for Production: %v", s.menu)
	}
	p.click(t, LabelReconnectServer+"Staging")
	if got := rec.next(10 * time.Second); got != "reconnect s" {
		t.Errorf("Reconnect Staging did %q", got)
	}

	// A panel restarted: the item registers with the new one.
	p.conn.Close()
	p = startPanel(t, bus.Address)
	if s = p.waitItem(t); s.title != "Warpdesk" {
		t.Errorf("after a panel restart: title %q", s.title)
	}

	// Quit asks; Close takes the item off the bus.
	p.click(t, LabelQuit)
	if got := rec.next(10 * time.Second); got != "quit" {
		t.Errorf("Quit did %q", got)
	}
	tr.Close()
	name := fmt.Sprintf("org.kde.StatusNotifierItem-%d-1", os.Getpid())
	var has bool
	if err := p.conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, name).Store(&has); err != nil || has {
		t.Errorf("after Close, %s still has an owner (%v)", name, err)
	}
	if _, err := Start(src, Options{}); !errors.Is(err, ErrStarted) {
		t.Errorf("a second Start: %v, want ErrStarted", err)
	}
}

// drain empties ch and returns what it held.
func drain(ch chan uint32) []uint32 {
	var got []uint32
	for {
		select {
		case v := <-ch:
			got = append(got, v)
		default:
			return got
		}
	}
}

// sendShortSignal sends the tray item's connection a signal with two
// arguments: a Secret Service prompt's Completed, as go-keyring, sharing
// that connection, receives when the keyring asks to be unlocked.
func sendShortSignal(t *testing.T, addr string) {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := []any{false, dbus.MakeVariant("")}
	msg := &dbus.Message{Type: dbus.TypeSignal, Headers: map[dbus.HeaderField]dbus.Variant{
		dbus.FieldPath:        dbus.MakeVariant(dbus.ObjectPath("/org/freedesktop/secrets/prompt/p1")),
		dbus.FieldInterface:   dbus.MakeVariant("org.freedesktop.Secret.Prompt"),
		dbus.FieldMember:      dbus.MakeVariant("Completed"),
		dbus.FieldDestination: dbus.MakeVariant(fmt.Sprintf("org.kde.StatusNotifierItem-%d-1", os.Getpid())),
		dbus.FieldSignature:   dbus.MakeVariant(dbus.SignatureOf(body...)),
	}, Body: body}
	if call := conn.Send(msg, nil); call.Err != nil {
		t.Fatal(call.Err)
	}
	if err := conn.BusObject().Call("org.freedesktop.DBus.Peer.Ping", 0).Err; err != nil {
		t.Fatal(err) // the signal has left before the ping's answer came
	}
}
