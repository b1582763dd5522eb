package bench

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/conn"
	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/internal/dbustest"
	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/notify/notifytest"
	"github.com/warpdesk/warpdesk/socket/osenv"
	"github.com/warpdesk/warpdesk/store"
	"github.com/warpdesk/warpdesk/tray"
)

var pieceIdle = flag.Duration("piece.idle", 20*time.Second, "how long BenchmarkAgentPieces measures each piece")

// agentPieces are what the background agent is made of, each measured in
// a process of its own, and all of them together.
var agentPieces = []string{"runtime", "store", "conn", "tray", "notify", "osenv", "all"}

// BenchmarkAgentPieces finds where an idle agent's wakeups come from: each
// piece of the agent runs alone in a child process (this test binary run
// as TestIdlePiece) on a private session bus with a tray host and a
// notification server, against a quiet demo server in this process (3
// open incidents, no events, no drops):
//
//   - runtime: a Go process that only waits (the floor);
//   - store: store.New;
//   - conn: a store and a conn.Conn connected to the demo server and
//     caught up;
//   - tray: a store and tray.Start on the bus (registered with the host);
//   - notify: notify.New with notify.NewSystem, one notification delivered;
//   - osenv: osenv.Watch (netlink; logind on the system bus if there is
//     one);
//   - all: all of the above in one process.
//
// After a 3s settle it measures each child for -piece.idle (20s): CPU and
// wakeups per second as BenchmarkAppIdle does. It asserts no figure.
func BenchmarkAgentPieces(b *testing.B) {
	bus := dbustest.Start(b, dbustest.Session)
	host := startTrayHost(b, bus.Address)
	notifytest.Start(b, bus.Address, notifytest.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := demo.Start(ctx, "127.0.0.1:0", demo.Options{Interval: -1, BurstEvery: -1, DropEvery: -1, Initial: 3, Seed: 7})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	for _, piece := range agentPieces {
		cpu, wakeups := measurePiece(b, piece, []string{
			"BENCH_IDLE_PIECE=" + piece, "BENCH_URL=" + srv.URL(), "BENCH_TOKEN=" + srv.Token(),
			"DBUS_SESSION_BUS_ADDRESS=" + bus.Address,
		})
		if (piece == "tray" || piece == "all") && host.items() == 0 {
			b.Errorf("%s: no tray item registered with the host", piece)
		}
		b.ReportMetric(cpu, piece+"-cpu-%")
		b.ReportMetric(wakeups, piece+"-wakeups/s")
		b.Logf("%-7s %5.2f %% of a core, %6.1f wakeups/s", piece, cpu, wakeups)
	}
	b.Logf("load average %s", loadAvg())
	b.ReportMetric(0, "ns/op")
}

// measurePiece runs one piece in a child, waits for its "ready" line,
// lets it settle and measures it.
func measurePiece(b *testing.B, piece string, env []string) (cpu, wakeups float64) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestIdlePiece$", "-test.v")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	ready := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "ready") {
				ready <- nil
				for sc.Scan() { // keep draining: the child may log more
				}
				return
			}
		}
		ready <- errors.New("the child ended before it was ready")
	}()
	select {
	case err := <-ready:
		if err != nil {
			b.Fatalf("%s: %v", piece, err)
		}
	case <-time.After(60 * time.Second):
		b.Fatalf("%s: not ready within 60s", piece)
	}
	time.Sleep(3 * time.Second)
	pid := cmd.Process.Pid
	start, _ := readCost(pid)
	t0 := time.Now()
	time.Sleep(*pieceIdle)
	end, ok := readCost(pid)
	wall := time.Since(t0).Seconds()
	if !ok {
		b.Fatalf("%s: the child ended during the measurement", piece)
	}
	return (end.CPU - start.CPU) / wall * 100, float64(end.Switches-start.Switches) / wall
}

// TestIdlePiece is BenchmarkAgentPieces' child: it starts the piece named
// by $BENCH_IDLE_PIECE, prints "ready" and waits for SIGTERM.
func TestIdlePiece(t *testing.T) {
	piece := os.Getenv("BENCH_IDLE_PIECE")
	if piece == "" {
		t.Skip("only a helper for BenchmarkAgentPieces")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	all := piece == "all"
	st := store.New(store.Options{})
	defer st.Close()
	if all || piece == "conn" {
		c, err := conn.New(st, conn.Options{
			Server: os.Getenv("BENCH_URL"),
			Token:  func(context.Context) (string, error) { return os.Getenv("BENCH_TOKEN"), nil },
		})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.Start()
		deadline := time.Now().Add(30 * time.Second)
		for st.State().Knowledge != store.Current {
			if time.Now().After(deadline) {
				t.Fatalf("conn: not caught up within 30s: %+v", st.State())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	if all || piece == "tray" {
		tr, err := tray.Start(st, tray.Options{Open: func() {}, Settings: func() {}, Quit: func() {}, Commands: st})
		if err != nil {
			t.Fatal(err)
		}
		defer tr.Close()
	}
	if all || piece == "notify" {
		sys := notify.NewSystem(notify.SystemOptions{})
		defer sys.Close()
		n := notify.New(sys, notify.Options{})
		defer n.Close()
		if err := sys.Deliver(notify.Notification{Summary: "idle probe", Body: "one notification"}); err != nil {
			t.Logf("notify: %v", err)
		}
	}
	if all || piece == "osenv" {
		done := make(chan struct{})
		go func() {
			defer close(done)
			if err := osenv.Watch(ctx, nopTarget{}, osenv.Options{}); err != nil && !errors.Is(err, context.Canceled) {
				t.Logf("osenv: %v", err)
			}
		}()
		defer func() { <-done }()
	}
	fmt.Println("ready")
	<-ctx.Done()
}

type nopTarget struct{}

func (nopTarget) SetOnline(bool) {}
func (nopTarget) SetAwake(bool)  {}
