package history_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/history"
	"github.com/warpdesk/warpdesk/ops"
)

// t0 is the fake clock's start.
var t0 = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

// fakeClock is a settable clock for retention.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// rec is a valid record of incident uuid on server "s1", settled at at.
func rec(uuid string, at time.Time) history.Record {
	return history.Record{
		Incident: ops.Incident{
			UUID: uuid, Title: "Disk full on " + uuid, Severity: ops.Critical,
			Room: "ops", CreatedAt: at.Add(-time.Minute).UnixMilli(), Service: "storage",
		},
		Server: "s1", Resolved: true, At: at,
	}
}

// open opens the history at path on clock c (nil: t0 fixed), failing the
// test on error and closing it at cleanup.
func open(t *testing.T, path string, o history.Options) *history.History {
	t.Helper()
	if o.Now == nil {
		o.Now = func() time.Time { return t0 }
	}
	h, err := history.Open(path, o)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { _ = h.Close() })
	return h
}

func tempPath(t *testing.T) string {
	return filepath.Join(t.TempDir(), "data", "warpdesk", history.FileName)
}

// uuids lists the records' uuids in order.
func uuids(rs []history.Record) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Incident.UUID
	}
	return out
}

func search(t *testing.T, h *history.History, q string, limit int) []string {
	t.Helper()
	rs, err := h.Search(q, limit)
	if err != nil {
		t.Fatalf("Search(%q): %v", q, err)
	}
	return uuids(rs)
}

// logBuf is a logger whose output a test can read.
type logBuf struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuf) logger() *slog.Logger { return slog.New(slog.NewTextHandler(l, nil)) }

func ids(prefix string, from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, fmt.Sprintf("%s%d", prefix, i))
	}
	return out
}
