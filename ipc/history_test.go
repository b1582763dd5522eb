package ipc_test

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/history"
	"github.com/warpdesk/warpdesk/ipc"
	"github.com/warpdesk/warpdesk/ops"
)

// fakeHistory answers searches with its records, or err; while gate is
// non-nil each search waits for it to close.
type fakeHistory struct {
	mu      sync.Mutex
	records []history.Record
	err     error
	gate    chan struct{}
	asked   []string
}

func (f *fakeHistory) Search(query string, limit int) ([]history.Record, error) {
	f.mu.Lock()
	f.asked = append(f.asked, query)
	gate, rs, err := f.gate, f.records, f.err
	f.mu.Unlock()
	if gate != nil {
		<-gate
	}
	if limit > 0 && len(rs) > limit {
		rs = rs[:limit]
	}
	return rs, err
}

// historyLink joins a Server answering from h (nil: none) and a Remote.
func historyLink(t *testing.T, h ipc.History) *ipc.Remote {
	t.Helper()
	toWin, fromAgent := io.Pipe()
	toAgent, fromWin := io.Pipe()
	srv := ipc.NewServer(newSource(), newCommands(), ipc.Options{History: h})
	ctx, cancel := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	go func() { runErr <- srv.Run(ctx, toAgent, fromAgent) }()
	rm := ipc.NewRemote(toWin, fromWin, ipc.Options{})
	t.Cleanup(func() {
		cancel()
		rm.Close()
		recv(t, runErr, "Run to return")
	})
	return rm
}

func settled(uuid, title string) history.Record {
	return history.Record{
		Incident: ops.Incident{UUID: uuid, Title: title, Severity: ops.Critical, CreatedAt: 1,
			AcknowledgedBy: "bob", AcknowledgedAt: 2},
		Server: "prod", Resolved: true, At: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC),
	}
}

func bounded() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 10*time.Second)
}

