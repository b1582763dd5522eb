package socket_test

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/socket/sockettest"
)

// fast is a configuration with millisecond timings for tests.
func fast() socket.Options {
	return socket.Options{
		ReconnectDelay:    5 * time.Millisecond,
		MaxReconnectDelay: 20 * time.Millisecond,
		ConnectionTimeout: 500 * time.Millisecond,
		HeartbeatInterval: -1,
	}
}

// newClient makes a client for srv and disconnects it when the test ends.
func newClient(t *testing.T, url string, opts socket.Options) *socket.Client {
	t.Helper()
	c, err := socket.New(url, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Disconnect)
	return c
}

// eventually polls cond every millisecond until it holds or d passes.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(time.Millisecond)
	}
}

// recorder collects values from callbacks.
type recorder[T any] struct {
	mu sync.Mutex
	v  []T
}

func (r *recorder[T]) add(v T) { r.mu.Lock(); r.v = append(r.v, v); r.mu.Unlock() }
func (r *recorder[T]) get() []T {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]T(nil), r.v...)
}
func (r *recorder[T]) len() int { return len(r.get()) }

func waitConnected(t *testing.T, c *socket.Client) {
	t.Helper()
	eventually(t, 2*time.Second, "connected", c.IsConnected)
}

// waitLive waits until c is connected and srv has registered the connection.
// The two are not simultaneous: the client sees the upgrade response before
// the server's handler has stored the connection, so a broadcast sent as soon
// as c.IsConnected() turns true may reach nobody.
func waitLive(t *testing.T, c *socket.Client, srv *sockettest.Server) {
	t.Helper()
	waitConnected(t, c)
	eventually(t, 2*time.Second, "server sees the connection", func() bool { return srv.Conns() == 1 })
}

// types returns the "type" of each received frame (pings as "2").
func types(frames []sockettest.Frame) []string {
	var out []string
	for _, f := range frames {
		if f.Text == "2" {
			out = append(out, "2")
			continue
		}
		var m map[string]any
		_ = json.Unmarshal([]byte(f.Text), &m)
		s, _ := m["type"].(string)
		if r, ok := m["room"].(string); ok {
			s += ":" + r
		}
		if n, ok := m["n"].(float64); ok {
			s += ":" + strings.TrimSpace(json.Number(jsonNum(n)).String())
		}
		out = append(out, s)
	}
	return out
}

func jsonNum(f float64) string { b, _ := json.Marshal(f); return string(b) }
