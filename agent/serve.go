package agent

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/ops"
)

// serveConfig is what `warpdesk serve`'s command line asks for.
type serveConfig struct {
	addr    string
	opts    demo.Options // without its Logger
	verbose bool
}

// parseServe reads `warpdesk serve`'s flags; usage errors are printed to
// out (nil: standard error).
func parseServe(args []string, out io.Writer) (serveConfig, error) {
	var c serveConfig
	fs := flag.NewFlagSet("warpdesk serve", flag.ContinueOnError)
	if out != nil {
		fs.SetOutput(out)
	}
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8088", "listen address")
	fs.DurationVar(&c.opts.Interval, "interval", 0, "mean time between events (default 3s; negative: no stream)")
	fs.DurationVar(&c.opts.BurstEvery, "burst-every", 0, "mean time between bursts (default 50s; negative: never)")
	fs.DurationVar(&c.opts.DropEvery, "drop-every", 0, "mean time between dropped connections (default 80s; negative: never)")
	fs.Uint64Var(&c.opts.Seed, "seed", 0, "random seed (default: from the clock)")
	fs.IntVar(&c.opts.Initial, "initial", 0, "incidents open at start (default 3; negative: none)")
	var users demo.UsersFlag
	fs.Var(&users, "users", "more accepted tokens and their users, name:token,… (the demo token is user "+demo.DemoUser+")")
	fs.BoolVar(&c.opts.Compression, "compress", false, "accept permessage-deflate from clients that offer it (the app's Settings switch \"Compress traffic\")")
	fs.BoolVar(&c.verbose, "v", false, "verbose logging")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	c.opts.Users = users
	return c, nil
}

// Serve runs only the demo server (`warpdesk serve`), so that several
// agents can share one, until SIGINT or SIGTERM; it returns the exit code.
func Serve(args []string) int {
	c, err := parseServe(args, nil)
	if err != nil {
		return 2
	}
	log := NewLogger(c.verbose)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opts := c.opts
	opts.Logger = log
	srv, err := demo.Start(ctx, c.addr, opts)
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
