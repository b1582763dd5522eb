package bench

import (
	"flag"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/ops"
)

var appIdle = flag.Duration("app.idle", 60*time.Second, "how long BenchmarkAppIdle measures the idle processes")

// BenchmarkAppIdle builds the Warpdesk binary and a bare Fyne window in the
// same run, starts a quiet demo server (`warpdesk serve` with no events), the
// app connected to it and the bare window side by side on the current X
// display, waits until the app has connected and caught up, lets both
// settle for 3s, and then measures each one's CPU (user
// + system, as a share of one core) and RSS (mean and peak of one sample
// per second) over -app.idle (60s). It needs an X display: run it under
// scripts/headless.sh, which also gives a private session bus. It runs once
// whatever -benchtime says.
func BenchmarkAppIdle(b *testing.B) {
	if os.Getenv("DISPLAY") == "" {
		b.Skip("no DISPLAY: run under scripts/headless.sh (Xvfb + a private session bus)")
	}
	dir := b.TempDir()
	app, bare := filepath.Join(dir, "warpdesk"), filepath.Join(dir, "barewindow")
	for _, bin := range []struct{ out, pkg string }{
		{app, "github.com/warpdesk/warpdesk"},
		{bare, "github.com/warpdesk/warpdesk/bench/barewindow"},
	} {
		cmd := exec.Command("go", "build", "-o", bin.out, bin.pkg)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("go build %s: %v\n%s", bin.pkg, err, out)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	start := func(name string, env []string, args ...string) *exec.Cmd {
		cmd := exec.Command(name, args...)
		cmd.Env = append(os.Environ(), env...)
		logf, err := os.Create(filepath.Join(dir, filepath.Base(name)+"-"+strconv.Itoa(len(args))+".log"))
		if err != nil {
			b.Fatal(err)
		}
		cmd.Stderr = logf
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() {
			cmd.Process.Signal(syscall.SIGTERM)
			done := make(chan struct{})
			go func() { cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				cmd.Process.Kill()
				<-done
			}
		})
		return cmd
	}
	start(app, nil, "serve", "-addr", addr, "-seed", "7", "-initial", "3",
		"-interval", "-1s", "-burst-every", "-1s", "-drop-every", "-1s")
	waitFor(b, 10*time.Second, func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	}, "the demo server")
	warp := start(app, []string{"WARPDESK_TOKEN=" + ops.DemoToken}, "-server", "ws://"+addr+"/ws")
	window := start(bare, nil)

	// The app is live once it has caught up with the server's 3 incidents.
	waitFor(b, 60*time.Second, func() bool {
		log, _ := os.ReadFile(filepath.Join(dir, "warpdesk-2.log"))
		return strings.Contains(string(log), "caught up") && strings.Contains(string(log), "open=3")
	}, "the app to connect and catch up")
	time.Sleep(3 * time.Second) // let both settle
	procs := []*exec.Cmd{warp, window}
	cpu0 := []float64{cpuSeconds(b, warp), cpuSeconds(b, window)}
	var rssSum, rssMax [2]float64
	samples := 0
	t0 := time.Now()
	for time.Since(t0) < *appIdle {
		time.Sleep(time.Second)
		for i, p := range procs {
			r := rssMiB(b, p)
			rssSum[i] += r
			rssMax[i] = max(rssMax[i], r)
		}
		samples++
	}
	wall := time.Since(t0).Seconds()
	cpu := []float64{
		(cpuSeconds(b, warp) - cpu0[0]) / wall * 100,
		(cpuSeconds(b, window) - cpu0[1]) / wall * 100,
	}
	b.ReportMetric(cpu[0], "app-cpu-%")
	b.ReportMetric(cpu[1], "bare-cpu-%")
	b.ReportMetric(rssSum[0]/float64(samples), "app-rss-MiB")
	b.ReportMetric(rssSum[1]/float64(samples), "bare-rss-MiB")
	b.ReportMetric(rssMax[0], "app-peak-rss-MiB")
	b.ReportMetric(rssMax[1], "bare-peak-rss-MiB")
	b.ReportMetric((rssSum[0]/float64(samples))/(rssSum[1]/float64(samples)), "rss-x-bare")
	b.ReportMetric(0, "ns/op")
}

// cpuSeconds is a process's user + system CPU time so far.
func cpuSeconds(b *testing.B, p *exec.Cmd) float64 {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(p.Process.Pid) + "/stat")
	if err != nil {
		b.Fatalf("process %s ended early: %v", p.Path, err)
	}
	// Fields after the command name, which is in parentheses.
	f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+2:]))
	utime, _ := strconv.ParseFloat(f[11], 64)
	stime, _ := strconv.ParseFloat(f[12], 64)
	return (utime + stime) / 100 // USER_HZ is 100 on Linux
}

func rssMiB(b *testing.B, p *exec.Cmd) float64 {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(p.Process.Pid) + "/status")
	if err != nil {
		b.Fatalf("process %s ended early: %v", p.Path, err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kib, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return float64(kib) / 1024
		}
	}
	return 0
}
