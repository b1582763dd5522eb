// Package app is the Warpdesk desktop application: the live dashboard
// window, the tray icon that shows the connection, and the wiring between
// them and the socket client.
//
// Everything here is built from functions that take a fyne.App, so tests
// run it on Fyne's test driver (test.NewTempApp) and the real binary on the
// GL driver.
//
// # One source of truth
//
// The connection state lives in the socket client. Its OnStatusChange feeds
// one binding.Item[socket.Status]; one listener on that binding (on the UI
// goroutine) redraws the status bar and the tray. Incidents and monitors live
// in Incidents and Monitors, which merge the live stream with the HTTP
// catch-up; their changes reach the UI through fyne.Do.
//
// # Catch-up
//
// At start and after every Connected event the app fetches the open
// incidents over HTTP (CatchUpURL) and merges them by uuid (see Incidents),
// so nothing is shown twice and nothing missed while offline stays hidden.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/data/binding"
	"fyne.io/fyne/v2/driver/desktop"
	"github.com/godbus/dbus/v5"

	"github.com/warpdesk/warpdesk/assets"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/socket"
)

// Notifier is told about incidents worth a desktop notification: every
// incident.created that was not already shown, and incidents a catch-up
// (other than the first one) discovered. It is called on a background
// goroutine (the socket dispatcher or the catch-up) and must not block —
// in particular never wait for the UI goroutine (fyne.DoAndWait): Quit waits
// for those goroutines from the UI goroutine. Package notify decides what to
// do with them.
type Notifier interface {
	Incident(ops.Incident)
}

// Config configures the app. ServerURL is required.
type Config struct {
	// ServerURL is the WebSocket URL (ws:// or wss://).
	ServerURL string
	// CatchUpURL overrides the catch-up endpoint. Empty means derived from
	// ServerURL (CatchUpURL). Rooms are added as room= parameters either way.
	CatchUpURL string
	// Rooms are joined on every connect.
	Rooms []string
	// Token supplies the token, called before every dial and every catch-up
	// (bound it: it runs with the dial's context). Nil means no
	// authentication. The token is never logged.
	Token func(ctx context.Context) (string, error)
	// Socket are the client options; Handshake is set by the app.
	Socket socket.Options
	// HTTPClient fetches the catch-up. Nil means a client with a 10s timeout.
	HTTPClient *http.Client
	// Notifier, when set, is told about new incidents.
	Notifier Notifier
	// OnSettings opens the settings window. Nil disables the Settings… item.
	OnSettings func()
	// PauseNotifications pauses desktop notifications until an instant (zero
	// resumes); NotificationsPausedUntil reports the pause. Nil hides the
	// tray's pause items.
	PauseNotifications       func(until time.Time)
	NotificationsPausedUntil func() time.Time
	// Tray, when set, replaces the desktop tray (tests pass a recorder).
	Tray Tray
	// NoTray disables the tray even when one is possible.
	NoTray bool
	// StartHidden starts with the window hidden (only when there is a tray).
	StartHidden bool
	// Logger receives what the app does. Nil means slog.Default().
	Logger *slog.Logger
	// Now is the clock for ages. Nil means time.Now.
	Now func() time.Time
	// AgeRefresh is how often ages are redrawn. Zero means 15s.
	AgeRefresh time.Duration
}

