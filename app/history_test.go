package app

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/warpdesk/warpdesk/history"
	"github.com/warpdesk/warpdesk/ipc"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
	"github.com/warpdesk/warpdesk/store/storetest"
)

var histNow = time.Date(2026, 12, 1, 18, 0, 0, 0, time.Local)

// agentHistory is a real history with three settled incidents, served by
// a real ipc.Server to the ipc.Remote it returns (the window's end).
func agentHistory(t *testing.T, withHistory bool) *ipc.Remote {
	t.Helper()
	h, err := history.Open(filepath.Join(t.TempDir(), history.FileName), history.Options{Now: func() time.Time { return histNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close() })
	rec := func(uuid, title, service string, at time.Time, by string, resolved bool) history.Record {
		r := history.Record{Incident: ops.Incident{UUID: uuid, Title: title, Severity: ops.Critical,
			Service: service, CreatedAt: at.Add(-time.Hour).UnixMilli()}, Server: "prod", ServerName: "Production",
			Resolved: resolved, At: at}
		if by != "" {
			r.Incident.AcknowledgedBy, r.Incident.AcknowledgedAt = by, at.Add(-10*time.Minute).UnixMilli()
		}
		return r
	}
	if err := h.Add(
		rec("u1", "Checkout latency high", "checkout-api", histNow.Add(-3*24*time.Hour), "bob", true),
		rec("u2", "Disk full on db-3", "postgres", histNow.Add(-2*time.Hour), "", true),
		rec("u3", "Checkout errors", "checkout-api", histNow.Add(-time.Hour), "alice", false),
	); err != nil {
		t.Fatal(err)
	}
	opts := ipc.Options{}
	if withHistory {
		opts.History = h
	}
	toWin, fromAgent := io.Pipe()
	toAgent, fromWin := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = ipc.NewServer(storetest.NewSource(store.State{}), nil, opts).Run(ctx, toAgent, fromAgent)
	}()
	rm := ipc.NewRemote(toWin, fromWin, ipc.Options{})
	t.Cleanup(func() {
		cancel()
		_ = rm.Close()
		<-done
	})
	return rm
}

// stepped holds each search until the test lets it go (step): the test
// driver runs fyne.Do on the search's own goroutine, so a search must not
// draw while the test goroutine is still inside Fyne (typing, selecting).
type stepped struct {
	h    History
	step chan struct{}
}

func newStepped(h History) *stepped { return &stepped{h: h, step: make(chan struct{})} }

func (s *stepped) SearchHistory(ctx context.Context, q string, limit int) ([]history.Record, bool, error) {
	<-s.step
	return s.h.SearchHistory(ctx, q, limit)
}

// settle lets the one search under way run, and waits for it to be drawn.
func (s *stepped) settle(v *ResolvedView) {
	s.step <- struct{}{}
	v.wg.Wait()
}

// typeIn types text into the view's box a key at a time, each search
// drawn before the next key.
func (s *stepped) typeIn(v *ResolvedView, text string) {
	for _, r := range text {
		test.Type(v.Search, string(r))
		s.settle(v)
	}
}

func TestResolvedViewSearchesTheAgentsHistory(t *testing.T) {
	test.NewTempApp(t)
	s := newStepped(agentHistory(t, true))
	v := NewResolvedView(s, func() time.Time { return histNow })
	test.NewTempWindow(t, v.Object)
	v.Refresh()
	s.settle(v)
	if got := uuidsOf(v.records); got != "u3 u2 u1" || v.List.Length() != 3 {
		t.Fatalf("shown %q (%d rows), want u3 u2 u1, newest first", got, v.List.Length())
	}
	if v.Status.Text != "3 incidents" {
		t.Errorf("status %q", v.Status.Text)
	}

	s.typeIn(v, "checkout")
	if got := uuidsOf(v.records); got != "u3 u1" {
		t.Errorf("after typing checkout: %q, want u3 u1", got)
	}
	s.typeIn(v, " bob")
	if got := uuidsOf(v.records); got != "u1" || v.Status.Text != "1 incident" {
		t.Errorf("after typing checkout bob: %q (%q), want u1", got, v.Status.Text)
	}
	s.typeIn(v, "x")
	if v.List.Length() != 0 || !strings.Contains(v.Status.Text, "Nothing matches") {
		t.Errorf("no match: %d rows, status %q", v.List.Length(), v.Status.Text)
	}
}

