package agent

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/ops"
)

// Serve runs only the demo server (`warpdesk serve`), so that several
// agents can share one, until SIGINT or SIGTERM; it returns the exit code.
func Serve(args []string) int {
	fs := flag.NewFlagSet("warpdesk serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8088", "listen address")
	interval := fs.Duration("interval", 0, "mean time between events (default 3s; negative: no stream)")
	burst := fs.Duration("burst-every", 0, "mean time between bursts (default 50s; negative: never)")
	drop := fs.Duration("drop-every", 0, "mean time between dropped connections (default 80s; negative: never)")
	seed := fs.Uint64("seed", 0, "random seed (default: from the clock)")
	initial := fs.Int("initial", 0, "incidents open at start (default 3; negative: none)")
	var users demo.UsersFlag
	fs.Var(&users, "users", "more accepted tokens and their users, name:token,… (the demo token is user "+demo.DemoUser+")")
	verbose := fs.Bool("v", false, "verbose logging")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	log := NewLogger(*verbose)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := demo.Start(ctx, *addr, demo.Options{
		Interval: *interval, BurstEvery: *burst, DropEvery: *drop, Seed: *seed, Initial: *initial, Users: users, Logger: log,
	})
	if err != nil {
		log.Error("cannot start the demo server", "err", err)
		return 1
	}
	fmt.Printf("Warpdesk demo server on %s (catch-up: %s%s)\n", srv.URL(), srv.HTTPURL(), ops.IncidentsPath)
	fmt.Printf("Connect an app with: warpdesk -server %s -demo-token\n", srv.URL())
	<-ctx.Done()
	done := make(chan struct{})
	go func() { srv.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		log.Warn("demo server did not stop within 5s")
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		log.Info("demo server stopped")
	}
	return 0
}