// App is a running Warpdesk: window, tray and connection.
type App struct {
	fa        fyne.App
	cfg       Config
	log       *slog.Logger
	incidents *Incidents
	monitors  *Monitors
	status    binding.Item[socket.Status]
	hc        *http.Client

	// mu guards what live reconfiguration (SetServer, SetRooms,
	// SetCatchUpURL) changes.
	mu        sync.Mutex
	client    *socket.Client
	unsubs    []func()
	catchBase *url.URL // catch-up URL without rooms
	rooms     []string
	gen       uint64 // bumped on every server change
	closed    bool
	statusFns []statusFn
	nextFn    uint64
	offline   bool // SetOnline(false) in force, for the next client
	asleep    bool // SetAwake(false) in force, for the next client

	tokenErr atomic.Pointer[string] // why the last token lookup failed, or nil

	win  fyne.Window
	dash *Dashboard

	// uiMu serialises UI code. In the real app it all runs on the UI
	// goroutine already and the lock is uncontended; on the test driver,
	// fyne.Do runs on the caller's goroutine, and the lock keeps it orderly.
	uiMu      sync.Mutex
	tray      Tray
	trayLast  trayState
	trayTimer *time.Timer // a held-back tray menu rebuild; nil: none
	// hostPresent reports whether a tray host shows our icon right now.
	hostPresent func() bool
	view        View
	trayActs    TrayActions
	pending     atomic.Bool
	synced      atomic.Bool // a catch-up has succeeded once
	syncMu      sync.Mutex
	syncText    string
	started     atomic.Bool
	closing     atomic.Bool // Close began: leave the tray alone
	kick        chan struct{}
	stop        chan struct{}
	stopCtx     context.Context
	stopFn      context.CancelFunc
	wg          sync.WaitGroup
	closeOnce   sync.Once
}

// New builds the app on fa: the client (not yet connected), the window (not
// yet shown) and, when a session bus is reachable, the tray. Call on the UI
// goroutine (before fa.Run is fine), then Start.
func New(fa fyne.App, cfg Config) (*App, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.AgeRefresh <= 0 {
		cfg.AgeRefresh = 15 * time.Second
	}
	a := &App{
		fa:        fa,
		cfg:       cfg,
		log:       cfg.Logger,
		incidents: NewIncidents(),
		monitors:  NewMonitors(),
		hc:        cfg.HTTPClient,
		kick:      make(chan struct{}, 1),
		stop:      make(chan struct{}),
	}
	a.stopCtx, a.stopFn = context.WithCancel(context.Background())
	if a.hc == nil {
		a.hc = &http.Client{Timeout: 10 * time.Second}
	}
	c, err := a.newClient(cfg.ServerURL)
	if err != nil {
		return nil, err
	}
	base, err := catchUpBase(cfg.ServerURL, cfg.CatchUpURL)
	if err != nil {
		return nil, err
	}
	a.client, a.catchBase, a.rooms = c, base, slices.Clone(cfg.Rooms)

	fa.SetIcon(assets.AppIcon)
	a.win = fa.NewWindow("Warpdesk")
	a.win.SetIcon(assets.AppIcon)
	a.dash = NewDashboard(DashboardActions{
		Reconnect:   a.Reconnect,
		Acked:       a.incidents.Acknowledged,
		Acknowledge: a.incidents.Acknowledge,
		AckAll:      a.incidents.AcknowledgeAll,
		Now:         cfg.Now,
	})
	a.win.SetContent(a.dash.Object)
	a.win.Resize(fyne.NewSize(920, 560))
	a.trayActs = TrayActions{Open: a.ShowDashboard, Reconnect: a.Reconnect, Settings: cfg.OnSettings, Quit: a.Quit,
		PausedUntil: cfg.NotificationsPausedUntil, Now: cfg.Now}
	if pause := cfg.PauseNotifications; pause != nil {
		a.trayActs.PauseNotifications = func(until time.Time) {
			pause(until)
			a.scheduleRefresh()
		}
	}
	a.setupTray()

	a.incidents.OnChange = a.scheduleRefresh
	a.monitors.OnChange = a.scheduleRefresh
	a.status = binding.NewItem(sameStatus)
	_ = a.status.Set(c.Status())
	a.view = Describe(c.Status())
	a.status.AddListener(binding.NewDataListener(a.onStatus))
	a.subscribe(c)
	a.refresh()
	return a, nil
}

// newClient makes a client for url with the configured options and the
// app's handshake (token first on every connect).
func (a *App) newClient(url string) (*socket.Client, error) {
	opts := a.cfg.Socket
	opts.Handshake = a.handshake
	if opts.Logger == nil {
		opts.Logger = a.cfg.Logger
	}
	return socket.New(url, opts)
}

