package agent

import (
	"bytes"
	"log"
	"log/slog"
	"os"
	"strings"
	"testing"
)

// fyne.io/systray's "failed to register" (no tray host yet, which the
// tray says in words and recovers from) is not printed as an error line at
// start; its other complaints reach the log as warnings.
func TestStdLogRouted(t *testing.T) {
	defer func() {
		log.SetOutput(os.Stderr)
		log.SetFlags(log.LstdFlags)
	}()
	var buf bytes.Buffer
	routeStdLog(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo})))
	log.Printf("systray error: failed to register: The name org.kde.StatusNotifierWatcher was not provided\n")
	log.Printf("systray error: failed to set ToolTip prop: boom\n")
	out := buf.String()
	if strings.Contains(out, "failed to register") {
		t.Errorf("the missing tray host is logged above Debug:\n%s", out)
	}
	if !strings.Contains(out, `level=WARN msg="systray error: failed to set ToolTip prop: boom" component=stdlog`) {
		t.Errorf("other library errors not routed as warnings:\n%s", out)
	}
}
