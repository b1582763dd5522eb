package bench

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/warpdesk/warpdesk/internal/dbustest"
)

// procCost is what a process (or a tree of them) has cost so far: CPU time
// (user + system, seconds) and context switches (voluntary + involuntary,
// summed over its threads), the two counters the idle figures are made of,
// and its resident memory now.
type procCost struct {
	CPU      float64
	Switches int64
	RSSMiB   float64
	Procs    int
}

func (c procCost) add(d procCost) procCost {
	return procCost{c.CPU + d.CPU, c.Switches + d.Switches, c.RSSMiB + d.RSSMiB, c.Procs + d.Procs}
}

// readCost reads one process's counters from /proc; ok is false once the
// process has gone.
func readCost(pid int) (c procCost, ok bool) {
	dir := "/proc/" + strconv.Itoa(pid)
	stat, err := os.ReadFile(dir + "/stat")
	if err != nil {
		return c, false
	}
	// Fields after the command name, which is in parentheses: utime and
	// stime are the 14th and 15th fields of the line.
	f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+2:]))
	utime, _ := strconv.ParseFloat(f[11], 64)
	stime, _ := strconv.ParseFloat(f[12], 64)
	c.CPU = (utime + stime) / 100 // USER_HZ is 100 on Linux
	c.RSSMiB = float64(statusField(dir+"/status", "VmRSS:")) / 1024
	tasks, _ := filepath.Glob(dir + "/task/*/status")
	for _, t := range tasks {
		c.Switches += statusField(t, "voluntary_ctxt_switches:") + statusField(t, "nonvoluntary_ctxt_switches:")
	}
	c.Procs = 1
	return c, true
}

// statusField is a number from a /proc status file ("VmRSS:  123 kB" → 123).
func statusField(path, key string) int64 {
	data, _ := os.ReadFile(path)
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, key); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// descendants lists pid and every process below it (the agent's window
// process, for one), parents first.
func descendants(pid int) []int {
	parent := map[int][]int{}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, s := range stats {
		data, err := os.ReadFile(s)
		if err != nil {
			continue
		}
		f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+2:]))
		ppid, _ := strconv.Atoi(f[1])
		child, _ := strconv.Atoi(filepath.Base(filepath.Dir(s)))
		parent[ppid] = append(parent[ppid], child)
	}
	out := []int{pid}
	for i := 0; i < len(out); i++ {
		out = append(out, parent[out[i]]...)
	}
	return out
}

// treeCost is the cost of pid and its descendants, and of each of them.
func treeCost(pid int) (total procCost, each map[int]procCost) {
	each = map[int]procCost{}
	for _, p := range descendants(pid) {
		if c, ok := readCost(p); ok {
			each[p] = c
			total = total.add(c)
		}
	}
	return total, each
}

// comm is a process's command name, for the log.
func comm(pid int) string {
	data, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	args := strings.Split(strings.TrimRight(string(data), "\x00"), "\x00")
	if len(args) > 1 && !strings.HasPrefix(args[1], "-") {
		return filepath.Base(args[0]) + " " + args[1]
	}
	return filepath.Base(args[0])
}

// trayHost is the part of a desktop panel that makes an app believe it has
// a tray: it owns org.kde.StatusNotifierWatcher on a session bus and takes
// registrations (the item's bus name is the call's sender).
type trayHost struct {
	conn *dbus.Conn
	mu   sync.Mutex
	reg  map[string]bool
}

func startTrayHost(b *testing.B, busAddr string) *trayHost {
	b.Helper()
	conn, err := dbus.Connect(busAddr)
	if err != nil {
		b.Fatalf("tray host: %v", err)
	}
	b.Cleanup(func() { conn.Close() })
	h := &trayHost{conn: conn, reg: map[string]bool{}}
	if err := dbustest.ServeWatcher(conn, h); err != nil {
		b.Fatalf("tray host: %v", err)
	}
	return h
}

// RegisterStatusNotifierItem is the D-Bus method tray items call.
func (h *trayHost) RegisterStatusNotifierItem(sender dbus.Sender, _ string) *dbus.Error {
	h.mu.Lock()
	h.reg[string(sender)] = true
	h.mu.Unlock()
	return nil
}

// RegisterStatusNotifierHost is part of the interface; hosts are not tracked.
func (h *trayHost) RegisterStatusNotifierHost(string) *dbus.Error { return nil }

// items is how many tray items have registered.
func (h *trayHost) items() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.reg)
}

// registeredBy reports whether a process of the tree under pid has
// registered a tray item.
func (h *trayHost) registeredBy(pid int) bool {
	h.mu.Lock()
	names := make([]string, 0, len(h.reg))
	for n := range h.reg {
		names = append(names, n)
	}
	h.mu.Unlock()
	tree := map[uint32]bool{}
	for _, p := range descendants(pid) {
		tree[uint32(p)] = true
	}
	for _, n := range names {
		var owner uint32
		err := h.conn.BusObject().Call("org.freedesktop.DBus.GetConnectionUnixProcessID", 0, n).Store(&owner)
		if err == nil && tree[owner] {
			return true
		}
	}
	return false
}

// TestProcCost checks the counters the idle benchmarks are made of against
// processes whose behaviour is known: this one, a child, and one that
// has ended.
func TestProcCost(t *testing.T) {
	child := exec.Command("sleep", "30")
	if err := child.Start(); err != nil {
		t.Skip("no sleep(1):", err)
	}
	defer func() { child.Process.Kill(); child.Wait() }()

	self, ok := readCost(os.Getpid())
	if !ok || self.Procs != 1 || self.Switches <= 0 || self.RSSMiB <= 0 {
		t.Fatalf("readCost(self) = %+v, %v; want one process with switches and memory", self, ok)
	}
	if !slices.Contains(descendants(os.Getpid()), child.Process.Pid) {
		t.Fatalf("descendants(self) = %v, without the child %d", descendants(os.Getpid()), child.Process.Pid)
	}
	total, each := treeCost(os.Getpid())
	if len(each) < 2 || total.Procs != len(each) || total.Switches < self.Switches {
		t.Fatalf("treeCost(self) = %+v over %d processes; want self and the child", total, len(each))
	}
	if got := comm(child.Process.Pid); got != "sleep 30" {
		t.Errorf("comm(child) = %q, want \"sleep 30\" (the command and its subcommand)", got)
	}

	// Spinning moves the CPU counter (however loaded the machine: the
	// wait is bounded generously, and no speed is asserted).
	before, _ := readCost(os.Getpid())
	for start := time.Now(); ; {
		if now, _ := readCost(os.Getpid()); now.CPU-before.CPU >= 0.05 {
			break
		}
		if time.Since(start) > 30*time.Second {
			t.Fatal("30s of spinning did not move the CPU counter by 50ms")
		}
		for spin := time.Now(); time.Since(spin) < 10*time.Millisecond; {
		}
	}

	ended := exec.Command("true")
	if err := ended.Run(); err != nil {
		t.Skip("no true(1):", err)
	}
	if c, ok := readCost(ended.Process.Pid); ok {
		t.Errorf("readCost(an ended process) = %+v, true", c)
	}
}
