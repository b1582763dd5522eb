package history_test

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/history"
	"github.com/warpdesk/warpdesk/ops"
)

func TestRestartKeepsRecords(t *testing.T) {
	path := tempPath(t)
	h := open(t, path, history.Options{})
	a, b := rec("a", t0.Add(-2*time.Hour)), rec("b", t0.Add(-time.Hour))
	b.Resolved = false
	b.Incident.AcknowledgedBy, b.Incident.AcknowledgedAt = "bob", t0.Add(-time.Hour).UnixMilli()
	b.ServerName = "Production"
	if err := h.Add(a, b); err != nil {
		t.Fatal(err)
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}

	h = open(t, path, history.Options{})
	got, err := h.Search("", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("after a restart: %d records, want 2", len(got))
	}
	if !got[0].At.Equal(b.At) || got[0].Incident != b.Incident || got[0].Resolved || got[0].ServerName != "Production" {
		t.Errorf("newest = %+v, want %+v", got[0], b)
	}
	if got[1].Incident != a.Incident || !got[1].Resolved || got[1].Server != "s1" {
		t.Errorf("second = %+v, want %+v", got[1], a)
	}
}

func TestSearch(t *testing.T) {
	h := open(t, tempPath(t), history.Options{})
	r1 := rec("u1", t0.Add(-3*time.Minute))
	r1.Incident.Title, r1.Incident.Service = "Checkout latency high", "checkout-api"
	r2 := rec("u2", t0.Add(-2*time.Minute))
	r2.Incident.Title, r2.Incident.Description = "Payments failing", "The checkout cannot charge cards"
	r2.Incident.AcknowledgedBy, r2.Incident.AcknowledgedAt = "Alice", 1
	r3 := rec("u3", t0.Add(-time.Minute))
	r3.Incident.Title, r3.Incident.Severity = "Cache cold", ops.Info
	if err := h.Add(r1, r2, r3); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		q     string
		limit int
		want  []string
	}{
		{"", 0, []string{"u3", "u2", "u1"}},
		{"CHECKOUT", 0, []string{"u2", "u1"}},
		{"checkout alice", 0, []string{"u2"}},
		{"  info  ", 0, []string{"u3"}},
		{"checkout", 1, []string{"u2"}},
		{"nothing-like-this", 0, nil},
		{"", 5000, []string{"u3", "u2", "u1"}},
	} {
		if got := search(t, h, c.q, c.limit); !slices.Equal(got, c.want) {
			t.Errorf("Search(%q, %d) = %v, want %v", c.q, c.limit, got, c.want)
		}
	}
	if _, err := h.Search(strings.Repeat("x", history.MaxQueryLen+1), 0); !errors.Is(err, history.ErrInvalid) {
		t.Errorf("a query too long: err = %v, want ErrInvalid", err)
	}
}

func TestAcknowledgedThenResolvedIsOneRecord(t *testing.T) {
	path := tempPath(t)
	h := open(t, path, history.Options{})
	acked := rec("u1", t0.Add(-time.Hour))
	acked.Resolved = false
	acked.Incident.AcknowledgedBy, acked.Incident.AcknowledgedAt = "bob", t0.Add(-time.Hour).UnixMilli()
	other := rec("u1", t0.Add(-30*time.Minute))
	other.Server = "s2" // the same uuid on another server is another incident
	resolved := rec("u1", t0)
	if err := h.Add(acked, other); err != nil {
		t.Fatal(err)
	}
	if err := h.Add(resolved); err != nil {
		t.Fatal(err)
	}
	got, err := h.Search("", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d records, want 2 (one per server): %+v", len(got), got)
	}
	r := got[0]
	if r.Server != "s1" || !r.Resolved || !r.At.Equal(t0) || r.Incident.AcknowledgedBy != "bob" {
		t.Errorf("the acknowledged-then-resolved record = %+v: want resolved at %v, acknowledged by bob", r, t0)
	}
	if n, err := h.Len(); err != nil || n != 2 {
		t.Errorf("Len = %d, %v; want 2", n, err)
	}
}

