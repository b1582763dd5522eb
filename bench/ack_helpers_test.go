package bench

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/internal/dbustest"
	"github.com/warpdesk/warpdesk/notify/notifytest"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/socket"
)

// The rooms of BenchmarkAckAcrossDesktops: the agents join ackRoom only,
// the baseline's socket clients baseRoom only, so neither sees the
// other's incidents.
const (
	ackRoom  = "ops"
	baseRoom = "bench"
)

// ackWorld is what BenchmarkAckAcrossDesktops runs in: a demo server with
// users alice and bob, a private session bus with a recording notification
// server and a tray host, two Warpdesk agents (alice's, bob's) hidden in
// the tray, and the baseline's two socket clients with the same tokens.
type ackWorld struct {
	srv   *demo.Server
	notes *notifytest.Server
	conn  *dbus.Conn // asks the bus who is behind a Notify call
	pids  map[string]int
	// a and b are the baseline's clients: a acknowledges, b is told.
	a, b *socket.Client
	told chan ops.Acknowledgement
}

// startAckWorld builds Warpdesk and starts everything, returning once both
// agents have caught up and registered their tray item.
func startAckWorld(b *testing.B) *ackWorld {
	b.Helper()
	dir := b.TempDir()
	bin := filepath.Join(dir, "warpdesk")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/warpdesk/warpdesk").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	users := map[string]string{"wd-bench-alice": "alice", "wd-bench-bob": "bob"}
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := demo.Start(ctx, "127.0.0.1:0", demo.Options{Users: users, Rooms: []string{ackRoom, baseRoom},
		Interval: -1, BurstEvery: -1, DropEvery: -1, Initial: -1})
	if err != nil {
		cancel()
		b.Fatal(err)
	}
	b.Cleanup(func() { cancel(); srv.Close() })

	bus := dbustest.Start(b, dbustest.Session)
	w := &ackWorld{srv: srv, notes: notifytest.Start(b, bus.Address, notifytest.Options{}), pids: map[string]int{}}
	tray := startTrayHost(b, bus.Address)
	if w.conn, err = dbus.Connect(bus.Address); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { w.conn.Close() })

	for tok, user := range users {
		env := append(xdgDirs(b, filepath.Join(dir, user)), "DBUS_SESSION_BUS_ADDRESS="+bus.Address, "WARPDESK_TOKEN="+tok)
		cmd, log := startProc(b, dir, user, bin, env, "-server", srv.URL(), "-rooms", ackRoom, "-hidden", "-v")
		w.pids[user] = cmd.Process.Pid
		waitFor(b, 60*time.Second, func() bool {
			out, _ := os.ReadFile(log)
			return strings.Contains(string(out), "caught up")
		}, user+"'s agent to catch up")
		waitFor(b, 30*time.Second, func() bool { return tray.registeredBy(cmd.Process.Pid) }, user+"'s tray item")
	}
	w.told = make(chan ops.Acknowledgement, 1)
	w.a = w.baseClient(b, "wd-bench-alice", nil)
	w.b = w.baseClient(b, "wd-bench-bob", func(a ops.Acknowledgement, _ socket.Envelope) { w.told <- a })
	return w
}

// baseClient is a socket client in baseRoom with token tok, connected,
// handing incident.acknowledged to onAck when given.
func (w *ackWorld) baseClient(b *testing.B, tok string, onAck func(ops.Acknowledgement, socket.Envelope)) *socket.Client {
	b.Helper()
	c, err := socket.New(w.srv.URL(), socket.Options{Header: http.Header{"Authorization": {"Bearer " + tok}}})
	if err != nil {
		b.Fatal(err)
	}
	if onAck != nil {
		socket.On(c, ops.IncidentAcknowledged, onAck)
	}
	c.JoinRoom(baseRoom)
	c.Connect()
	b.Cleanup(c.Disconnect)
	waitFor(b, 10*time.Second, c.IsConnected, "a baseline client to connect")
	return c
}

// notified waits up to 10 s for the Notify call user's agent made with
// summary and returns it.
func (w *ackWorld) notified(b *testing.B, user, summary string) notifytest.Call {
	b.Helper()
	var found notifytest.Call
	waitFor(b, 10*time.Second, func() bool {
		for _, c := range w.notes.Calls() {
			if c.Summary == summary && w.pidOf(c.Sender) == w.pids[user] {
				found = c
				return true
			}
		}
		return false
	}, user+"'s notification "+summary)
	return found
}

// closed waits up to 10 s for a CloseNotification of id from user's agent
// and returns it.
func (w *ackWorld) closed(b *testing.B, user string, id uint32) notifytest.Closing {
	b.Helper()
	var found notifytest.Closing
	waitFor(b, 10*time.Second, func() bool {
		for _, c := range w.notes.Closings() {
			if c.ID == id && w.pidOf(c.Sender) == w.pids[user] {
				found = c
				return true
			}
		}
		return false
	}, user+"'s agent to close its notification")
	return found
}

// pidOf is the process behind a unique bus name, 0 when unknown.
func (w *ackWorld) pidOf(name string) int {
	var pid uint32
	if err := w.conn.BusObject().Call("org.freedesktop.DBus.GetConnectionUnixProcessID", 0, name).Store(&pid); err != nil {
		return 0
	}
	return int(pid)
}
