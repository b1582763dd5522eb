package notify_test

import (
	"fmt"
	"time"

	"github.com/warpdesk/warpdesk/notify"
)

// A Notifier in the app: incidents in, decisions out, notifications handed
// to a Deliverer on the Notifier's goroutine. Here the Deliverer prints.
func ExampleNotifier() {
	var shown []string // written by the delivery goroutine, read after Close
	show := notify.DelivererFunc(func(n notify.Notification) error {
		shown = append(shown, fmt.Sprintf("[%s] %s / %s", n.Urgency, n.Summary, n.Body))
		return nil
	})
	n := notify.New(show, notify.Options{})
	n.SetRules(notify.Rules{MutedRooms: []string{"ci"}})

	created := time.Date(2026, 3, 14, 9, 58, 0, 0, time.Local)
	fmt.Println(n.Incident(notify.Incident{UUID: "a1", Title: "DB <primary> down", Severity: notify.ParseSeverity("CRITICAL"), Room: "ops", CreatedAt: created}))
	fmt.Println(n.Incident(notify.Incident{UUID: "a1", Title: "DB <primary> down", Severity: notify.SeverityCritical, Room: "ops"}))
	fmt.Println(n.Incident(notify.Incident{UUID: "b2", Title: "Build red", Severity: notify.SeverityWarning, Room: "ci"}))
	n.Close() // delivers what was decided, then stops
	for _, s := range shown {
		fmt.Println(s)
	}

	// Output:
	// notify
	// duplicate
	// muted
	// [critical] Critical: DB <primary> down / ops · Mar 14 09:58
}

// Rules are plain values; Check is a pure function of the incident and the
// time, which is what the settings window can use to preview them.
func ExampleRules_Check() {
	r := notify.Rules{
		MinSeverity: notify.SeverityWarning,
		QuietHours:  notify.QuietHours{Enabled: true, Start: notify.At(22, 0), End: notify.At(7, 0)},
	}
	night := time.Date(2026, 3, 14, 23, 30, 0, 0, time.UTC)
	for _, sev := range []notify.Severity{notify.SeverityInfo, notify.SeverityWarning, notify.SeverityCritical} {
		fmt.Println(sev, r.Check(notify.Incident{Severity: sev}, night))
	}
	r.PausedUntil = notify.PauseUntilTomorrow(night)
	fmt.Println("paused until", r.PausedUntil.Format("Jan 2 15:04"), r.Check(notify.Incident{Severity: notify.SeverityCritical}, night))

	// Output:
	// info below-minimum
	// warning quiet
	// critical notify
	// paused until Mar 15 08:00 paused
}

// Wiring the production deliverer: D-Bus on Linux with a click action,
// beeep elsewhere.
func ExampleNewSystem() {
	var icon []byte // the app's PNG icon, e.g. from assets
	sys := notify.NewSystem(notify.SystemOptions{
		AppIcon:      "warpdesk",
		DesktopEntry: "warpdesk",
		OnClick: func(id string) {
			// Called on a D-Bus goroutine: hand over to the UI, e.g.
			// fyne.Do(func() { openDashboard(id) }).
		},
	})
	defer sys.Close()
	n := notify.New(sys, notify.Options{Icon: icon})
	defer n.Close()
	n.ConnectionLost(time.Now()) // from the socket's status changes
	n.ConnectionRestored(time.Now())
}
