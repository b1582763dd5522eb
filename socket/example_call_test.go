package socket_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/socket/sockettest"
)

// Acknowledge is the payload of incident.acknowledge.
type Acknowledge struct {
	UUID string `json:"uuid"`
}

// Validate refuses an acknowledge without an incident: Call checks it before
// anything is sent.
func (a Acknowledge) Validate() error {
	if a.UUID == "" {
		return errors.New("no incident uuid")
	}
	return nil
}

// Acknowledged is the reply's data.
type Acknowledged struct {
	State string `json:"state"`
}

// AcknowledgeIncident is a request: the payload type and the reply type are
// checked at compile time.
var AcknowledgeIncident = socket.DefineRequest[Acknowledge, Acknowledged]("incident.acknowledge")

// ackDemoServer answers incident.acknowledge for incident "inc-1" only.
func ackDemoServer() *sockettest.Server {
	srv, _ := sockettest.NewServer(sockettest.Options{})
	sockettest.Handle(srv, AcknowledgeIncident, func(_ int, a Acknowledge) (Acknowledged, error) {
		if a.UUID != "inc-1" {
			return Acknowledged{}, &socket.RemoteError{Code: "not_found", Message: "no such incident"}
		}
		return Acknowledged{State: "acknowledged"}, nil
	})
	return srv
}

func ExampleCall() {
	srv := ackDemoServer()
	defer srv.Close()
	c, _ := socket.New(srv.URL(), socket.Options{})
	c.Connect() // a Call made before the connection is up waits in the buffer
	defer c.Disconnect()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := socket.Call(ctx, c, AcknowledgeIncident, Acknowledge{UUID: "inc-1"})
	fmt.Println(res.State, err)

	// The server said no: its code and message come back as a *RemoteError.
	_, err = socket.Call(ctx, c, AcknowledgeIncident, Acknowledge{UUID: "inc-2"})
	var refused *socket.RemoteError
	if errors.As(err, &refused) {
		fmt.Println(refused.Code, "/", refused.Message)
	}
	// Output:
	// acknowledged <nil>
	// not_found / no such incident
}

// When the connection ends after the request was written, Call returns at
// once with ErrConnectionLost: the server may or may not have acted. Retry
// only what is harmless to do twice, as acknowledging is.
func ExampleCall_retry() {
	srv := ackDemoServer()
	defer srv.Close()
	srv.SetReplyMode(sockettest.ReplyDrop) // the server drops the first request's connection
	c, _ := socket.New(srv.URL(), socket.Options{ReconnectDelay: 10 * time.Millisecond})
	c.Connect()
	defer c.Disconnect()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for attempt := 1; ; attempt++ {
		res, err := socket.Call(ctx, c, AcknowledgeIncident, Acknowledge{UUID: "inc-1"})
		if errors.Is(err, socket.ErrConnectionLost) && attempt < 3 {
			fmt.Println("attempt", attempt, "lost: retrying")
			srv.SetReplyMode(sockettest.ReplyAnswer) // the server behaves from now on
			continue
		}
		fmt.Println("attempt", attempt, res.State, err)
		break
	}
	// Output:
	// attempt 1 lost: retrying
	// attempt 2 acknowledged <nil>
}