func TestRetentionByCount(t *testing.T) {
	path := tempPath(t)
	h := open(t, path, history.Options{MaxRecords: 5})
	for i := range 8 {
		if err := h.Add(rec(ids("r", i, i)[0], t0.Add(time.Duration(i)*time.Minute))); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := search(t, h, "", 0), ids("r", 3, 7); !slices.Equal(got, reverse(want)) {
		t.Errorf("kept %v, want the newest five %v", got, reverse(want))
	}
	_ = h.Close()

	// At open, a smaller limit applies at once.
	h = open(t, path, history.Options{MaxRecords: 2})
	if got, want := search(t, h, "", 0), []string{"r7", "r6"}; !slices.Equal(got, want) {
		t.Errorf("reopened with MaxRecords 2: %v, want %v", got, want)
	}
}

func TestRetentionByAge(t *testing.T) {
	path := tempPath(t)
	clk := &fakeClock{now: t0}
	o := history.Options{MaxAge: 30 * 24 * time.Hour, Now: clk.Now}
	h := open(t, path, o)
	day := 24 * time.Hour
	if err := h.Add(rec("old", t0.Add(-29*day)), rec("new", t0.Add(-day))); err != nil {
		t.Fatal(err)
	}
	if got := search(t, h, "", 0); !slices.Equal(got, []string{"new", "old"}) {
		t.Fatalf("kept %v, want both (29 days old is young enough)", got)
	}
	clk.Advance(2 * day) // "old" is 31 days old now
	if err := h.Add(rec("newest", clk.Now())); err != nil {
		t.Fatal(err)
	}
	if got := search(t, h, "", 0); !slices.Equal(got, []string{"newest", "new"}) {
		t.Errorf("after an Add 31 days on: %v, want [newest new]", got)
	}
	_ = h.Close()

	clk.Advance(29*day + time.Minute) // "new" is past 30 days: dropped at open
	h = open(t, path, o)
	if got := search(t, h, "", 0); !slices.Equal(got, []string{"newest"}) {
		t.Errorf("reopened a month later: %v, want [newest]", got)
	}
}

func TestInvalidRecordWritesNothing(t *testing.T) {
	h := open(t, tempPath(t), history.Options{})
	bad := []history.Record{
		rec("", t0),
		{Incident: rec("x", t0).Incident}, // no time
		func() history.Record {
			r := rec("y", t0)
			r.Server = strings.Repeat("s", history.MaxServerLen+1)
			return r
		}(),
		func() history.Record { r := rec("z", t0); r.Incident.UUID = "a\x00b"; return r }(),
	}
	for i, b := range bad {
		if err := h.Add(rec("fine", t0), b); !errors.Is(err, history.ErrInvalid) {
			t.Errorf("bad record %d: err = %v, want ErrInvalid", i, err)
		}
	}
	if n, _ := h.Len(); n != 0 {
		t.Errorf("Len = %d after only failed Adds, want 0", n)
	}
}

func TestLongDescriptionIsCut(t *testing.T) {
	h := open(t, tempPath(t), history.Options{})
	r := rec("u", t0)
	r.Incident.Description = strings.Repeat("é", history.MaxDescription) // 2 bytes each
	if err := h.Add(r); err != nil {
		t.Fatal(err)
	}
	got, _ := h.Search("", 1)
	if d := got[0].Incident.Description; len(d) > history.MaxDescription || !strings.HasPrefix(r.Incident.Description, d) || len(d) < history.MaxDescription-1 {
		t.Errorf("description kept: %d bytes, want a whole-rune prefix of at most %d", len(d), history.MaxDescription)
	}
}

func TestClosed(t *testing.T) {
	h := open(t, tempPath(t), history.Options{})
	_ = h.Close()
	if err := h.Add(rec("a", t0)); !errors.Is(err, history.ErrClosed) {
		t.Errorf("Add after Close: %v, want ErrClosed", err)
	}
	if _, err := h.Search("", 0); !errors.Is(err, history.ErrClosed) {
		t.Errorf("Search after Close: %v, want ErrClosed", err)
	}
	if err := h.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestDefaultPathIsUnderXDGDataHome(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", dir)
	got, err := history.DefaultPath()
	if want := filepath.Join(dir, "warpdesk", "history.db"); err != nil || got != want {
		t.Errorf("DefaultPath = %q, %v; want %q", got, err, want)
	}
	t.Setenv("XDG_DATA_HOME", "relative/dir") // ignored, as the spec says
	t.Setenv("HOME", dir)
	got, err = history.DefaultPath()
	if want := filepath.Join(dir, ".local", "share", "warpdesk", "history.db"); err != nil || got != want {
		t.Errorf("with a relative XDG_DATA_HOME: %q, %v; want %q", got, err, want)
	}
}

func reverse(s []string) []string {
	s = slices.Clone(s)
	slices.Reverse(s)
	return s
}
