package history_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/history"
)

// TestCorruptFileMovedAside: a file that is not a history — garbage, or a
// real one cut short — is renamed aside with a warning, and a fresh
// history starts in its place; Open never fails or panics on it.
func TestCorruptFileMovedAside(t *testing.T) {
	for _, c := range []struct {
		name  string
		spoil func(t *testing.T, path string)
	}{
		{"garbage", func(t *testing.T, path string) {
			writeFile(t, path, []byte(strings.Repeat("this is not a bbolt file\n", 2000)))
		}},
		{"a few bytes", func(t *testing.T, path string) { writeFile(t, path, []byte("x")) }},
		{"truncated to half", func(t *testing.T, path string) { truncate(t, path, 0.5) }},
		{"truncated to one page", func(t *testing.T, path string) { truncateTo(t, path, 4096) }},
		{"pages after the metas overwritten", func(t *testing.T, path string) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			rnd := rand.New(rand.NewPCG(1, 2))
			for i := 2 * 4096; i < len(b); i++ {
				b[i] = byte(rnd.Uint32())
			}
			writeFile(t, path, b)
		}},
		{"meta pages overwritten", func(t *testing.T, path string) {
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.WriteAt(make([]byte, 2*4096), 0); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := tempPath(t)
			fill(t, path, 300)
			c.spoil(t, path)

			var log logBuf
			h := open(t, path, history.Options{Logger: log.logger()})
			if n, err := h.Len(); err != nil || n != 0 {
				t.Errorf("the fresh history has %d records (%v), want 0", n, err)
			}
			if err := h.Add(rec("after", t0)); err != nil {
				t.Errorf("Add to the fresh history: %v", err)
			}
			aside, _ := filepath.Glob(path + ".corrupt-*")
			if len(aside) != 1 {
				t.Errorf("files moved aside: %v, want one %s.corrupt-<time>", aside, filepath.Base(path))
			}
			t.Log(log.String())
			if !strings.Contains(log.String(), "level=WARN") || !strings.Contains(log.String(), "corrupt") {
				t.Errorf("no warning logged: %q", log.String())
			}
		})
	}
}

// TestHealthyFileIsNotMovedAside: reopening an intact file moves nothing.
func TestHealthyFileIsNotMovedAside(t *testing.T) {
	path := tempPath(t)
	fill(t, path, 300)
	h := open(t, path, history.Options{})
	if n, err := h.Len(); err != nil || n != 300 {
		t.Errorf("Len = %d, %v; want 300", n, err)
	}
	if aside, _ := filepath.Glob(path + ".corrupt-*"); len(aside) != 0 {
		t.Errorf("an intact file was moved aside: %v", aside)
	}
}

// TestSecondOpenTimesOut: a second Open of a held file (a second agent)
// fails with ErrLocked after the timeout instead of hanging.
func TestSecondOpenTimesOut(t *testing.T) {
	path := tempPath(t)
	open(t, path, history.Options{})
	start := time.Now()
	h, err := history.Open(path, history.Options{Timeout: 200 * time.Millisecond})
	if err == nil {
		_ = h.Close()
		t.Fatal("a second Open of a held history succeeded")
	}
	if !errors.Is(err, history.ErrLocked) {
		t.Fatalf("err = %v, want ErrLocked", err)
	}
	if waited := time.Since(start); waited > 30*time.Second {
		t.Errorf("the second Open waited %v", waited)
	}
	if aside, _ := filepath.Glob(path + ".corrupt-*"); len(aside) != 0 {
		t.Errorf("a locked file was moved aside: %v", aside)
	}
}

// fill writes n records to a new history at path and closes it.
func fill(t *testing.T, path string, n int) {
	t.Helper()
	h, err := history.Open(path, history.Options{Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	var rs []history.Record
	for i, id := range ids("f", 1, n) {
		r := rec(id, t0.Add(-time.Duration(i)*time.Second))
		r.Incident.Description = strings.Repeat("details ", 100)
		rs = append(rs, r)
	}
	if err := h.Add(rs...); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func truncate(t *testing.T, path string, frac float64) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	truncateTo(t, path, int64(float64(fi.Size())*frac))
}

func truncateTo(t *testing.T, path string, size int64) {
	t.Helper()
	if err := os.Truncate(path, size); err != nil {
		t.Fatal(err)
	}
}

// TestAnyDamagedPageNeverCrashes spoils each page of a real history in
// turn (after the two meta pages): Open must give a usable history every
// time — the old one when the page was not in use, a fresh one with the
// file moved aside when it was — and Search must not panic.
func TestAnyDamagedPageNeverCrashes(t *testing.T) {
	healthy := tempPath(t)
	fill(t, healthy, 200)
	orig, err := os.ReadFile(healthy)
	if err != nil {
		t.Fatal(err)
	}
	const page = 4096
	rnd := rand.New(rand.NewPCG(3, 4))
	dir := t.TempDir()
	for p := 2; p*page < len(orig); p++ {
		b := append([]byte(nil), orig...)
		for i := p * page; i < min((p+1)*page, len(b)); i++ {
			b[i] = byte(rnd.Uint32())
		}
		path := filepath.Join(dir, fmt.Sprintf("page%d.db", p))
		writeFile(t, path, b)
		h, err := history.Open(path, history.Options{Now: func() time.Time { return t0 }})
		if err != nil {
			t.Fatalf("page %d spoiled: Open: %v", p, err)
		}
		if _, err := h.Search("disk", 0); err != nil && !errors.Is(err, history.ErrCorrupt) {
			t.Errorf("page %d spoiled: Search: %v", p, err)
		}
		_ = h.Close()
	}
}
