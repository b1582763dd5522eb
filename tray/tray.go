package tray

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/systray"

	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/store"
)

// ErrStarted is returned by Start when a tray was already started in this
// process: fyne.io/systray keeps one tray per process, for the process's
// life.
var ErrStarted = errors.New("tray: already started in this process")

// ErrNoSessionBus is returned (wrapped) by Start when the D-Bus session bus
// cannot be reached: there is nowhere to show a tray, and fyne.io/systray
// would panic on quit without one. A session bus without a tray host is
// not an error: the item registers when a host appears.
var ErrNoSessionBus = errors.New("tray: no D-Bus session bus")

// Options configure Start. The callbacks run one at a time on the tray's
// goroutine: they must return promptly and must not call Close (signal
// another goroutine instead, e.g. cancel a context). A nil callback
// disables its menu item.
type Options struct {
	// Commands receive Reconnect now, the pause items and Acknowledge all
	// critical. Nil disables those items.
	Commands store.Commands
	// Open shows the dashboard: "Open dashboard" and a left click on the
	// icon (StatusNotifierItem Activate).
	Open func()
	// Settings opens Settings.
	Settings func()
	// Quit is "Quit". The tray keeps running until Close.
	Quit func()
	// Title names the item for the tray host; "" means "Warpdesk".
	Title string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger gets the tray's rare warnings; nil means slog.Default().
	Logger *slog.Logger
}

// Tray shows a store's State in the desktop's tray until Close.
type Tray struct {
	opt   Options
	host  host
	bus   *bus   // the tray's own session bus connection; nil with a test host
	end   func() // stops the tray library; nil with a test host
	off   func() // unsubscribes from the source
	state func() store.State

	wake   chan struct{} // a new State is waiting; capacity 1
	events chan Item     // the items clicked, and activations
	done   chan struct{}
	wg     sync.WaitGroup
	once   sync.Once

	// Owned by the loop goroutine.
	shown  View
	menuAt time.Time
	items  []hostItem
	lis    chan struct{} // closed to stop the current items' listeners
}

var started atomic.Bool

// Start puts the tray on the desktop, showing src's State and following
// every change, until Close. It fails with ErrNoSessionBus when no session
// bus is reachable (on Linux and the BSDs), and with ErrStarted when called
// a second time in a process.
//
// A session bus is enough: when no tray host (the panel's
// StatusNotifierWatcher) is there yet, as when autostart wins the race
// with the panel, the item registers once one appears, and again with
// each new one (a panel restarted).
func Start(src store.Source, opt Options) (*Tray, error) {
	if started.Load() {
		return nil, ErrStarted
	}
	b, err := openBus()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoSessionBus, err)
	}
	if !started.CompareAndSwap(false, true) {
		b.close()
		return nil, ErrStarted
	}
	t := newTray(src, opt, nil)
	t.host, t.bus = &systrayHost{log: t.opt.Logger}, b
	switch hosted, err := b.hosted(); {
	case err != nil:
		t.opt.Logger.Warn("tray: cannot ask for a tray host; the tray icon shows once there is one", "err", err)
	case !hosted:
		t.opt.Logger.Info("no tray host yet: the tray icon shows once the desktop's panel starts")
	}
	systray.SetTitle(t.opt.Title)
	// A tap handler set before the item is exported makes ItemIsMenu
	// false, so a left click activates (opens the dashboard) instead of
	// showing the menu.
	systray.SetOnTapped(func() { t.post(Item{Action: ActionOpen}) })
	start, end := systray.RunWithExternalLoop(nil, nil)
	t.apply(t.opt.Now()) // icon, tooltip and menu before the item is exported
	start()
	t.end = func() {
		defer func() {
			if r := recover(); r != nil { // it closes a connection it may not have
				t.opt.Logger.Debug("tray: stopping the tray library", "panic", fmt.Sprint(r))
			}
		}()
		end()
	}
	t.run(src)
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		b.follow(t.done, t.register)
	}()
	return t, nil
}

// register registers the item with a tray host that has just appeared.
func (t *Tray) register() {
	if err := registerItem(); err != nil {
		t.opt.Logger.Warn("tray: cannot register with the tray host that appeared", "err", err)
		return
	}
	t.opt.Logger.Debug("tray: registered with a tray host that appeared")
}

// newTray makes a Tray on h (nil in Start, which sets its own) without
// starting its goroutine.
func newTray(src store.Source, opt Options, h host) *Tray {
	if opt.Title == "" {
		opt.Title = "Warpdesk"
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	return &Tray{
		opt:    opt,
		host:   h,
		state:  src.State,
		wake:   make(chan struct{}, 1),
		events: make(chan Item),
		done:   make(chan struct{}),
	}
}

// run subscribes to src and starts the loop.
func (t *Tray) run(src store.Source) {
	t.off = src.Subscribe(func(store.State) {
		select {
		case t.wake <- struct{}{}:
		default: // already due: the loop reads the newest State
		}
	})
	t.wg.Add(1)
	go t.loop()
}

// Close removes the tray and waits for its goroutines. It is safe to call
// twice, but not from an Options callback.
func (t *Tray) Close() {
	t.once.Do(func() {
		if t.off != nil {
			t.off()
		}
		close(t.done)
		t.wg.Wait()
		if t.bus != nil {
			t.bus.close()
		}
		if t.end != nil {
			t.end()
		}
	})
}

// post hands a click or an activation to the loop, unless closing.
func (t *Tray) post(it Item) {
	select {
	case t.events <- it:
	case <-t.done:
	}
}

// loop applies States and runs actions until Close.
func (t *Tray) loop() {
	defer t.wg.Done()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		if wait := t.apply(t.opt.Now()); wait > 0 {
			timer.Reset(wait)
		}
		select {
		case <-t.done:
			return
		case <-t.wake:
		case <-timer.C:
		case it := <-t.events:
			t.do(it)
		}
	}
}

