package osenv

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/warpdesk/warpdesk/internal/dbustest"
)

// lockEvent is a change in the inhibitor locks the fake logind handed out.
type lockEvent struct {
	id    int
	taken bool      // false: released (the app closed its fd)
	at    time.Time // when the fake saw it
	who   string    // the caller's unique bus name (taken only)
}

// fakeLogind owns org.freedesktop.login1 on a private system bus, hands out
// delay inhibitor locks as pipe fds and emits PrepareForSleep.
type fakeLogind struct {
	t     *testing.T
	conn  *dbus.Conn
	locks chan lockEvent

	delayMaxUSec uint64 // InhibitDelayMaxUSec; 0: the property is absent

	mu      sync.Mutex
	nextID  int
	readers []*os.File
	wg      sync.WaitGroup
	quit    chan struct{} // closed by stop
}

func startFakeLogind(t *testing.T, addr string, delayMaxUSec uint64) *fakeLogind {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatalf("fake logind: connect: %v", err)
	}
	f := &fakeLogind{t: t, conn: conn, locks: make(chan lockEvent, 64), delayMaxUSec: delayMaxUSec, quit: make(chan struct{})}
	t.Cleanup(f.stop)
	if err := conn.Export(f, logindPath, logindManager); err != nil {
		t.Fatal(err)
	}
	if err := conn.Export(fakeProps{f}, logindPath, "org.freedesktop.DBus.Properties"); err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName(logindName, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("fake logind: RequestName: %v %v", reply, err)
	}
	return f
}

// stop plays logind exiting: its connection goes, and with it the name.
// Locks still held get 5s to be released (a watcher that outlives its logind
// closes them on NameOwnerChanged) before the fake gives up on them.
func (f *fakeLogind) stop() {
	f.conn.Close()
	f.mu.Lock()
	select {
	case <-f.quit:
	default:
		close(f.quit)
	}
	for _, r := range f.readers {
		_ = r.SetReadDeadline(time.Now().Add(5 * time.Second))
	}
	f.mu.Unlock()
	f.wg.Wait()
}

// Inhibit is org.freedesktop.login1.Manager.Inhibit. The lock is the write
// end of a pipe; the fake learns of its release when the read end sees EOF.
func (f *fakeLogind) Inhibit(sender dbus.Sender, what, who, why, mode string) (dbus.UnixFD, *dbus.Error) {
	if what != "sleep" || mode != "delay" || who == "" || why == "" {
		return -1, dbus.MakeFailedError(fmt.Errorf("unexpected Inhibit(%q, %q, %q, %q)", what, who, why, mode))
	}
	r, w, err := os.Pipe()
	if err != nil {
		return -1, dbus.MakeFailedError(err)
	}
	f.mu.Lock()
	f.nextID++
	id := f.nextID
	f.readers = append(f.readers, r)
	f.mu.Unlock()
	fd := dbus.UnixFD(w.Fd())
	f.wg.Go(func() { f.follow(id, string(sender), r, w) })
	return fd, nil
}

// follow waits until the app holds its copy of the lock (the same process
// then has a third fd on the pipe), drops the fake's own write end, and
// reports the release when the app closes its copy.
func (f *fakeLogind) follow(id int, who string, r, w *os.File) {
	defer r.Close()
	// Not r.Fd(): that would make r blocking, and stop's deadline useless.
	var link string
	rc, err := r.SyscallConn()
	if err == nil {
		err = rc.Control(func(fd uintptr) { link, err = os.Readlink(fmt.Sprintf("/proc/self/fd/%d", fd)) })
	}
	if err != nil {
		f.t.Errorf("fake logind: %v", err)
		w.Close()
		return
	}
	deadline := time.Now().Add(10 * time.Second)
	for countFDs(link) < 3 {
		select {
		case <-f.quit: // the test is over; the app may have come and gone
			w.Close()
			return
		default:
		}
		if time.Now().After(deadline) {
			f.t.Errorf("fake logind: lock %d never reached the app", id)
			w.Close()
			return
		}
		time.Sleep(time.Millisecond)
	}
	w.Close()
	f.locks <- lockEvent{id: id, taken: true, at: time.Now(), who: who}
	var b [1]byte
	if _, err := r.Read(b[:]); errors.Is(err, os.ErrDeadlineExceeded) { // else EOF: the app closed its copy
		f.t.Errorf("fake logind: lock %d still held 5s after logind went away (fds on %s: %v)", id, link, fdsOn(link))
		return
	}
	f.locks <- lockEvent{id: id, taken: false, at: time.Now()}
}

// fdsOn lists this process's fds that point at link.
func fdsOn(link string) []string {
	ents, _ := os.ReadDir("/proc/self/fd")
	var fds []string
	for _, e := range ents {
		if l, err := os.Readlink("/proc/self/fd/" + e.Name()); err == nil && l == link {
			fds = append(fds, e.Name())
		}
	}
	return fds
}