func TestResolvedViewRows(t *testing.T) {
	test.NewTempApp(t)
	v := NewResolvedView(agentHistory(t, true), func() time.Time { return histNow })
	test.NewTempWindow(t, v.Object)
	v.Refresh()
	v.wg.Wait()
	row := v.List.CreateItem()
	v.List.UpdateItem(2, row)
	box := row.(*fyne.Container).Objects[0].(*fyne.Container)
	title, detail := box.Objects[0].(*widget.Label).Text, box.Objects[1].(*widget.Label).Text
	if title != "Checkout latency high" {
		t.Errorf("title %q", title)
	}
	u1 := histNow.Add(-3 * 24 * time.Hour)
	want := "Resolved " + u1.Format("Mon 15:04") + " · acknowledged by bob " + u1.Add(-10*time.Minute).Format("Mon 15:04") +
		" · Critical · checkout-api · Production"
	if detail != want {
		t.Errorf("detail\n got %q\nwant %q", detail, want)
	}
	if got := settledLine(v.records[0], histNow); got != "Acknowledged 16:50 by alice · Critical · checkout-api · Production" {
		t.Errorf("an acknowledged record: %q", got)
	}
}

func TestResolvedViewWithoutHistory(t *testing.T) {
	test.NewTempApp(t)
	v := NewResolvedView(agentHistory(t, false), nil)
	v.Refresh()
	v.wg.Wait()
	if !strings.Contains(v.Status.Text, "No history") || v.List.Length() != 0 {
		t.Errorf("status %q, %d rows; want the missing history said plainly", v.Status.Text, v.List.Length())
	}
}

// gatedHistory holds each search until its gate closes and records the
// queries.
type gatedHistory struct {
	gate chan struct{}
	mu   sync.Mutex
	qs   []string
}

func (g *gatedHistory) SearchHistory(_ context.Context, q string, _ int) ([]history.Record, bool, error) {
	<-g.gate
	g.mu.Lock()
	g.qs = append(g.qs, q)
	g.mu.Unlock()
	return nil, false, nil
}

// TestResolvedViewOneSearchAtATime: text typed while a search runs is
// searched once that one ends, and only the newest answer is shown.
func TestResolvedViewOneSearchAtATime(t *testing.T) {
	test.NewTempApp(t)
	g := &gatedHistory{gate: make(chan struct{})}
	v := NewResolvedView(g, nil)
	v.Refresh()            // held at the gate
	v.Search.SetText("db") // OnChanged → Refresh: queued, not a second search
	v.Search.SetText("dbx")
	close(g.gate)
	v.wg.Wait()
	if strings.Join(g.qs, ",") != ",dbx" {
		t.Errorf("searched %q, want the first search and then the newest text once", g.qs)
	}
}

func TestWithHistoryAddsTheResolvedTab(t *testing.T) {
	test.NewTempApp(t)
	board := widget.NewLabel("board")
	if got := withHistory(storetest.NewSource(store.State{}), board, nil); got != board {
		t.Fatal("a source without history must keep the dashboard as it is")
	}
	rm := agentHistory(t, true)
	if _, ok := withHistory(rm, board, nil).(*container.AppTabs); !ok {
		t.Fatal("the window's Remote can search: want tabs")
	}
	s := newStepped(rm)
	tabs, v := resolvedTabs(s, board, nil)
	if len(tabs.Items) != 2 || tabs.Items[0].Content != board || tabs.Items[1].Text != "Resolved" {
		t.Fatalf("tabs %v, want Active (the board) and Resolved", tabs.Items)
	}
	test.NewTempWindow(t, tabs)
	tabs.SelectIndex(1)
	s.settle(v)
	if v.List.Length() != 3 {
		t.Errorf("the Resolved tab, once shown, lists %d incidents, want 3", v.List.Length())
	}
}

func uuidsOf(rs []history.Record) string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.Incident.UUID
	}
	return strings.Join(ids, " ")
}
