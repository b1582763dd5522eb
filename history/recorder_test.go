package history_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/history"
)

// TestRecorderWritesInTheBackground: Record returns at once; after Close
// everything recorded is in the history, in order, and an invalid record
// costs only itself.
func TestRecorderWritesInTheBackground(t *testing.T) {
	h := open(t, tempPath(t), history.Options{})
	var log logBuf
	r := history.NewRecorder(h, log.logger())
	for i, id := range ids("q", 1, 50) {
		r.Record(rec(id, t0.Add(time.Duration(i)*time.Second)))
	}
	r.Record(rec("", t0)) // invalid: logged, dropped
	r.Close()
	r.Close()
	r.Record(rec("late", t0)) // after Close: dropped

	got := search(t, h, "", 0)
	if want := reverse(ids("q", 1, 50)); !slices.Equal(got, want) {
		t.Errorf("kept %v, want %v", got, want)
	}
	if !strings.Contains(log.String(), "not kept") {
		t.Errorf("the invalid record was not logged: %q", log.String())
	}
}

// TestRecorderQueueIsBounded: while the disk is held up, the queue keeps
// the newest MaxRecords records, never more.
func TestRecorderQueueIsBounded(t *testing.T) {
	path := tempPath(t)
	h := open(t, path, history.Options{MaxRecords: 10})
	r := history.NewRecorder(h, nil)
	for i, id := range ids("b", 1, 500) {
		r.Record(rec(id, t0.Add(time.Duration(i)*time.Second)))
	}
	r.Close()
	if got, want := search(t, h, "", 0), reverse(ids("b", 491, 500)); !slices.Equal(got, want) {
		t.Errorf("kept %v, want the newest ten %v", got, want)
	}
}
