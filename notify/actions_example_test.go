package notify_test

import (
	"log"

	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/ops"
)

// The desktop end of acknowledging from a notification: "Acknowledge" on
// an incident's notification reports its UUID, the app acknowledges it for
// everyone, and when any desktop's acknowledgement (or the resolution)
// comes back, Withdraw closes the notification wherever it is still shown.
// It needs a session bus, so it has no output to check.
func ExampleSystem_Withdraw() {
	acks := make(chan string, 16)
	sys := notify.NewSystem(notify.SystemOptions{
		OnClick:       func(server, uuid string) { log.Printf("open the dashboard on %q of %q", uuid, server) },
		OnAcknowledge: func(_, uuid string) { acks <- uuid }, // a D-Bus goroutine: hand over, don't block
	})
	defer sys.Close()
	n := notify.New(sys, notify.Options{})
	defer n.Close()

	n.Incident("", ops.Incident{UUID: "c-1", Title: "DB primary down", Severity: ops.Critical, Room: "ops"})
	// … the user picks Acknowledge: <-acks is "c-1"; the app sends
	// incident.acknowledge, the server broadcasts incident.acknowledged …
	sys.Withdraw("", "c-1") // every desktop, once its store shows it acknowledged
}