// catchUpBase is the catch-up URL without room parameters: the override,
// or derived from the WebSocket URL.
func catchUpBase(serverURL, override string) (*url.URL, error) {
	if override != "" {
		return parseHTTP(override)
	}
	raw, err := CatchUpURL(serverURL, nil)
	if err != nil {
		return nil, err
	}
	return url.Parse(raw)
}

// subscribe wires c to the app and joins the rooms. a.mu must not be held
// by a caller that races with c's handlers (c is not connected yet).
func (a *App) subscribe(c *socket.Client) {
	unsubs := []func(){
		c.OnStatusChange(func(s socket.Status) {
			_ = a.status.Set(s)
			a.mu.Lock()
			fs := slices.Clone(a.statusFns)
			a.mu.Unlock()
			for _, f := range fs {
				f.fn(s)
			}
		}),
		c.OnError(a.onError),
		socket.On(c, socket.Connected, func(socket.ConnectedEvent, socket.Envelope) { a.RequestCatchUp() }),
		socket.On(c, ops.IncidentCreated, func(in ops.Incident, _ socket.Envelope) {
			if !a.inRooms(in.Room) {
				return // a room we just left
			}
			if a.incidents.Created(in) && a.cfg.Notifier != nil {
				a.cfg.Notifier.Incident(in)
			}
		}),
		socket.On(c, ops.IncidentResolved, func(r ops.IncidentRef, _ socket.Envelope) { a.incidents.Resolved(r.UUID) }),
		socket.On(c, ops.MonitorStatusChanged, func(m ops.MonitorChange, _ socket.Envelope) { a.monitors.Update(m) }),
	}
	a.mu.Lock()
	a.unsubs = unsubs
	rooms := slices.Clone(a.rooms)
	a.mu.Unlock()
	for _, r := range rooms {
		c.JoinRoom(r)
	}
}

// inRooms reports whether an incident in room belongs on this dashboard:
// no room, no rooms configured, or one of ours.
func (a *App) inRooms(room string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return room == "" || len(a.rooms) == 0 || slices.Contains(a.rooms, room)
}

// SetServer switches to another server (and catch-up override, "" to
// derive it): the old connection closes cleanly, the dashboard empties and
// fills from the new server. For the settings window's live apply.
func (a *App) SetServer(serverURL, catchUpURL string) error {
	base, err := catchUpBase(serverURL, catchUpURL)
	if err != nil {
		return err
	}
	c, err := a.newClient(serverURL)
	if err != nil {
		return err
	}
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		c.Disconnect()
		return errors.New("app: closed")
	}
	// The OS pauses go onto the new client before anyone can see it, so a
	// SetOnline/SetAwake racing this switch cannot be overwritten by stale
	// flags. c is not started, so these return at once.
	c.SetOnline(!a.offline)
	c.SetAwake(!a.asleep)
	old, oldUnsubs := a.client, a.unsubs
	a.client, a.catchBase, a.unsubs = c, base, nil
	a.gen++
	a.mu.Unlock()
	old.Disconnect() // when it returns, no handler of the old client runs
	for _, u := range oldUnsubs {
		u()
	}
	a.incidents.Reset()
	a.monitors.Reset()
	a.synced.Store(false)
	a.subscribe(c)
	_ = a.status.Set(c.Status())
	a.log.Info("server changed", "server", redact(serverURL))
	if a.started.Load() {
		c.Connect()
		a.RequestCatchUp()
	}
	return nil
}

// SetCatchUpURL changes the catch-up override ("" derives it from the
// server URL) and catches up from it.
func (a *App) SetCatchUpURL(catchUpURL string) error {
	a.mu.Lock()
	server := a.client.URL()
	a.mu.Unlock()
	base, err := catchUpBase(server, catchUpURL)
	if err != nil {
		return err
	}
	a.mu.Lock()
	a.catchBase = base
	a.mu.Unlock()
	a.RequestCatchUp()
	return nil
}

