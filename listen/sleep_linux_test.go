package listen_test

import (
	"os"
	"sync"
	"testing"

	"github.com/godbus/dbus/v5"

	"github.com/warpdesk/warpdesk/internal/dbustest"
	"github.com/warpdesk/warpdesk/ops"
)

const (
	logindName    = "org.freedesktop.login1"
	logindPath    = dbus.ObjectPath("/org/freedesktop/login1")
	logindManager = "org.freedesktop.login1.Manager"
)

// fakeLogind owns org.freedesktop.login1 on a private system bus, hands out
// delay inhibitor locks (pipes, kept open until the test ends) and emits
// PrepareForSleep.
type fakeLogind struct {
	conn *dbus.Conn

	mu    sync.Mutex
	files []*os.File
}

func startFakeLogind(t *testing.T, addr string) *fakeLogind {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatalf("fake logind: %v", err)
	}
	f := &fakeLogind{conn: conn}
	t.Cleanup(func() {
		conn.Close()
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, file := range f.files {
			file.Close()
		}
	})
	if err := conn.Export(f, logindPath, logindManager); err != nil {
		t.Fatal(err)
	}
	if reply, err := conn.RequestName(logindName, dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("fake logind: RequestName: %v %v", reply, err)
	}
	return f
}

// Inhibit is org.freedesktop.login1.Manager.Inhibit.
func (f *fakeLogind) Inhibit(what, who, why, mode string) (dbus.UnixFD, *dbus.Error) {
	r, w, err := os.Pipe()
	if err != nil {
		return -1, dbus.MakeFailedError(err)
	}
	f.mu.Lock()
	f.files = append(f.files, r, w)
	f.mu.Unlock()
	return dbus.UnixFD(w.Fd()), nil
}

func (f *fakeLogind) prepareForSleep(t *testing.T, start bool) {
	t.Helper()
	if err := f.conn.Emit(logindPath, logindManager+".PrepareForSleep", start); err != nil {
		t.Fatal(err)
	}
}

// TestSleepWake: the OS going to sleep (logind on a real, private system
// bus) closes the connection and says so; on wake it reconnects at once
// and prints what was raised meanwhile, marked as caught up.
func TestSleepWake(t *testing.T) {
	bus := dbustest.Start(t, dbustest.System)
	logind := startFakeLogind(t, bus.Address)
	w := newWorld(t)
	w.env.SystemBusAddress = bus.Address
	r := w.start(t, "-server", w.srv.URL(), "-rooms", "ops", "-v")
	waitLine(t, &r.errs, "following logind for sleep/wake")
	waitLine(t, &r.errs, "connected to")

	logind.prepareForSleep(t, true)
	waitLine(t, &r.errs, "connection to "+w.srv.URL()+" lost (asleep)")
	w.create(t, "Raised while asleep", ops.Critical, "ops")
	logind.prepareForSleep(t, false)
	waitLine(t, &r.errs, "reconnected to "+w.srv.URL(), "1 incident opened meanwhile")
	waitLine(t, &r.out, "CRITICAL ops      Raised while asleep (caught up)")
	if s := r.errs.String(); containsAll(s, []string{"wall-clock jumps"}) {
		t.Errorf("fell back although logind answered:\n%s", s)
	}
}
