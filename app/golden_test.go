package app

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/warpdesk/warpdesk/socket"
)

// The status bar per state, as markup (testdata/*.xml). After an intended
// change, copy testdata/failed/*.xml over testdata/*.xml and review the diff.
func TestStatusBarMarkup(t *testing.T) {
	test.NewTempApp(t)
	for _, tc := range []struct {
		file   string
		status socket.Status
	}{
		{"status_live.xml", socket.Status{State: socket.StateConnected}},
		{"status_reconnecting.xml", socket.Status{State: socket.StateReconnecting, Attempt: 2}},
		{"status_rejected.xml", socket.Status{State: socket.StateDisconnected, Err: fmt.Errorf("4001: %w", socket.ErrRejected)}},
	} {
		bar := NewStatusBar(func() {})
		bar.Set(Describe(tc.status))
		bar.SetSync("Synced 12:00:00")
		w := test.NewTempWindow(t, bar.Object)
		w.Resize(fyne.NewSize(720, 48))
		test.AssertRendersToMarkup(t, tc.file, w.Canvas())
	}
}
