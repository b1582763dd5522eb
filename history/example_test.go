package history_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/warpdesk/warpdesk/history"
	"github.com/warpdesk/warpdesk/ops"
)

// Keep settled incidents and search them; the records survive Close and
// Open (and a process killed after Add returned).
func Example() {
	dir, err := os.MkdirTemp("", "history-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, history.FileName) // production: history.DefaultPath()

	h, err := history.Open(path, history.Options{})
	if err != nil {
		log.Fatal(err) // history.ErrLocked: another Warpdesk runs
	}
	at := time.Now()
	err = h.Add(history.Record{
		Incident: ops.Incident{
			UUID: "inc-1", Title: "Checkout latency high", Severity: ops.Critical,
			CreatedAt:      at.Add(-10 * time.Minute).UnixMilli(),
			AcknowledgedBy: "bob", AcknowledgedAt: at.Add(-5 * time.Minute).UnixMilli(),
		},
		Server: "prod", Resolved: true, At: at,
	})
	if err != nil {
		log.Fatal(err)
	}
	_ = h.Close()

	h, err = history.Open(path, history.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer h.Close()
	found, err := h.Search("checkout BOB", 10)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range found {
		fmt.Println(r.Incident.Title, "· resolved:", r.Resolved, "· acknowledged by", r.Incident.AcknowledgedBy)
	}
	// Output: Checkout latency high · resolved: true · acknowledged by bob
}
