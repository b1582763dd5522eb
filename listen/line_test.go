package listen_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/listen"
	"github.com/warpdesk/warpdesk/ops"
)

func ExampleLine_Human() {
	at := time.Date(2026, 12, 1, 17, 31, 42, 0, time.UTC)
	l := listen.Line{Event: listen.EventOpened, Time: at, Severity: ops.Critical, Room: "payments",
		Title: "Duplicate charges reported for PayPal"}
	fmt.Println(l.Human(time.UTC))
	l.Event, l.AcknowledgedBy, l.Time = listen.EventAcknowledged, "alice", at.Add(3*time.Minute)
	fmt.Println(l.Human(time.UTC))
	l.Event, l.CaughtUp = listen.EventResolved, true
	fmt.Println(l.Human(time.UTC))
	// Output:
	// 17:31:42 CRITICAL payments Duplicate charges reported for PayPal
	// 17:34:42 ACKED    payments Duplicate charges reported for PayPal (by alice)
	// 17:34:42 RESOLVED payments Duplicate charges reported for PayPal (caught up)
}

// TestHumanLineIsOneLine: what a server sends cannot break the line or
// send escape sequences to the terminal.
func TestHumanLineIsOneLine(t *testing.T) {
	l := listen.Line{Event: listen.EventOpened, Severity: ops.Warning, Room: "a\nb",
		Title: "x\r\n17:00:00 CRITICAL fake\x1b[2J", AcknowledgedBy: "eve\x07"}
	h := l.Human(time.UTC)
	if strings.ContainsAny(h, "\r\n\x1b\x07") {
		t.Errorf("%q has control characters", h)
	}
}
