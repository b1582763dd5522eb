package history_test

import (
	"bufio"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/history"
)

// TestKill9LosesNothingCommitted runs a writer process (this test binary,
// see runWriter) that adds records in a loop and reports each committed
// one; it is killed with SIGKILL in the middle of writing, and every record
// it reported must be in the history when it is opened again. Three rounds
// on the same file: each reopens what the last kill left.
func TestKill9LosesNothingCommitted(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	path := tempPath(t)
	var committed []string
	for round := range 3 {
		got := killWriter(t, path, 20+round*15)
		if len(got) == 0 {
			t.Fatalf("round %d: the writer reported no commit", round)
		}
		committed = append(committed, got...)

		h, err := history.Open(path, history.Options{})
		if err != nil {
			t.Fatalf("round %d: reopening after kill -9: %v", round, err)
		}
		rs, err := h.Search("", history.MaxLimit)
		_ = h.Close()
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		kept := uuids(rs)
		for _, id := range committed {
			if !slices.Contains(kept, id) {
				t.Fatalf("round %d: %s was reported committed but is not in the history (%d kept)", round, id, len(kept))
			}
		}
		t.Logf("round %d: %d records reported committed before the kill, all %d kept so far are there", round, len(got), len(committed))
	}
	if aside, _ := os.ReadDir(strings.TrimSuffix(path, history.FileName)); len(aside) != 1 {
		t.Errorf("files next to the history: %v, want the history alone (nothing moved aside)", aside)
	}
}

// killWriter starts a writer on path, reads its reports until it has
// committed n records (uuids carry the writer's pid, so each round's are
// new), kills it with SIGKILL while it keeps writing, and returns every uuid it
// reported, including those reported between the decision and the kill.
func killWriter(t *testing.T, path string, n int) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), writerEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(60*time.Second, func() { _ = cmd.Process.Kill() })
	defer timer.Stop()

	var got []string
	sc := bufio.NewScanner(out)
	killed := false
	for sc.Scan() {
		id, ok := strings.CutPrefix(sc.Text(), "committed ")
		if !ok {
			continue
		}
		got = append(got, id)
		if len(got) == n && !killed {
			killed = true
			_ = cmd.Process.Signal(syscall.SIGKILL) // mid-loop: the next Add is under way
		}
	}
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the writer ended with %v, not by SIGKILL (reported %d commits)", err, len(got))
	}
	return got
}