// SetRooms changes the rooms: leaves the ones no longer wanted, joins the
// new ones (the client rejoins them on every reconnect), and catches up so
// the dashboard shows exactly the new rooms' incidents.
func (a *App) SetRooms(rooms []string) {
	a.mu.Lock()
	old := a.rooms
	a.rooms = slices.Clone(rooms)
	c := a.client
	a.mu.Unlock()
	for _, r := range old {
		if !slices.Contains(rooms, r) {
			c.LeaveRoom(r)
		}
	}
	for _, r := range rooms {
		if !slices.Contains(old, r) {
			c.JoinRoom(r)
		}
	}
	// Incidents of rooms left go now, even if the catch-up cannot run.
	a.incidents.Retain(func(in ops.Incident) bool { return a.inRooms(in.Room) })
	a.RequestCatchUp()
}

// OnStatusChange registers f for every status of the connection, like
// socket.Client.OnStatusChange but following the app across SetServer (for
// bridge.Follower, say). f runs on the client's dispatcher goroutine and
// must not block. The returned function unregisters it.
func (a *App) OnStatusChange(f func(socket.Status)) (unsubscribe func()) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.nextFn++
	id := a.nextFn
	a.statusFns = append(a.statusFns, statusFn{id, f})
	return func() {
		a.mu.Lock()
		defer a.mu.Unlock()
		a.statusFns = slices.DeleteFunc(a.statusFns, func(x statusFn) bool { return x.id == id })
	}
}

type statusFn struct {
	id uint64
	fn func(socket.Status)
}

// SetOnline passes the OS network state to the client — and to the next
// one after SetServer — so the app can be osenv.Watch's Target.
func (a *App) SetOnline(online bool) {
	a.mu.Lock()
	a.offline = !online
	c := a.client
	a.mu.Unlock()
	c.SetOnline(online)
}

// SetAwake passes the OS power state to the client (see SetOnline).
func (a *App) SetAwake(awake bool) {
	a.mu.Lock()
	a.asleep = !awake
	c := a.client
	a.mu.Unlock()
	c.SetAwake(awake)
}

// Rooms returns the rooms the app joins.
func (a *App) Rooms() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.rooms)
}

// redact drops user info and query from a URL for logging.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User, u.RawQuery = nil, ""
	return u.String()
}

// setupTray picks the tray: the configured one, else the desktop tray when
// the driver has one and a session bus answers (fyne.io/systray panics on
// quit without one), else none: then closing the window quits.
func (a *App) setupTray() {
	switch {
	case a.cfg.NoTray:
		a.log.Info("tray disabled by configuration; closing the window quits")
	case a.cfg.Tray != nil:
		a.tray = a.cfg.Tray
	default:
		desk, ok := a.fa.(desktop.App)
		if !ok {
			a.log.Info("no system tray on this driver; closing the window quits")
			break
		}
		if err := SessionBusReachable(2 * time.Second); err != nil {
			a.log.Warn("no system tray: no D-Bus session bus; window only, closing it quits", "err", err)
			break
		}
		a.tray = &desktopTray{d: desk, log: a.log}
	}
	if a.tray == nil {
		a.win.SetMaster()
		return
	}
	if a.hostPresent == nil {
		a.hostPresent = func() bool { return true }
		if _, ok := a.tray.(*desktopTray); ok {
			a.hostPresent = func() bool { return TrayHostPresent(time.Second) }
			if !a.hostPresent() {
				a.log.Warn("no tray host (org.kde.StatusNotifierWatcher) on the session bus: the tray icon appears when one starts; until then closing the window quits")
			}
		}
	}
	a.win.SetCloseIntercept(a.closeRequested)
}

// closeRequested handles the window's close button: with a tray host
// showing our icon the window hides and the app lives on in the tray;
// without one the user could never get the window back, so the app quits.
func (a *App) closeRequested() {
	if a.hostPresent() {
		a.win.Hide()
		return
	}
	a.log.Info("window closed and no tray host to return from: quitting")
	a.Quit()
}

