//go:build linux

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/warpdesk/warpdesk/notify/notifytest"
)

// ocrMissing names the tool missing to read the screen, "" when none is.
func ocrMissing() string {
	for _, tool := range []string{"tesseract", "import", "convert", "xdotool"} {
		if _, err := exec.LookPath(tool); err != nil {
			return "the dashboards, read off the screen by OCR: no " + tool + " (apt-get install tesseract-ocr imagemagick xdotool)"
		}
	}
	return ""
}

// windowText is the text of process pid's window named Warpdesk, once
// visible, as tesseract reads it from a screenshot enlarged 2× (Fyne's
// 14 px text is small for OCR).
func windowText(t *testing.T, pid int) string {
	t.Helper()
	var id string
	for deadline := time.Now().Add(60 * time.Second); id == ""; time.Sleep(200 * time.Millisecond) {
		out, _ := runBounded("xdotool", "search", "--onlyvisible", "--pid", strconv.Itoa(pid), "--name", "^Warpdesk$")
		if f := strings.Fields(string(out)); len(f) > 0 {
			id = f[0]
		} else if time.Now().After(deadline) {
			t.Fatalf("process %d shows no window named Warpdesk: %s", pid, out)
		}
	}
	dir := t.TempDir()
	shot, big := filepath.Join(dir, "window.png"), filepath.Join(dir, "big.png")
	steps := [][]string{
		{"import", "-window", id, shot},
		{"convert", shot, "-colorspace", "Gray", "-resize", "200%", big},
	}
	for _, s := range steps {
		if out, err := runBounded(s...); err != nil {
			t.Fatalf("%s: %v\n%s", s[0], err, out)
		}
	}
	out, err := runBounded("tesseract", big, "stdout")
	if err != nil {
		t.Fatalf("tesseract: %v\n%s", err, out)
	}
	return string(out)
}

// runBounded runs a command for at most 60 s and returns its output. One
// OpenMP thread: tesseract's spinning threads only slow a loaded machine.
func runBounded(args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	return cmd.CombinedOutput()
}

// summaries lists Notify calls for a failure message.
func summaries(calls []notifytest.Call) string {
	var s []string
	for _, c := range calls {
		s = append(s, fmt.Sprintf("%d %q from %s", c.ID, c.Summary, c.Sender))
	}
	return strings.Join(s, "; ")
}

// busPID is the process id behind a unique bus name, 0 when unknown.
func busPID(conn *dbus.Conn, name string) int {
	var pid uint32
	if err := conn.BusObject().Call("org.freedesktop.DBus.GetConnectionUnixProcessID", 0, name).Store(&pid); err != nil {
		return 0
	}
	return int(pid)
}

// itemOf waits for the tray item p registered.
func (w *snWatcher) itemOf(t *testing.T, p *proc) snItem {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		w.mu.Lock()
		reg := append([]snItem(nil), w.reg...)
		w.mu.Unlock()
		for _, it := range reg {
			if busPID(w.conn, it.Name) == p.cmd.Process.Pid {
				return it
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s registered no tray item within 60s", p.name)
	return snItem{}
}