// apply shows the current State at now and returns when to look again
// (a held-back menu update, a pause ending), or 0 for never.
func (t *Tray) apply(now time.Time) time.Duration {
	s := t.state()
	v := t.enable(Build(s, now))
	if v.Icon != t.shown.Icon || v.Paused != t.shown.Paused || t.shown.Items == nil {
		t.host.SetIcon(v.Icon, v.Paused)
	}
	if v.Tooltip != t.shown.Tooltip {
		t.host.SetTooltip(v.Tooltip)
	}
	t.shown.Icon, t.shown.Paused, t.shown.Tooltip = v.Icon, v.Paused, v.Tooltip
	var wait time.Duration
	switch c, w := plan(t.shown.Items, v.Items, t.menuAt, now); c {
	case unchanged:
		wait = w
	case relabel:
		t.relabel(v.Items)
		t.menuAt = now
	case rebuild:
		t.rebuild(v.Items)
		t.menuAt = now
	}
	if v.Paused {
		if until := s.PausedUntil.Sub(now); wait == 0 || until < wait {
			wait = until
		}
	}
	return wait
}

// enable disables the items whose callback or command is missing.
func (t *Tray) enable(v View) View {
	for i, it := range v.Items {
		if it.Action != ActionNone && !t.handles(it.Action) {
			v.Items[i].Disabled = true
		}
	}
	return v
}

func (t *Tray) handles(a Action) bool {
	switch a {
	case ActionOpen:
		return t.opt.Open != nil
	case ActionSettings:
		return t.opt.Settings != nil
	case ActionQuit:
		return t.opt.Quit != nil
	}
	return t.opt.Commands != nil
}

// relabel updates the items in place.
func (t *Tray) relabel(next []Item) {
	for i, it := range next {
		old := t.shown.Items[i]
		if it.Separator || old == it {
			continue
		}
		if it.Label != old.Label {
			t.items[i].SetLabel(it.Label)
		}
		if it.Disabled != old.Disabled {
			t.items[i].SetDisabled(it.Disabled)
		}
	}
	t.shown.Items = next
}

// rebuild replaces the menu and starts a listener per clickable item.
func (t *Tray) rebuild(next []Item) {
	if t.lis != nil {
		close(t.lis)
		t.host.Reset()
	}
	t.lis = make(chan struct{})
	t.items = make([]hostItem, len(next))
	for i, it := range next {
		if it.Separator {
			t.host.AddSeparator()
			continue
		}
		t.items[i] = t.host.Add(it.Label, it.Disabled)
		if it.Action != ActionNone {
			t.wg.Add(1)
			go t.listen(t.items[i].Clicked(), it, t.lis)
		}
	}
	// fyne.io/systray tells the host of updates and removals but not of
	// additions: an update of the first line, unchanged, announces the
	// whole new menu.
	if len(next) > 0 && t.items[0] != nil {
		t.items[0].SetLabel(next[0].Label)
	}
	t.shown.Items = next
}

// listen forwards clicks on an item until the item goes.
func (t *Tray) listen(clicked <-chan struct{}, it Item, stop <-chan struct{}) {
	defer t.wg.Done()
	for {
		select {
		case _, ok := <-clicked:
			if !ok {
				return
			}
			select {
			case t.events <- it:
			case <-stop:
				return
			case <-t.done:
				return
			}
		case <-stop:
			return
		case <-t.done:
			return
		}
	}
}

// do runs a clicked item's action, unless the menu does not offer it
// right now (a click that crossed a menu update).
func (t *Tray) do(it Item) {
	a := it.Action
	if a != ActionOpen && !t.offered(it) {
		return
	}
	now := t.opt.Now()
	cmd := t.opt.Commands
	switch a {
	case ActionOpen:
		if t.opt.Open != nil {
			t.opt.Open()
		}
	case ActionSettings:
		t.opt.Settings()
	case ActionQuit:
		t.opt.Quit()
	case ActionReconnect:
		cmd.Reconnect("")
	case ActionReconnectServer:
		cmd.Reconnect(it.Server)
	case ActionPauseHour:
		cmd.Pause(notify.PauseFor(now, time.Hour))
	case ActionPauseTomorrow:
		cmd.Pause(notify.PauseUntilTomorrow(now))
	case ActionResume:
		cmd.Pause(time.Time{})
	case ActionAckCritical:
		cmd.AcknowledgeAllCritical("")
	}
}

// offered reports whether the menu shows the clicked item's action (for
// its server) for clicking.
func (t *Tray) offered(c Item) bool {
	for _, it := range t.shown.Items {
		if it.Action == c.Action && it.Server == c.Server && !it.Disabled {
			return true
		}
	}
	return false
}