// TrayHostPresent reports whether a StatusNotifierWatcher (the desktop's
// tray host) owns its name on the session bus.
func TrayHostPresent(timeout time.Duration) bool {
	done := make(chan bool, 1)
	go func() {
		conn, err := dbus.SessionBusPrivateNoAutoStartup()
		if err != nil {
			done <- false
			return
		}
		defer conn.Close()
		if conn.Auth(nil) != nil || conn.Hello() != nil {
			done <- false
			return
		}
		var has bool
		err = conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.kde.StatusNotifierWatcher").Store(&has)
		done <- err == nil && has
	}()
	select {
	case ok := <-done:
		return ok
	case <-time.After(timeout):
		return false
	}
}

// SessionBusReachable reports whether a D-Bus session bus answers, without
// auto-launching one.
func SessionBusReachable(timeout time.Duration) error {
	done := make(chan error, 1)
	go func() {
		conn, err := dbus.SessionBusPrivateNoAutoStartup()
		if err != nil {
			done <- err
			return
		}
		defer conn.Close()
		if err := conn.Auth(nil); err != nil {
			done <- err
			return
		}
		done <- conn.Hello()
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(timeout):
		return errors.New("the session bus did not answer")
	}
}

// Start connects, starts the catch-up loop and the age ticker, and shows
// the window (unless Config.StartHidden and there is a tray).
func (a *App) Start() {
	if !a.started.CompareAndSwap(false, true) {
		return
	}
	a.wg.Add(2)
	go a.catchUpLoop()
	go a.tick()
	a.RequestCatchUp()
	a.Client().Connect()
	if !a.cfg.StartHidden || a.tray == nil {
		a.win.Show()
	}
}

// Run builds the app, starts it, runs fa until it quits, and disconnects.
func Run(fa fyne.App, cfg Config) error {
	a, err := New(fa, cfg)
	if err != nil {
		return err
	}
	a.Start()
	fa.Run()
	a.Close()
	return nil
}

// Client is the socket client (for the OS network/power watchers).
func (a *App) Client() *socket.Client {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.client
}

// Incidents is the incident model.
func (a *App) Incidents() *Incidents { return a.incidents }

// Monitors is the monitor model.
func (a *App) Monitors() *Monitors { return a.monitors }

// Window is the dashboard window.
func (a *App) Window() fyne.Window { return a.win }

// Dashboard is the window's content.
func (a *App) Dashboard() *Dashboard { return a.dash }

// HasTray reports whether the app shows a tray icon.
func (a *App) HasTray() bool { return a.tray != nil }

// CatchUpEndpoint is the URL the catch-up fetches.
func (a *App) CatchUpEndpoint() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	u := *a.catchBase
	return withRooms(&u, a.rooms)
}

// Status is the client's status as the UI last saw it.
func (a *App) Status() socket.Status {
	s, _ := a.status.Get()
	return s
}

// ShowDashboard shows and focuses the window.
func (a *App) ShowDashboard() {
	a.win.Show()
	a.win.RequestFocus()
}

// Reconnect dials now, resetting the backoff ("Reconnect now").
func (a *App) Reconnect() {
	a.log.Info("reconnect requested")
	a.Client().Reconnect()
}

// Quit disconnects cleanly and quits the application. Safe from any
// goroutine.
//
// It stops Fyne's driver rather than calling fyne.App.Quit, which first
// closes every window: with the GLFW driver of Fyne 2.7.1 a pointer event
// still queued for a closed window reaches processMouseMoved, which
// dereferences the closed window's nil view and crashes the process (seen
// under Xvfb on SIGTERM). Stopping the driver ends the loop with the windows
// still open, and GLFW's terminate destroys them.
func (a *App) Quit() {
	a.Close()
	fyne.Do(a.fa.Driver().Quit)
}

