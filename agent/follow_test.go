package agent

import (
	"reflect"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/socket"
)

type notices struct{ log []string }

func (n *notices) ConnectionLost(time.Time)     { n.log = append(n.log, "lost") }
func (n *notices) ConnectionRestored(time.Time) { n.log = append(n.log, "restored") }
func (n *notices) SetAwake(a bool, _ time.Time) {
	if a {
		n.log = append(n.log, "awake")
	} else {
		n.log = append(n.log, "asleep")
	}
}

func TestFollower(t *testing.T) {
	var n notices
	f := NewFollower(&n, nil)
	for _, st := range []socket.Status{
		{State: socket.StateConnecting},
		{State: socket.StateConnected},
		{State: socket.StateReconnecting, Attempt: 1},
		{State: socket.StateReconnecting, Attempt: 2},
		{State: socket.StateConnected},
		{State: socket.StateDisconnected, Asleep: true},
		{State: socket.StateConnected},
	} {
		f.Observe(st)
	}
	want := []string{"lost", "restored", "lost", "restored", "asleep", "lost", "awake", "restored"}
	if !reflect.DeepEqual(n.log, want) {
		t.Fatalf("notices %v, want %v", n.log, want)
	}
}

// A first connection that never comes is an outage from the start: the
// notifier's debounce then raises the same notice as for a lost one.
func TestFollowerNeverConnected(t *testing.T) {
	var n notices
	f := NewFollower(&n, nil)
	f.Observe(socket.Status{State: socket.StateConnecting})
	f.Observe(socket.Status{State: socket.StateReconnecting, Attempt: 1})
	if want := []string{"lost"}; !reflect.DeepEqual(n.log, want) {
		t.Fatalf("notices %v, want %v", n.log, want)
	}
}