// countFDs counts this process's fds that point at link ("pipe:[inode]").
func countFDs(link string) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range ents {
		if l, err := os.Readlink("/proc/self/fd/" + e.Name()); err == nil && l == link {
			n++
		}
	}
	return n
}

func (f *fakeLogind) prepareForSleep(start bool) {
	f.t.Helper()
	if err := f.conn.Emit(logindPath, logindManager+".PrepareForSleep", start); err != nil {
		f.t.Fatalf("emit PrepareForSleep(%v): %v", start, err)
	}
}

// lock waits for the next lock event and checks its kind.
func (f *fakeLogind) lock(t *testing.T, taken bool, d time.Duration) lockEvent {
	t.Helper()
	select {
	case e := <-f.locks:
		if e.taken != taken {
			t.Fatalf("lock %d: taken=%v, want taken=%v", e.id, e.taken, taken)
		}
		return e
	case <-time.After(d):
		t.Fatalf("no lock taken=%v within %v", taken, d)
		return lockEvent{}
	}
}

type fakeProps struct{ f *fakeLogind }

// Get is org.freedesktop.DBus.Properties.Get for the one property read.
func (p fakeProps) Get(iface, prop string) (dbus.Variant, *dbus.Error) {
	if iface == logindManager && prop == "InhibitDelayMaxUSec" && p.f.delayMaxUSec != 0 {
		return dbus.MakeVariant(p.f.delayMaxUSec), nil
	}
	return dbus.Variant{}, dbus.NewError("org.freedesktop.DBus.Error.UnknownProperty", []any{prop})
}

// sleepOpts are Options for a watcher that follows only sleep, on bus.
func sleepOpts(t *testing.T, bus *dbustest.Bus, logs *logRecorder) Options {
	return Options{Logger: logs.logger(), SystemBusAddress: bus.Address, noNetwork: true}
}

func TestSleepWakeWithLogind(t *testing.T) {
	bus := dbustest.Start(t, dbustest.System)
	fake := startFakeLogind(t, bus.Address, 5_000_000)
	logs := newLogRecorder(t)
	rt := newRecTarget()
	// Play a client that takes a moment to close its socket.
	rt.sleepHook = func() { time.Sleep(20 * time.Millisecond) }
	startWatch(t, rt, sleepOpts(t, bus, logs))

	first := fake.lock(t, true, 5*time.Second)
	for cycle := 1; cycle <= 2; cycle++ {
		start := time.Now()
		fake.prepareForSleep(true)
		closed := rt.expect(t, "awake", false, 5*time.Second)
		released := fake.lock(t, false, 5*time.Second)
		if released.at.Before(closed.at) {
			t.Fatalf("the lock was released %v before SetAwake(false) returned", closed.at.Sub(released.at))
		}
		t.Logf("LATENCY sleep %d: PrepareForSleep(true) -> socket closed %v -> lock released %v",
			cycle, closed.at.Sub(start).Round(10*time.Microsecond), released.at.Sub(start).Round(10*time.Microsecond))

		start = time.Now()
		fake.prepareForSleep(false)
		woke := rt.expect(t, "awake", true, 5*time.Second)
		retaken := fake.lock(t, true, 5*time.Second)
		if retaken.who != first.who {
			t.Fatalf("lock retaken by %s, want the watcher %s", retaken.who, first.who)
		}
		t.Logf("LATENCY wake %d: PrepareForSleep(false) -> SetAwake(true) %v -> lock retaken %v",
			cycle, woke.at.Sub(start).Round(10*time.Microsecond), retaken.at.Sub(start).Round(10*time.Microsecond))
	}
	rt.none(t)
}

// A PrepareForSleep from anyone but logind's owner is ignored: a broadcast
// one (the bus's match on the sender drops it) and one sent straight to the
// watcher (the watcher's own check drops it).
func TestSleepSignalFromNonOwnerIgnored(t *testing.T) {
	bus := dbustest.Start(t, dbustest.System)
	fake := startFakeLogind(t, bus.Address, 0)
	logs := newLogRecorder(t)
	rt := newRecTarget()
	startWatch(t, rt, sleepOpts(t, bus, logs))
	watcherName := fake.lock(t, true, 5*time.Second).who

	impostor, err := dbus.Connect(bus.Address)
	if err != nil {
		t.Fatal(err)
	}
	defer impostor.Close()
	if err := impostor.Emit(logindPath, logindManager+".PrepareForSleep", true); err != nil {
		t.Fatal(err)
	}
	unicast := &dbus.Message{
		Type: dbus.TypeSignal,
		Headers: map[dbus.HeaderField]dbus.Variant{
			dbus.FieldPath:        dbus.MakeVariant(logindPath),
			dbus.FieldInterface:   dbus.MakeVariant(logindManager),
			dbus.FieldMember:      dbus.MakeVariant("PrepareForSleep"),
			dbus.FieldDestination: dbus.MakeVariant(watcherName),
			dbus.FieldSignature:   dbus.MakeVariant(dbus.SignatureOf(true)),
		},
		Body: []any{true},
	}
	if call := impostor.Send(unicast, make(chan *dbus.Call, 1)); call.Err != nil {
		t.Fatal(call.Err)
	}
	logs.wait(t, "ignored PrepareForSleep", 5*time.Second)
	rt.none(t)
	select {
	case e := <-fake.locks:
		t.Fatalf("lock event after an impostor's signal: %+v", e)
	default:
	}

	// The real owner is still heard, and its signal is the first to act.
	fake.prepareForSleep(true)
	rt.expect(t, "awake", false, 5*time.Second)
	fake.lock(t, false, 5*time.Second)
	if n := logs.count("ignored PrepareForSleep"); n != 1 {
		t.Fatalf("%d PrepareForSleep signals ignored, want 1 (the broadcast one never reaches the watcher)", n)
	}
}

