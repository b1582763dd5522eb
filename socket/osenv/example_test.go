package osenv_test

import (
	"context"
	"log/slog"

	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/socket/osenv"
)

// The app wires the client to the operating system once, for the client's
// whole life; cancelling ctx stops the watcher and lifts any pause it set.
func ExampleWatch() {
	client, err := socket.New("wss://example.com/ws", socket.Options{})
	if err != nil {
		panic(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = osenv.Watch(ctx, client, osenv.Options{Logger: slog.Default()})
	}()
	client.Connect()

	// ... on quit:
	stop()
	<-done
	client.Disconnect()
}
