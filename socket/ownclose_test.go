package socket_test

import (
	"sync"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/socket/sockettest"
)

// A connection we close ourselves (offline, asleep, Disconnect) is never
// reported as an error, however busy the writer is when it happens.
func TestOwnCloseIsNeverAnError(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{})
	opts := fast()
	opts.BufferLimit = 1 << 20
	c := newClient(t, srv.URL(), opts)
	var errs recorder[error]
	c.OnError(errs.add)
	var disc recorder[socket.DisconnectedEvent]
	socket.On(c, socket.Disconnected, func(e socket.DisconnectedEvent, _ socket.Envelope) { disc.add(e) })
	c.Connect()
	waitConnected(t, c)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the app keeps sending
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if c.Buffered() < 1000 {
				_ = c.Send("chatter", map[string]int{"n": 1})
			} else {
				time.Sleep(100 * time.Microsecond)
			}
		}
	}()
	defer func() { close(stop); wg.Wait() }()

	const rounds = 100
	for i := 0; i < rounds; i++ {
		waitConnected(t, c)
		time.Sleep(time.Duration(i%5) * 100 * time.Microsecond)
		switch i % 3 {
		case 0:
			c.SetOnline(false)
			c.SetOnline(true)
		case 1:
			c.SetAwake(false)
			c.SetAwake(true)
		case 2:
			c.Disconnect()
			c.Connect()
		}
	}
	waitConnected(t, c)
	eventually(t, 2*time.Second, "every Disconnected event", func() bool { return disc.len() >= rounds })
	if e := errs.get(); len(e) > 0 {
		t.Errorf("%d errors reported for our own closes, first: %v", len(e), e[0])
	}
	for i, d := range disc.get() {
		if d.Err != nil {
			t.Errorf("Disconnected %d: Err = %v, want nil", i, d.Err)
			break
		}
	}
}
