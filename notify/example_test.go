package notify_test

import (
	"fmt"
	"time"

	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/notify/notifytest"
	"github.com/warpdesk/warpdesk/ops"
)

// A Notifier in the app: incidents in, decisions out, notifications handed
// to a Deliverer on the Notifier's goroutine. Here the Deliverer prints.
func ExampleNotifier() {
	var shown []string // written by the delivery goroutine, read after Close
	show := notifytest.DelivererFunc(func(n notify.Notification) error {
		shown = append(shown, fmt.Sprintf("[%s] %s / %s", n.Urgency, n.Summary, n.Body))
		return nil
	})
	now := time.Date(2026, 3, 14, 10, 0, 0, 0, time.Local)
	n := notify.New(show, notify.Options{Now: func() time.Time { return now }})
	n.SetRules(notify.Rules{MutedRooms: []string{"ci"}})

	created := now.Add(-2 * time.Minute)
	fmt.Println(n.Incident("", ops.Incident{UUID: "a1", Title: "DB <primary> down", Severity: ops.Critical, Room: "ops", CreatedAt: created.UnixMilli()}))
	fmt.Println(n.Incident("", ops.Incident{UUID: "a1", Title: "DB <primary> down", Severity: ops.Critical, Room: "ops"}))
	fmt.Println(n.Incident("", ops.Incident{UUID: "b2", Title: "Build red", Severity: ops.Warning, Room: "ci"}))
	n.Close() // delivers what was decided, then stops
	for _, s := range shown {
		fmt.Println(s)
	}

	// Output:
	// notify
	// duplicate
	// muted
	// [critical] Critical: DB <primary> down / ops · 09:58
}

// Rules are plain values; Check is a pure function of the incident and the
// time, which is what the settings window can use to preview them.
func ExampleRules_Check() {
	r := notify.Rules{
		MinSeverity: ops.Warning,
		QuietHours:  notify.QuietHours{Enabled: true, Start: notify.At(22, 0), End: notify.At(7, 0)},
	}
	night := time.Date(2026, 3, 14, 23, 30, 0, 0, time.UTC)
	for _, sev := range []ops.Severity{ops.Info, ops.Warning, ops.Critical} {
		fmt.Println(sev, r.Check("", ops.Incident{Severity: sev}, night))
	}
	r.PausedUntil = notify.PauseUntilTomorrow(night)
	fmt.Println("paused until", r.PausedUntil.Format("Jan 2 15:04"), r.Check("", ops.Incident{Severity: ops.Warning}, night))
	fmt.Println("critical in the pause:", r.Check("", ops.Incident{Severity: ops.Critical}, night))
	r.PauseCriticals = true
	fmt.Println("critical in a pause that holds criticals:", r.Check("", ops.Incident{Severity: ops.Critical}, night))

	// Output:
	// info below-minimum
	// warning quiet
	// critical notify
	// paused until Mar 15 08:00 paused
	// critical in the pause: notify
	// critical in a pause that holds criticals: paused
}

// Wiring the production deliverer: D-Bus on Linux with a click action,
// beeep elsewhere.
func ExampleNewSystem() {
	var icon []byte // the app's PNG icon, e.g. from assets
	sys := notify.NewSystem(notify.SystemOptions{
		AppIcon:      "warpdesk",
		DesktopEntry: "warpdesk",
		OnClick: func(server, id string) {
			// Called on a D-Bus goroutine: hand over to the UI, e.g.
			// fyne.Do(func() { openDashboard(server, id) }).
		},
	})
	defer sys.Close()
	n := notify.New(sys, notify.Options{Icon: icon})
	defer n.Close()
	n.ConnectionLost("", time.Now(), false) // from the socket's status changes
	n.ConnectionRestored("", time.Now())
}