// Close disconnects and stops the app's goroutines; when it returns no
// handler of the app runs any more. Safe to call twice and from any
// goroutine.
func (a *App) Close() {
	a.closing.Store(true)
	a.closeOnce.Do(func() {
		close(a.stop)
		a.stopFn()
		a.mu.Lock()
		a.closed = true
		c, unsubs := a.client, a.unsubs
		a.mu.Unlock()
		// Disconnect first: when it returns no handler runs any more, so the
		// unsubscribes below cannot race with a callback in flight.
		c.Disconnect()
		for _, u := range unsubs {
			u()
		}
		a.wg.Wait()
		a.uiMu.Lock()
		if a.trayTimer != nil {
			a.trayTimer.Stop()
			a.trayTimer = nil
		}
		a.uiMu.Unlock()
		if a.cfg.HTTPClient == nil {
			a.hc.CloseIdleConnections() // ours: no keep-alive outlives the app
		}
		a.log.Info("disconnected")
	})
}

func (a *App) handshake(ctx context.Context) (socket.Handshake, error) {
	if a.cfg.Token == nil {
		return socket.Handshake{}, nil
	}
	tok, err := a.cfg.Token(ctx)
	a.setTokenErr(err)
	if err != nil {
		return socket.Handshake{}, fmt.Errorf("token: %w", err)
	}
	if tok == "" {
		return socket.Handshake{}, nil // none stored: connect without authentication
	}
	return socket.Handshake{Name: ops.AuthName, Data: ops.Auth{Token: tok}}, nil
}

// setTokenErr records why the token could not be had (nil: it could) and
// redraws the status, which shows it while not live.
func (a *App) setTokenErr(err error) {
	var msg *string
	if err != nil {
		m := "token unavailable: " + err.Error()
		msg = &m
	}
	old := a.tokenErr.Swap(msg)
	if (old == nil) != (msg == nil) || (old != nil && *old != *msg) {
		fyne.Do(a.onStatus)
	}
}

func (a *App) onError(err error) {
	var dial *socket.DialError
	if errors.As(err, &dial) {
		a.log.Debug("connection attempt failed", "err", err)
		return
	}
	a.log.Warn("connection", "err", err)
}

// sameStatus compares statuses without comparing error values with ==
// (which panics on an uncomparable error type).
func sameStatus(x, y socket.Status) bool {
	if x.State != y.State || x.Offline != y.Offline || x.Asleep != y.Asleep || x.Attempt != y.Attempt {
		return false
	}
	if (x.Err == nil) != (y.Err == nil) {
		return false
	}
	return x.Err == nil || x.Err.Error() == y.Err.Error()
}

// onStatus is the binding listener: the one place the connection state
// reaches the UI. UI goroutine.
func (a *App) onStatus() {
	s, _ := a.status.Get()
	a.uiMu.Lock()
	defer a.uiMu.Unlock()
	a.view = Describe(s)
	if te := a.tokenErr.Load(); te != nil && a.view.Level != LevelLive {
		a.view.Reason = *te
	}
	a.dash.Status.Set(a.view)
	a.setEmptyNoteLocked()
	a.applyTrayLocked()
}

// setEmptyNoteLocked says "all quiet" only when the list is known: live, or
// caught up at least once.
func (a *App) setEmptyNoteLocked() {
	note := EmptyNoteQuiet
	if a.view.Level != LevelLive && !a.synced.Load() {
		note = EmptyNoteUnknown
	}
	a.dash.Incidents.EmptyNote.SetText(note)
}

// scheduleRefresh redraws the lists on the UI goroutine, coalescing bursts.
func (a *App) scheduleRefresh() {
	if a.pending.CompareAndSwap(false, true) {
		fyne.Do(func() {
			a.pending.Store(false)
			a.refresh()
		})
	}
}

// refresh redraws lists, header and tray from the models. UI goroutine.
func (a *App) refresh() {
	if a.closing.Load() {
		// Nothing to draw for an app on its way out; content that changes
		// under the pointer while Fyne tears the window down can crash its
		// driver (a cursor update on the closed GLFW window).
		return
	}
	list := a.incidents.List()
	counts := a.incidents.Counts()
	mons := a.monitors.List()
	a.uiMu.Lock()
	defer a.uiMu.Unlock()
	a.dash.Incidents.Set(list, counts.Unacknowledged)
	a.dash.Monitors.Set(mons, a.cfg.Now())
	a.applyTrayLocked()
}

