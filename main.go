// Command warpdesk is the Warpdesk desktop app: a live incident dashboard
// with a tray icon that shows the connection.
//
//	warpdesk                      demo mode (the default when no server is configured)
//	warpdesk -demo                demo mode: a built-in server on 127.0.0.1 and the app connected to it
//	warpdesk -server wss://host/ws  a real server; the token comes from $WARPDESK_TOKEN
//	warpdesk serve -addr 127.0.0.1:8088   only the demo server, so several apps can share it
//	warpdesk -server ws://127.0.0.1:8088/ws -demo-token   an app on that shared demo server
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/warpdesk/warpdesk/app"
	"github.com/warpdesk/warpdesk/assets"
	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/ops"
)

// The app's identity; FyneApp.toml says the same (TestMetadataMatchesFyneApp).
const (
	appID      = "io.warpdesk.app"
	appName    = "Warpdesk"
	appVersion = "0.1.0"
)

// metadata is what `fyne package` would embed from FyneApp.toml.
func metadata() fyne.AppMetadata {
	return fyne.AppMetadata{
		ID:         appID,
		Name:       appName,
		Version:    appVersion,
		Build:      1,
		Icon:       assets.AppIcon,
		Migrations: map[string]bool{"fyneDo": true},
	}
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "serve" {
		os.Exit(serve(os.Args[2:]))
	}
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	fs := flag.NewFlagSet("warpdesk", flag.ContinueOnError)
	demoMode := fs.Bool("demo", false, "run the built-in demo server and connect to it (default when no server is configured)")
	server := fs.String("server", os.Getenv("WARPDESK_SERVER"), "WebSocket URL of the operations server, ws:// or wss:// (env WARPDESK_SERVER); the token comes from $WARPDESK_TOKEN")
	catchUp := fs.String("catchup-url", "", "catch-up endpoint (default: derived from -server, path "+ops.IncidentsPath+")")
	rooms := fs.String("rooms", strings.Join(demo.DefaultRooms, ","), "comma-separated rooms to join")
	demoToken := fs.Bool("demo-token", false, "authenticate with the demo token (to join a demo server started with 'warpdesk serve')")
	noTray := fs.Bool("no-tray", false, "no tray icon: the window only, closing it quits")
	hidden := fs.Bool("hidden", false, "start with the window hidden in the tray")
	maxDelay := fs.Duration("max-reconnect-delay", 0, "backoff cap between reconnect attempts (default 20s)")
	verbose := fs.Bool("v", false, "verbose logging")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	log := newLogger(*verbose)

	cfg := app.Config{
		ServerURL:   *server,
		CatchUpURL:  *catchUp,
		Rooms:       splitList(*rooms),
		NoTray:      *noTray,
		StartHidden: *hidden,
		Logger:      log,
	}
	cfg.Socket.MaxReconnectDelay = *maxDelay

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if *demoMode || *server == "" {
		srv, err := demo.Start(ctx, "127.0.0.1:0", demo.Options{Logger: log.With("component", "demo")})
		if err != nil {
			log.Error("cannot start the demo server", "err", err)
			return 1
		}
		defer srv.Close()
		log.Info("demo mode", "server", srv.URL())
		cfg.ServerURL, cfg.CatchUpURL = srv.URL(), ""
		token := srv.Token()
		cfg.Token = func(context.Context) (string, error) { return token, nil }
	} else if *demoToken {
		cfg.Token = func(context.Context) (string, error) { return ops.DemoToken, nil }
	} else if tok := os.Getenv("WARPDESK_TOKEN"); tok != "" {
		cfg.Token = func(context.Context) (string, error) { return tok, nil }
	} else {
		log.Warn("no token: set WARPDESK_TOKEN; connecting without authentication")
	}

	fa := fyneapp.NewWithID(appID)
	if fa.Metadata().Name == "" {
		// A plain `go build` binary run away from the source tree has no
		// packaged metadata; the tray's title and the fyne.Do migration come
		// from it.
		fyneapp.SetMetadata(metadata())
	}
	if err := app.Run(fa, cfg); err != nil {
		log.Error("cannot start", "err", err)
		return 1
	}
	return 0
}

// serve runs only the demo server until SIGINT/SIGTERM.
func serve(args []string) int {
	fs := flag.NewFlagSet("warpdesk serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8088", "listen address")
	interval := fs.Duration("interval", 0, "mean time between events (default 3s; negative: no stream)")
	burst := fs.Duration("burst-every", 0, "mean time between bursts (default 50s; negative: never)")
	drop := fs.Duration("drop-every", 0, "mean time between dropped connections (default 80s; negative: never)")
	seed := fs.Uint64("seed", 0, "random seed (default: from the clock)")
	initial := fs.Int("initial", 0, "incidents open at start (default 3; negative: none)")
	verbose := fs.Bool("v", false, "verbose logging")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	log := newLogger(*verbose)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := demo.Start(ctx, *addr, demo.Options{
		Interval: *interval, BurstEvery: *burst, DropEvery: *drop, Seed: *seed, Initial: *initial, Logger: log,
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

func newLogger(verbose bool) *slog.Logger {
	lvl := slog.LevelInfo
	if verbose {
		lvl = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl}))
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
