package conn_test

import (
	"context"
	"fmt"
	"log"

	"github.com/warpdesk/warpdesk/conn"
	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/store"
)

// The agent's wiring, in short: a store, a Conn feeding it, the store's
// commands sent to the Conn, and a subscriber for the notifier.
func Example() {
	srv, err := demo.Start(context.Background(), "127.0.0.1:0", demo.Options{Interval: -1, Initial: 2, Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	st := store.New(store.Options{})
	defer st.Close()
	revealed := make(chan store.Revealed, 1)
	st.SubscribeEvents(func(ev store.Event, _ store.State) {
		if r, ok := ev.(store.Revealed); ok {
			revealed <- r
		}
	})
	c, err := conn.New(st, conn.Options{
		Server: srv.URL(),
		Name:   "Demo server",
		Rooms:  srv.Rooms(),
		Token:  func(context.Context) (string, error) { return srv.Token(), nil },
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	st.SetHooks(store.Hooks{Reconnect: func(string) { c.Reconnect() }})
	c.Start()

	r := <-revealed
	fmt.Printf("%s: %d open incidents (first catch-up: %v)\n", st.State().Server, len(r.Incidents), r.First)
	// Output: Demo server: 2 open incidents (first catch-up: true)
}

// A token changed while the link is up (the user saved a new one in
// Settings): Redial dials the same server again, and the dial asks for
// the token anew, so the new one is in use at once; the list is kept.
func ExampleConn_Redial() {
	srv, err := demo.Start(context.Background(), "127.0.0.1:0", demo.Options{Interval: -1, Initial: 1, Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	st := store.New(store.Options{})
	defer st.Close()
	c, err := conn.New(st, conn.Options{
		Server: srv.URL(),
		// Asked before every dial: the agent reads the keyring's entry here.
		Token: func(context.Context) (string, error) { return srv.Token(), nil },
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	c.Start()
	// … the user saves another token for this server in Settings …
	if err := c.Redial(); err != nil {
		log.Fatal(err)
	}
}
