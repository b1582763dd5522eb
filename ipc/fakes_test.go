package ipc_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/store"
	"github.com/warpdesk/warpdesk/store/storetest"
)

// source is a store.Source the test publishes to by hand (Set);
// subscribers run on the publishing goroutine.
type source = storetest.Source

func newSource() *source { return storetest.NewSource(store.State{}) }

// commands records each call as a line such as "ack u1" or "pause <rfc3339>".
type commands struct{ got chan string }

func newCommands() *commands { return &commands{got: make(chan string, 100)} }

func (c *commands) Acknowledge(_, uuid string) { c.got <- "ack " + uuid }
func (c *commands) AcknowledgeAllCritical(server string) {
	c.got <- strings.TrimSpace("ackAllCritical " + server)
}
func (c *commands) Reconnect(server string) { c.got <- strings.TrimSpace("reconnect " + server) }
func (c *commands) Pause(until time.Time)   { c.got <- "pause " + until.UTC().Format(time.RFC3339) }
func (c *commands) SettingsChanged()        { c.got <- "settingsChanged" }

// next waits for the next recorded command.
func (c *commands) next(t *testing.T) string {
	t.Helper()
	select {
	case s := <-c.got:
		return s
	case <-time.After(10 * time.Second):
		t.Fatal("no command arrived")
		return ""
	}
}

// recv receives from ch or fails the test after a generous bound.
func recv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal(fmt.Sprintf("timed out waiting for %s", what))
		var zero T
		return zero
	}
}
