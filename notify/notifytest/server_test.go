package notifytest_test

import (
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"go.uber.org/goleak"

	"github.com/warpdesk/warpdesk/internal/dbustest"
	"github.com/warpdesk/warpdesk/notify/notifytest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestServer checks the fake against the spec with a raw godbus client:
// method signatures, ids, replacement and the signals a click emits.
func TestServer(t *testing.T) {
	bus := dbustest.Start(t, dbustest.Session)
	srv := notifytest.Start(t, bus.Address, notifytest.Options{})

	conn, err := dbus.Connect(bus.Address)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	obj := conn.Object("org.freedesktop.Notifications", "/org/freedesktop/Notifications")

	var caps []string
	if err := obj.Call("org.freedesktop.Notifications.GetCapabilities", 0).Store(&caps); err != nil {
		t.Fatal(err)
	}
	if len(caps) == 0 {
		t.Fatal("no capabilities")
	}
	var n, v, ver, spec string
	if err := obj.Call("org.freedesktop.Notifications.GetServerInformation", 0).Store(&n, &v, &ver, &spec); err != nil || spec != "1.2" {
		t.Fatalf("GetServerInformation: %q %q %q %q %v", n, v, ver, spec, err)
	}

	if err := conn.AddMatchSignal(dbus.WithMatchInterface("org.freedesktop.Notifications")); err != nil {
		t.Fatal(err)
	}
	sigs := make(chan *dbus.Signal, 10)
	conn.Signal(sigs)

	notify := func(replaces uint32) uint32 {
		t.Helper()
		var id uint32
		hints := map[string]dbus.Variant{"urgency": dbus.MakeVariant(byte(2))}
		err := obj.Call("org.freedesktop.Notifications.Notify", 0, "app", replaces, "icon", "sum", "body",
			[]string{"default", "Open"}, hints, int32(-1)).Store(&id)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	id1 := notify(0)
	id2 := notify(id1)
	if id1 == 0 || id2 != id1 {
		t.Fatalf("ids %d, %d: replacing an open notification keeps its id", id1, id2)
	}
	calls := srv.WaitCalls(t, 2)
	c := calls[1]
	if u, ok := c.Urgency(); !ok || u != 2 || c.AppName != "app" || c.ReplacesID != id1 || !c.HasAction("default") || c.Sender != conn.Names()[0] {
		t.Fatalf("recorded %+v", c)
	}

	if err := srv.Click(id1); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ActionInvoked", "NotificationClosed"} {
		select {
		case s := <-sigs:
			if s.Name != "org.freedesktop.Notifications."+want || s.Body[0].(uint32) != id1 {
				t.Fatalf("signal %+v, want %s(%d)", s, want, id1)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no %s signal", want)
		}
	}
	if len(srv.Open()) != 0 {
		t.Fatalf("open after click: %v", srv.Open())
	}
	id3 := notify(id1)
	if id3 == id1 {
		t.Fatal("replacing a closed notification must make a new one")
	}

	// CloseNotification closes an open one (NotificationClosed, reason 3)
	// and is recorded, as is a close of one already gone.
	for _, id := range []uint32{id3, id1} {
		if err := obj.Call("org.freedesktop.Notifications.CloseNotification", 0, id).Err; err != nil {
			t.Fatal(err)
		}
	}
	select {
	case s := <-sigs:
		if s.Name != "org.freedesktop.Notifications.NotificationClosed" || s.Body[0].(uint32) != id3 || s.Body[1].(uint32) != 3 {
			t.Fatalf("signal %+v, want NotificationClosed(%d, 3)", s, id3)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no NotificationClosed after CloseNotification")
	}
	if c := srv.WaitClosing(t, id1); c.WasOpen || c.Sender != conn.Names()[0] {
		t.Fatalf("closing %+v", c)
	}
	if cl := srv.Closings(); len(cl) != 2 || cl[0].ID != id3 || !cl[0].WasOpen || len(srv.Open()) != 0 {
		t.Fatalf("closings %+v, open %v", cl, srv.Open())
	}
}

// TestServerDelayEndsOnClose: a delayed Notify must not outlive Close
// (goleak would catch the goroutine).
func TestServerDelayEndsOnClose(t *testing.T) {
	bus := dbustest.Start(t, dbustest.Session)
	srv := notifytest.Start(t, bus.Address, notifytest.Options{Delay: time.Hour})
	conn, err := dbus.Connect(bus.Address)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	call := conn.Object("org.freedesktop.Notifications", "/org/freedesktop/Notifications").
		Go("org.freedesktop.Notifications.Notify", 0, nil, "a", uint32(0), "", "s", "b", []string{}, map[string]dbus.Variant{}, int32(-1))
	time.Sleep(50 * time.Millisecond)
	srv.Close()
	select {
	case <-call.Done:
	case <-time.After(5 * time.Second):
		t.Fatal("call still pending after Close")
	}
}
