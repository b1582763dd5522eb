package socket_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/socket/sockettest"
)

// MonitorStatus is the payload of monitor.status-changed.
type MonitorStatus struct {
	MonitorUUID string `json:"monitorUuid"`
	Status      string `json:"status"`
}

// MonitorStatusChanged checks the status at run time: a payload with another
// status never reaches a handler.
var MonitorStatusChanged = socket.DefineValidated("monitor.status-changed", func(m MonitorStatus) error {
	switch m.Status {
	case "up", "down", "degraded":
		return nil
	}
	return fmt.Errorf("unknown status %q", m.Status)
})

// Auth is the first message on every connection.
var Auth = socket.Define[struct {
	Token string `json:"token"`
}]("auth")

func Example() {
	srv, _ := sockettest.NewServer(sockettest.Options{Token: "demo"})
	defer srv.Close()

	c, _ := socket.New(srv.URL(), socket.Options{
		// Authenticate first on every connection, before room joins.
		Handshake: func(context.Context) (socket.Handshake, error) {
			return socket.Handshake{Name: Auth.Name(), Data: map[string]string{"token": "demo"}}, nil
		},
	})
	got := make(chan MonitorStatus, 1)
	socket.On(c, MonitorStatusChanged, func(m MonitorStatus, _ socket.Envelope) { got <- m })
	connected := make(chan bool, 1)
	socket.On(c, socket.Connected, func(e socket.ConnectedEvent, _ socket.Envelope) { connected <- e.Reconnected })

	c.JoinRoom("ops")
	c.Connect()
	defer c.Disconnect()

	fmt.Println("reconnected:", <-connected)
	for len(srv.Rooms(1)) == 0 { // wait for the server to see the join
		time.Sleep(time.Millisecond)
	}
	_ = sockettest.Emit(srv, "ops", MonitorStatusChanged, MonitorStatus{MonitorUUID: "m1", Status: "down"})
	fmt.Println((<-got).Status)
	// Output:
	// reconnected: false
	// down
}

func ExampleEmit() {
	c, _ := socket.New("ws://127.0.0.1:1/ws", socket.Options{BufferLimit: 1})
	// Not connected: the message waits in the buffer for the next connection.
	fmt.Println(socket.Emit(c, Auth, struct {
		Token string `json:"token"`
	}{"t"}))
	// NoBuffer refuses instead; a full buffer refuses too.
	fmt.Println(errors.Is(c.Send("presence", nil, socket.NoBuffer), socket.ErrNotConnected))
	fmt.Println(errors.Is(c.Send("presence", nil), socket.ErrBufferFull))
	// Output:
	// <nil>
	// true
	// true
}

func ExampleBackoff() {
	for attempt := 1; attempt <= 7; attempt++ {
		// r is the random factor; 0.999… gives the top of each window.
		fmt.Println(attempt, socket.Backoff(attempt, 500*time.Millisecond, 20*time.Second, 0.9999).Round(time.Millisecond))
	}
	// Output:
	// 1 500ms
	// 2 1s
	// 3 2s
	// 4 4s
	// 5 7.999s
	// 6 15.998s
	// 7 19.998s
}

func ExampleEncodeMessage() {
	b, _ := socket.EncodeMessage("auth", map[string]string{"token": "t"})
	fmt.Println(string(b))
	// Output: {"type":"auth","token":"t"}
}

func ExampleClient_OnError() {
	c, _ := socket.New("ws://127.0.0.1:1/ws", socket.Options{MaxReconnectAttempts: 1, ReconnectDelay: time.Millisecond})
	done := make(chan struct{})
	socket.On(c, socket.ReconnectFailed, func(e socket.ReconnectFailedEvent, _ socket.Envelope) {
		fmt.Println("gave up after", e.Attempts, "attempt")
		close(done)
	})
	c.Connect()
	<-done
	c.Disconnect()
	// Output: gave up after 1 attempt
}
