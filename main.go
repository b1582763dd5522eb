// Command warpdesk is the Warpdesk desktop app: a live incident dashboard
// with a tray icon that shows the connection.
//
//	warpdesk                      demo mode (the default when no server is configured)
//	warpdesk -demo                demo mode: a built-in server on 127.0.0.1 and the app connected to it
//	warpdesk -server wss://host/ws  a real server; the token comes from $WARPDESK_TOKEN or the OS keyring (Settings…)
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
	"sync"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/warpdesk/warpdesk/agent"
	"github.com/warpdesk/warpdesk/app"
	"github.com/warpdesk/warpdesk/app/settingsui"
	"github.com/warpdesk/warpdesk/assets"
	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/socket/osenv"
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
	server := fs.String("server", os.Getenv("WARPDESK_SERVER"), "WebSocket URL of the operations server, ws:// or wss:// (env WARPDESK_SERVER; default: the one saved in Settings); the token comes from $WARPDESK_TOKEN or the OS keyring")
	catchUp := fs.String("catchup-url", "", "catch-up endpoint (default: derived from -server, path "+ops.IncidentsPath+")")
	rooms := fs.String("rooms", strings.Join(demo.DefaultRooms, ","), "comma-separated rooms to join (default: the rooms saved in Settings, else these)")
	demoToken := fs.Bool("demo-token", false, "authenticate with the demo token (to join a demo server started with 'warpdesk serve')")
	noTray := fs.Bool("no-tray", false, "no tray icon: the window only, closing it quits")
	hidden := fs.Bool("hidden", false, "start with the window hidden in the tray")
	maxDelay := fs.Duration("max-reconnect-delay", 0, "backoff cap between reconnect attempts (default 20s)")
	verbose := fs.Bool("v", false, "verbose logging")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	log := newLogger(*verbose)
	// Caught from the start (see below, where they quit the app).
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	explicit := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { explicit[f.Name] = true })

	fa := fyneapp.NewWithID(appID)
	if fa.Metadata().Name == "" {
		// A plain `go build` binary run away from the source tree has no
		// packaged metadata; the tray's title and the fyne.Do migration come
		// from it.
		fyneapp.SetMetadata(metadata())
	}

	// What the user saved, overridden by flags for this run.
	prefs := fa.Preferences()
	cur, err := settings.Load(prefs)
	if err != nil {
		log.Warn("stored settings have problems; using what is valid", "err", err)
	}
	if *server != "" {
		cur.ServerURL = *server
	}
	if explicit["catchup-url"] {
		cur.CatchupURL = *catchUp
	}
	if saved := prefs.Int(settings.KeyVersion) != 0; explicit["rooms"] || !saved {
		// Nothing saved yet: the flag's rooms (by default the demo's). Rooms
		// the user saved, even none, stand unless the flag overrides them.
		cur.Rooms = splitList(*rooms)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var demoSrv *demo.Server
	if *demoMode || cur.ServerURL == "" {
		demoSrv, err = demo.Start(ctx, "127.0.0.1:0", demo.Options{Logger: log.With("component", "demo")})
		if err != nil {
			log.Error("cannot start the demo server", "err", err)
			return 1
		}
		defer demoSrv.Close()
		log.Info("demo mode", "server", demoSrv.URL())
		cur.ServerURL, cur.CatchupURL = demoSrv.URL(), ""
		keepDemoURLOutOfPrefs(prefs, demoSrv.URL())
	}

	// One holder of the settings in force; the settings window replaces it.
	var mu sync.Mutex
	current := func() settings.Settings { mu.Lock(); defer mu.Unlock(); return cur.Clone() }
	setCurrent := func(s settings.Settings) { mu.Lock(); cur = s.Clone(); mu.Unlock() }

	// The token: the demo's for the demo server, $WARPDESK_TOKEN when set,
	// otherwise the OS keyring (bounded: a locked keyring cannot hang a dial).
	tokens := settings.NewTokenStore(settings.TokenStoreOptions{})
	fromKeyring := tokens.TokenFunc(func() string { return current().ServerURL })
	envToken := os.Getenv("WARPDESK_TOKEN")
	token := func(ctx context.Context) (string, error) {
		switch url := current().ServerURL; {
		case demoSrv != nil && url == demoSrv.URL():
			return demoSrv.Token(), nil
		case *demoToken:
			return ops.DemoToken, nil
		case envToken != "":
			return envToken, nil
		default:
			return fromKeyring(ctx)
		}
	}

	// Notifications: what and when (notify.Notifier), how (D-Bus or beeep).
	var a *app.App
	system := notify.NewSystem(notify.SystemOptions{
		AppName: appName,
		OnClick: func(string) {
			fyne.Do(func() {
				if a != nil {
					a.ShowDashboard()
				}
			})
		},
		Logger: log.With("component", "notify"),
	})
	notifier := notify.New(system, notify.Options{AppName: appName, Icon: assets.NotifyIcon.Content(), Logger: log.With("component", "notify")})
	setRules := func(s settings.Settings) {
		r := s.Rules()
		r.PausedUntil = notifier.Rules().PausedUntil
		notifier.SetRules(r)
	}
	setRules(cur)

	cfg := app.Config{
		ServerURL:   cur.ServerURL,
		CatchUpURL:  cur.CatchupURL,
		Rooms:       cur.Rooms,
		Token:       token,
		Notifier:    incidentNotifier{notifier},
		NoTray:      *noTray,
		StartHidden: *hidden,
		Logger:      log,

		PauseNotifications:       notifier.SetPausedUntil,
		NotificationsPausedUntil: func() time.Time { return notifier.Rules().PausedUntil },
	}
	cfg.Socket.MaxReconnectDelay = *maxDelay

	// The settings window applies changes live: rooms joined and left now,
	// a new server dialled now, new rules in force now.
	cfg.OnSettings = settingsui.Opener(fa, current, tokens, func(s settings.Settings, tok *settings.Secret) error {
		old := current()
		// The new settings are current before the first dial to a new
		// server: the token is looked up by current().ServerURL, and the
		// old server's token must never go to the new one.
		setCurrent(s)
		if err := a.ApplySettings(old, s); err != nil {
			setCurrent(old)
			return err
		}
		d := settings.Changes(old, s)
		if d.RulesChanged {
			setRules(s)
		}
		if tok != nil && !d.ServerChanged {
			a.Reconnect() // a client stopped by a rejection tries the new token
		}
		return nil
	})

	a, err = app.New(fa, cfg)
	if err != nil {
		log.Error("cannot start", "err", err)
		_ = notifier.Close()
		_ = system.Close()
		return 1
	}
	// The connection tells the notifier about outages and sleep; the OS
	// tells the connection about the network and sleep.
	follower := agent.NewFollower(notifier, nil)
	stopFollow := a.OnStatusChange(follower.Observe)
	watchDone := make(chan struct{})
	go func() {
		defer close(watchDone)
		if err := osenv.Watch(ctx, a, osenv.Options{Logger: log}); err != nil && !errors.Is(err, context.Canceled) {
			log.Warn("not watching the network and sleep", "err", err)
		}
	}()

	// SIGINT/SIGTERM quit cleanly. Fyne's driver catches them too, but only
	// once its loop runs: one that comes while the window is still being
	// created would kill the process without a goodbye to the server.
	go func() {
		select {
		case <-sig:
			a.Quit()
		case <-ctx.Done():
		}
	}()

	a.Start()
	fa.Run()
	cancel()
	<-watchDone
	stopFollow()
	a.Close()
	_ = notifier.Close()
	_ = system.Close()
	return 0
}

// keepDemoURLOutOfPrefs stops the settings window from saving the demo
// server's throwaway address as the user's server: the next start would dial
// a port nobody listens on instead of starting in demo mode.
func keepDemoURLOutOfPrefs(p fyne.Preferences, demoURL string) {
	before := p.String(settings.KeyServerURL)
	p.AddChangeListener(func() {
		if p.String(settings.KeyServerURL) == demoURL {
			p.SetString(settings.KeyServerURL, before)
		}
	})
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

// incidentNotifier hands the app's incidents to the notifier.
type incidentNotifier struct{ n *notify.Notifier }

func (i incidentNotifier) Incident(in ops.Incident) { i.n.Incident(in) }