// TestHistorySearchFromARealHistory: the window searches the agent's
// history over the link and gets its records, newest first.
func TestHistorySearchFromARealHistory(t *testing.T) {
	h, err := history.Open(filepath.Join(t.TempDir(), history.FileName), history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	older, newer := settled("u1", "Checkout latency"), settled("u2", "Checkout down")
	newer.At = older.At.Add(time.Minute)
	if err := h.Add(older, newer, settled("u3", "Disk full")); err != nil {
		t.Fatal(err)
	}
	rm := historyLink(t, h)
	ctx, cancel := bounded()
	defer cancel()
	rs, more, err := rm.SearchHistory(ctx, "checkout", 0)
	if err != nil || more {
		t.Fatalf("SearchHistory: %v (more %v)", err, more)
	}
	if len(rs) != 2 || rs[0].Incident.UUID != "u2" || rs[1].Incident.UUID != "u1" ||
		rs[0].Incident.AcknowledgedBy != "bob" || !rs[0].Resolved || !rs[0].At.Equal(newer.At) {
		t.Fatalf("got %+v, want u2 then u1 as recorded", rs)
	}
}

func TestHistorySearchErrors(t *testing.T) {
	ctx, cancel := bounded()
	defer cancel()

	rm := historyLink(t, nil)
	if _, _, err := rm.SearchHistory(ctx, "", 0); !errors.Is(err, ipc.ErrNoHistory) {
		t.Errorf("an agent without history: %v, want ErrNoHistory", err)
	}

	rm = historyLink(t, &fakeHistory{err: history.ErrCorrupt})
	_, _, err := rm.SearchHistory(ctx, "", 0)
	if !errors.Is(err, ipc.ErrSearchFailed) || !strings.Contains(err.Error(), "corrupt") {
		t.Errorf("a failing history: %v, want ErrSearchFailed saying why", err)
	}

	fh := &fakeHistory{}
	rm = historyLink(t, fh)
	for _, c := range []struct {
		q     string
		limit int
	}{{strings.Repeat("q", history.MaxQueryLen+1), 0}, {"", -1}, {"", history.MaxLimit + 1}} {
		if _, _, err := rm.SearchHistory(ctx, c.q, c.limit); !errors.Is(err, history.ErrInvalid) {
			t.Errorf("query of %d bytes, limit %d: %v, want history.ErrInvalid", len(c.q), c.limit, err)
		}
	}
	if _, _, err := rm.SearchHistory(ctx, "fine", 10); err != nil {
		t.Fatalf("a good search after bad ones: %v", err)
	}
	if fh.asked[0] != "fine" || len(fh.asked) != 1 {
		t.Errorf("the agent was asked %q; bad searches must not be sent", fh.asked)
	}

	_ = rm.Close()
	if _, _, err := rm.SearchHistory(ctx, "", 0); !errors.Is(err, ipc.ErrClosed) {
		t.Errorf("after Close: %v, want ErrClosed", err)
	}
}

// TestHistorySearchWaitsBoundedly: a search the agent is slow to answer
// ends with the caller's context; no more than a few wait at once; a late
// answer to an abandoned search is dropped and the link goes on.
func TestHistorySearchWaitsBoundedly(t *testing.T) {
	fh := &fakeHistory{gate: make(chan struct{}), records: []history.Record{settled("u1", "x")}}
	rm := historyLink(t, fh)

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, _, err := rm.SearchHistory(ctx, "slow", 0); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a search not answered in time: %v, want DeadlineExceeded", err)
	}

	long, cancelLong := bounded()
	defer cancelLong()
	errs := make(chan error, 20)
	for range 20 {
		go func() { _, _, err := rm.SearchHistory(long, "many", 0); errs <- err }()
	}
	tooMany := 0
	for range 20 - 8 { // eight wait; the rest are refused at once
		if err := recv(t, errs, "a refused search"); errors.Is(err, ipc.ErrTooManySearches) {
			tooMany++
		}
	}
	if tooMany != 12 {
		t.Errorf("%d searches refused with ErrTooManySearches, want 12", tooMany)
	}
	close(fh.gate)
	for range 8 {
		if err := recv(t, errs, "a waiting search"); err != nil {
			t.Errorf("a waiting search, once answered: %v", err)
		}
	}
	if rs, _, err := rm.SearchHistory(long, "", 0); err != nil || len(rs) != 1 {
		t.Errorf("the link after abandoned searches: %v, %v", rs, err)
	}
}

// TestHistoryReplyIsBounded: records that would not fit a line are left
// off, and more says so.
func TestHistoryReplyIsBounded(t *testing.T) {
	big := make([]history.Record, history.MaxLimit)
	for i := range big {
		big[i] = settled("u", "t")
		big[i].Incident.Description = strings.Repeat("d", ops.MaxDescriptionLen)
	}
	rm := historyLink(t, &fakeHistory{records: big})
	ctx, cancel := bounded()
	defer cancel()
	rs, more, err := rm.SearchHistory(ctx, "", history.MaxLimit)
	if err != nil {
		t.Fatal(err)
	}
	if !more || len(rs) == 0 || len(rs) >= len(big) {
		t.Errorf("%d of %d records, more %v: want some left off and more set", len(rs), len(big), more)
	}
}

func TestServerRejectsBadHistorySearch(t *testing.T) {
	for _, line := range []string{
		`{"t":"history","query":"x"}`,
		`{"t":"history","id":1,"query":"` + strings.Repeat("x", history.MaxQueryLen+1) + `"}`,
		`{"t":"history","id":1,"limit":-1}`,
		`{"t":"history","id":1,"limit":100000}`,
		`{"t":"history","id":1,"limit":"ten"}`,
		`{"t":"historyResult","id":1}`,
	} {
		err := ipc.NewServer(newSource(), nil, ipc.Options{History: &fakeHistory{}}).
			Run(context.Background(), strings.NewReader(line+"\n"), io.Discard)
		if !errors.Is(err, ipc.ErrMalformed) {
			t.Errorf("%.60s: Run returned %v, want ErrMalformed", line, err)
		}
	}
}