func (a *App) applyTrayLocked() {
	if a.closing.Load() {
		return // the tray is being torn down with the app
	}
	wait := applyTray(a.tray, &a.trayLast, a.view, a.incidents.Counts(), a.trayActs, time.Now())
	if wait > 0 && a.trayTimer == nil {
		// A rebuild was held back: come back for it.
		a.trayTimer = time.AfterFunc(wait, func() {
			a.uiMu.Lock()
			a.trayTimer = nil
			a.uiMu.Unlock()
			a.scheduleRefresh()
		})
	}
	if dt, ok := a.tray.(*desktopTray); ok && !dt.windowSet {
		// Left-click on the tray icon shows the window; set once the tray
		// runs. Fyne then makes closing hide the window: put ours back.
		dt.windowSet = true
		dt.setWindow(a.win)
		a.win.SetCloseIntercept(a.closeRequested)
	}
}

// RequestCatchUp asks for a catch-up fetch; requests made while one is
// running coalesce into one more fetch.
func (a *App) RequestCatchUp() {
	select {
	case a.kick <- struct{}{}:
	default:
	}
}

func (a *App) catchUpLoop() {
	defer a.wg.Done()
	for {
		select {
		case <-a.stop:
			return
		case <-a.kick:
		}
		a.catchUp()
	}
}

// catchUp fetches the open incidents and merges them.
func (a *App) catchUp() {
	ctx, cancel := context.WithTimeout(a.stopCtx, 15*time.Second)
	defer cancel()
	endpoint := a.CatchUpEndpoint()
	a.mu.Lock()
	gen := a.gen
	a.mu.Unlock()
	tok := a.incidents.BeginSnapshot()
	token := ""
	if a.cfg.Token != nil {
		var err error
		if token, err = a.cfg.Token(ctx); err != nil {
			a.setSync("Catch-up failed: no token")
			a.log.Warn("catch-up: no token", "err", err)
			return
		}
	}
	snap, dropped, err := FetchSnapshot(ctx, a.hc, endpoint, token)
	if err != nil {
		if ctx.Err() != nil && a.stopCtx.Err() != nil {
			return // shutting down
		}
		a.setSync("Catch-up failed")
		a.log.Warn("catch-up failed", "err", err)
		return
	}
	if dropped > 0 {
		a.log.Warn("catch-up: dropped invalid entries", "count", dropped)
	}
	a.mu.Lock()
	stale := gen != a.gen
	a.mu.Unlock()
	if stale {
		return // the server changed while we fetched; a new catch-up is queued
	}
	added := a.incidents.ApplySnapshot(tok, snap.Incidents)
	for _, m := range snap.Monitors {
		a.monitors.Update(m)
	}
	first := !a.synced.Swap(true)
	if !first && a.cfg.Notifier != nil {
		for _, in := range added {
			a.cfg.Notifier.Incident(in)
		}
	}
	a.log.Info("caught up", "open", len(snap.Incidents), "new", len(added))
	a.setSync("Synced " + a.cfg.Now().Format("15:04:05"))
}

// SyncText is what the status bar says about the last catch-up.
func (a *App) SyncText() string {
	a.syncMu.Lock()
	defer a.syncMu.Unlock()
	return a.syncText
}

func (a *App) setSync(s string) {
	a.syncMu.Lock()
	a.syncText = s
	a.syncMu.Unlock()
	fyne.Do(func() {
		a.uiMu.Lock()
		defer a.uiMu.Unlock()
		a.dash.Status.SetSync(a.SyncText())
		a.setEmptyNoteLocked()
	})
}

// tick redraws ages now and then.
func (a *App) tick() {
	defer a.wg.Done()
	t := time.NewTicker(a.cfg.AgeRefresh)
	defer t.Stop()
	for {
		select {
		case <-a.stop:
			return
		case <-t.C:
			a.scheduleRefresh()
		}
	}
}
