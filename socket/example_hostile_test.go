package socket_test

import (
	"errors"
	"fmt"

	"github.com/warpdesk/warpdesk/socket"
)

// New refuses a URL that could never connect, and says why without
// repeating the password.
func ExampleNew_invalidURL() {
	_, err := socket.New("wss://ops:hunter2@ops.example.com/ws", socket.Options{})
	fmt.Println(errors.Is(err, socket.ErrInvalidURL))
	fmt.Println(err)
	// Output:
	// true
	// socket: invalid URL: "wss://…@ops.example.com/ws": credentials are not allowed in a WebSocket URL (the dialer refuses it); send them with Options.Header or Options.Handshake
}

// Bad frames arrive in bursts from a broken server; the client coalesces
// the reports of a burst, and Count keeps the total exact.
func ExampleMalformedFramesError() {
	bad := 0
	count := func(err error) {
		var burst *socket.MalformedFramesError
		switch {
		case errors.As(err, &burst):
			bad += burst.Count
		case errors.Is(err, socket.ErrMalformedFrame):
			bad++
		}
	}
	// What an OnError callback may be given for 12,346 bad frames:
	_, first := socket.ParseEnvelope([]byte("x"))
	count(first)
	count(&socket.MalformedFramesError{Count: 12345, Last: first})
	fmt.Println(bad)
	fmt.Println(&socket.MalformedFramesError{Count: 12345, Last: first})
	// Output:
	// 12346
	// socket: 12,345 malformed frames, the last: socket: malformed frame: not a JSON object
}

// Compression offers permessage-deflate; a server that accepts it sends
// compressed frames, and ReadLimit still bounds each frame once inflated.
func ExampleOptions_compression() {
	c, err := socket.New("wss://ops.example.com/ws", socket.Options{
		Compression: true,
		ReadLimit:   4 << 20,
	})
	fmt.Println(c != nil, err)
	// Output: true <nil>
}
