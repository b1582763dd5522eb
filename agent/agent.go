package agent

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/warpdesk/warpdesk/assets"
	"github.com/warpdesk/warpdesk/conn"
	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/internal/buildinfo"
	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/store"
)

// Link is what the agent needs of the connection to a server; *conn.Conn
// implements it. Tests pass a fake.
type Link interface {
	Start()
	Reconnect()
	SetServer(server, name, catchUpURL string) error
	SetCatchUpURL(catchUpURL string) error
	SetRooms(rooms []string)
	SetOnline(online bool)
	SetAwake(awake bool)
	// Acknowledge asks the server to acknowledge uuid as the token's user
	// and records the answer (conn.Conn.Acknowledge).
	Acknowledge(ctx context.Context, uuid string) (ops.Acknowledgement, error)
	Close()
}

// Options are what New needs besides the command line. The zero value
// means production: the settings file, the OS keyring, desktop
// notifications, a real connection.
type Options struct {
	// Prefs holds the saved settings; nil means settings.Open (the
	// settings file, shared with the window process).
	Prefs settings.Prefs
	// Tokens is the keyring; nil means the OS keyring.
	Tokens *settings.TokenStore
	// Deliverer shows notifications; nil means notify.NewSystem.
	Deliverer notify.Deliverer
	// Dial builds the Link of one server, feeding sink (that server's
	// store.Feed); nil means conn.New.
	Dial func(sink conn.Sink, o conn.Options) (Link, error)
	// Logger receives what the agent does; nil discards.
	Logger *slog.Logger
}

// Agent is the background process: settings, token, connection, store,
// notifier (and, in Run, the tray, the OS watcher and the window process).
type Agent struct {
	cfg    Config
	log    *slog.Logger
	prefs  settings.Prefs
	tokens *settings.TokenStore
	st     *store.Store
	cmds   *commands
	notes  *notify.Notifier
	closer []func() // in reverse order of creation
	dial   func(sink conn.Sink, o conn.Options) (Link, error)
	offEv  func()

	applyMu sync.Mutex // one settings change at a time

	mu      sync.Mutex
	conns   map[string]*server // the enabled servers', by ID
	started bool               // Run dialled: servers connected later dial at once
	offline bool               // the OS watcher's verdicts, for every server
	asleep  bool
	closing bool              // closeServers ran: connect refuses
	saved   settings.Settings // the file's settings, as last read
	cur     settings.Settings // the settings in force
	origin  settings.TokenOrigin
	demo    *demo.Server

	open func(settings bool)       // set by Run: start or raise the window
	show func(server, uuid string) // set by Run: open the dashboard on an incident
}

// New builds the agent for cfg: it reads the settings, starts the demo
// server when the settings in force use it, and prepares the store, the
// notifier and the connection, without dialling (Run does).
func New(cfg Config, o Options) (*Agent, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	a := &Agent{cfg: cfg, log: o.Logger, prefs: o.Prefs, tokens: o.Tokens, dial: o.Dial}
	if a.prefs == nil {
		f, err := settings.Open(buildinfo.ID)
		if err != nil {
			a.log.Warn("settings file", "err", err)
		}
		a.prefs = f
	}
	if a.tokens == nil {
		a.tokens = settings.NewTokenStore(settings.TokenStoreOptions{})
	}
	if a.dial == nil {
		a.dial = func(sink conn.Sink, o conn.Options) (Link, error) { return conn.New(sink, o) }
	}
	saved, err := settings.Load(a.prefs)
	if err != nil {
		a.log.Warn("saved settings have problems; using what is valid", "err", err)
	}
	a.saved, a.cur = saved, inForce(saved, cfg)
	a.origin = settings.TokenOrigin{
		CommandLineServer: cfg.Server, DemoFlag: cfg.DemoToken, DemoFlagToken: ops.DemoToken, EnvToken: cfg.EnvToken,
	}
	for _, w := range a.origin.Warnings() {
		a.log.Warn(w)
	}
	if err := a.build(o.Deliverer); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// build creates the store, the notifier and the link for a.cur.
func (a *Agent) build(d notify.Deliverer) error {
	a.st = store.New(store.Options{Logger: a.log.With("component", "store")})
	a.closer = append(a.closer, a.st.Close)
	if d == nil {
		acts := newNotifyActs(a)
		sys := notify.NewSystem(notify.SystemOptions{
			AppName: buildinfo.Name, AppIcon: buildinfo.ID, DesktopEntry: buildinfo.ID,
			OnClick: acts.click, OnAcknowledge: acts.acknowledge,
			Logger: a.log.With("component", "notify"),
		})
		a.closer = append(a.closer, func() { _ = sys.Close() })
		d = sys
	}
	a.notes = notify.New(d, notify.Options{AppName: buildinfo.Name, Icon: assets.NotifyIcon.Content(), Logger: a.log.With("component", "notify")})
	a.closer = append(a.closer, func() { _ = a.notes.Close() })
	switches(a.st, a.cur)
	a.notes.SetRules(rules(a.cur, a.st.State()))
	a.offEv = a.st.SubscribeEvents(a.event)
	a.closer = append(a.closer, func() { a.offEv() })
	// Acknowledged or resolved: its re-alerts stop, its notification goes.
	a.closer = append(a.closer, a.st.Subscribe(a.watchNotes(d)))

	a.cmds = newCommands(a)
	a.st.SetHooks(store.Hooks{Reconnect: a.reconnect, SettingsChanged: a.SettingsChanged})
	a.closer = append(a.closer, a.closeServers)
	a.closer = append(a.closer, a.cmds.close) // before the connections close
	for _, sv := range a.cur.Enabled() {
		if err := a.connect(sv); err != nil {
			return err
		}
	}
	return nil
}

// Commands are what the tray, the window and the notifications ask of the
// agent: acknowledgements go to the incident's server (see commands for
// the offline policy), Reconnect to the server's connection.
func (a *Agent) Commands() store.Commands { return a.cmds }

// endpoint is the URL and display name (State.Server) of sv, starting the
// demo server when sv is the built-in demo.
func (a *Agent) endpoint(sv settings.Server) (server, name string, err error) {
	if !sv.IsDemo() {
		return sv.URL, "", nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.demo == nil {
		// Compression: deflate when the client offers it (the Settings switch).
		srv, err := demo.Start(context.Background(), "127.0.0.1:0", demo.Options{Compression: true, Logger: a.log.With("component", "demo")})
		if err != nil {
			return "", "", fmt.Errorf("demo server: %w", err)
		}
		a.demo = srv
		a.origin.DemoServerURL, a.origin.DemoToken = srv.URL(), settings.Secret(srv.Token())
		a.log.Info("demo mode", "server", srv.URL())
	}
	return a.demo.URL(), settings.DemoLabel, nil
}

// Close stops everything New and Run started, in reverse order; safe to
// call more than once.
func (a *Agent) Close() {
	for i := len(a.closer) - 1; i >= 0; i-- {
		a.closer[i]()
	}
	a.closer = nil
	a.mu.Lock()
	srv := a.demo
	a.demo = nil
	a.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}
