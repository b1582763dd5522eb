package socket_test

import (
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/socket/sockettest"
)

// The jitter decides the wait: r = 0 redials at once even with an hour-long
// window, r near 1 waits the window out.
func TestBackoffUsesTheRandomSource(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{})
	opts := fast()
	opts.ReconnectDelay = 200 * time.Millisecond
	opts.MaxReconnectDelay = 200 * time.Millisecond

	zero, err := socket.NewWithRand(srv.URL(), opts, func() float64 { return 0 })
	if err != nil {
		t.Fatal(err)
	}
	defer zero.Disconnect()
	zero.Connect()
	waitConnected(t, zero)
	// The server registers a connection just after the client sees the upgrade.
	eventually(t, time.Second, "server side", func() bool { return srv.Conns() == 1 })
	srv.DropAll()
	start := time.Now()
	eventually(t, time.Second, "immediate redial", func() bool { return srv.Accepts() >= 2 && zero.IsConnected() })
	if el := time.Since(start); el > 150*time.Millisecond {
		t.Fatalf("r=0 redial took %v", el)
	}
	zero.Disconnect()
	eventually(t, time.Second, "server saw the close", func() bool { return srv.Conns() == 0 })

	high, err := socket.NewWithRand(srv.URL(), opts, func() float64 { return 0.99 })
	if err != nil {
		t.Fatal(err)
	}
	defer high.Disconnect()
	high.Connect()
	waitConnected(t, high)
	eventually(t, time.Second, "server side", func() bool { return srv.Conns() == 1 })
	accepts := srv.Accepts()
	srv.DropAll()
	time.Sleep(100 * time.Millisecond)
	if srv.Accepts() != accepts {
		t.Fatal("r=0.99 redialled before half its 200ms window")
	}
	eventually(t, time.Second, "redial after the window", func() bool { return high.IsConnected() })
}