// A client whose SetAwake(false) never returns cannot hold sleep: the lock
// goes after the bound, here half of logind's InhibitDelayMaxSec (300ms).
func TestSleepStuckClientBounded(t *testing.T) {
	bus := dbustest.Start(t, dbustest.System)
	fake := startFakeLogind(t, bus.Address, 300_000)
	logs := newLogRecorder(t)
	rt := newRecTarget()
	stuck := make(chan struct{})
	var unstick sync.Once
	rt.sleepHook = func() { <-stuck }
	stop := startWatch(t, rt, sleepOpts(t, bus, logs))
	t.Cleanup(func() { unstick.Do(func() { close(stuck) }) }) // runs before the watcher's stop
	fake.lock(t, true, 5*time.Second)

	start := time.Now()
	fake.prepareForSleep(true)
	released := fake.lock(t, false, 5*time.Second)
	held := released.at.Sub(start)
	t.Logf("LATENCY stuck client: lock released after %v (bound 150ms)", held.Round(time.Millisecond))
	if held < 150*time.Millisecond || held > 1500*time.Millisecond {
		t.Fatalf("lock held %v with a stuck client, want about the 150ms bound", held)
	}
	// Waking while the client is still stuck: the wake call waits behind
	// the stuck one and is not lost; the lock comes back regardless.
	fake.prepareForSleep(false)
	fake.lock(t, true, 5*time.Second)
	rt.none(t)
	unstick.Do(func() { close(stuck) })
	rt.expect(t, "awake", false, 5*time.Second)
	rt.expect(t, "awake", true, 5*time.Second)
	stop()
}

// logind restarting: the watcher drops the dead lock, follows the new owner,
// takes a lock from it and obeys its signals, not the old owner's.
func TestLogindRestart(t *testing.T) {
	bus := dbustest.Start(t, dbustest.System)
	old := startFakeLogind(t, bus.Address, 0)
	logs := newLogRecorder(t)
	rt := newRecTarget()
	startWatch(t, rt, sleepOpts(t, bus, logs))
	old.lock(t, true, 5*time.Second)

	old.stop()
	logs.wait(t, "logind went away", 5*time.Second)
	neu := startFakeLogind(t, bus.Address, 0)
	neu.lock(t, true, 5*time.Second)
	logs.wait(t, "following logind", 5*time.Second)

	neu.prepareForSleep(true)
	rt.expect(t, "awake", false, 5*time.Second)
	neu.lock(t, false, 5*time.Second)
	neu.prepareForSleep(false)
	rt.expect(t, "awake", true, 5*time.Second)
	neu.lock(t, true, 5*time.Second)
}

// No logind on the bus: the watcher says so once and the clock-jump
// detector acts; when logind appears, the watcher follows it instead.
func TestNoLogindFallsBackThenFollows(t *testing.T) {
	bus := dbustest.Start(t, dbustest.System)
	logs := newLogRecorder(t)
	clk := newFakeClock()
	rt := newRecTarget()
	opts := sleepOpts(t, bus, logs)
	opts.Clock = clk
	startWatch(t, rt, opts)
	logs.wait(t, "logind is not running", 5*time.Second)

	clk.Tick(t, time.Hour)
	rt.expect(t, "awake", false, 5*time.Second)
	rt.expect(t, "awake", true, 5*time.Second)

	fake := startFakeLogind(t, bus.Address, 0)
	fake.lock(t, true, 5*time.Second)
	logs.wait(t, "following logind", 5*time.Second)
	// With logind followed, a clock jump is logind's business, and the
	// detector stops ticking: no periodic wakeup while logind is there.
	deadline := time.Now().Add(5 * time.Second)
	for clk.ticking(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the clock-jump detector still ticks while logind is followed")
		}
	}
	if n := logs.count("wall clock jumped"); n != 1 {
		t.Fatalf("acted on %d clock jumps, want 1 (the one before logind appeared)", n)
	}
	rt.none(t)
	if n := logs.count("not running"); n != 1 {
		t.Fatalf("said %d times that logind is not running, want once", n)
	}
}
