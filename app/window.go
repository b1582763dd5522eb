package app

import (
	"log"
	"os"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/warpdesk/warpdesk/ipc"
	"github.com/warpdesk/warpdesk/store"
)

// WindowOptions configure the window process's dashboard. The zero value
// is usable.
type WindowOptions struct {
	// Title is the window's title; "" means "Warpdesk".
	Title string
	// OpenSettings opens the Settings window (settingsui's opener); it
	// runs on the UI goroutine. Nil hides the Settings buttons and Ctrl+,.
	OpenSettings func()
	// Shows delivers the agent's requests to raise the window
	// (ipc.Remote.Shows); when it closes the agent is gone and the process
	// ends at once (exit status 0): closing the window from code can crash
	// Fyne 2.7.1 when a pointer event of the same batch reaches the closing
	// window. Nil: no requests.
	Shows <-chan struct{}
	// SettingsShows delivers the agent's requests to open Settings
	// (ipc.Remote.SettingsShows). Nil: none.
	SettingsShows <-chan struct{}
	// StartWithSettings opens Settings as soon as the window shows (the
	// agent started this process for the tray's "Settings…").
	StartWithSettings bool
	// IncidentShows delivers the agent's requests to show an incident
	// (ipc.Remote.IncidentShows, a notification's click): the window is
	// raised with that incident selected. Nil: none.
	IncidentShows <-chan ipc.IncidentRef
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Tick bounds the wait between the time-driven redraws of a shown
	// window. They happen when a text drawn changes with the time (an age,
	// the "Up to date" minute, a countdown), worked out from the data
	// (Board.Next), so a quiet dashboard redraws about once a minute; the
	// bound only catches a timer that slept with the machine. Zero means
	// one minute, negative never redraw for the time (tests call tick).
	Tick time.Duration
	// ExitAfter bounds how long RunWindow waits for Fyne to stop once the
	// window has closed before it ends the process itself (exit status 0):
	// Fyne 2.7.1 and 2.8.1 can hang in shutdown (docs/fyne-reopen-crash.md),
	// and a window process that outlives its window would swallow the
	// agent's next "show". Zero means 3 s.
	ExitAfter time.Duration

	// OnClosed runs on the UI goroutine when the user has closed the
	// window, before Fyne stops: pass the ipc.Remote's Close so that the
	// agent learns at once that no window is shown (and starts a new
	// process for its next "show") even if Fyne's shutdown lingers.
	OnClosed func()

	// exit ends the process; os.Exit unless a test replaces it.
	exit func(code int)
	// do runs a func on the UI goroutine; fyne.Do unless a test replaces
	// it.
	do func(func())
}

// Window is the window process's dashboard window: a Board fed by a
// store.Source through one path (Subscribe → offer → fyne.Do → Board.Set,
// the newest State only), redrawn
// for the time only when a text drawn changes.
type Window struct {
	Win   fyne.Window
	Board *Board

	src  store.Source
	opts WindowOptions
	off  func()
	// closed is set once the window closed: late deliveries draw nothing.
	closed bool
	shown  bool

	timer *time.Timer // the next time-driven redraw; nil before the first
	due   time.Time   // when it is due; zero when none is

	// waiting is the newest State delivered and not drawn yet; while it is
	// set, a draw is queued on the UI goroutine. Written by the Source's
	// goroutine, read by the UI goroutine.
	mu      sync.Mutex
	waiting *store.State
}

// NewWindow builds the dashboard window on src and cmd without showing
// it. UI goroutine only. Closing the window unsubscribes and stops its
// timer.
func NewWindow(fa fyne.App, src store.Source, cmd store.Commands, opts WindowOptions) *Window {
	if opts.Title == "" {
		opts.Title = "Warpdesk"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Tick == 0 {
		opts.Tick = time.Minute
	}
	if opts.do == nil {
		opts.do = fyne.Do
	}
	w := &Window{Win: fa.NewWindow(opts.Title), src: src, opts: opts}
	w.Board = NewBoard(fa, cmd, opts.OpenSettings)
	w.Board.drawn = w.schedule                                   // also after a tap that selects or filters
	w.Win.SetContent(withHistory(src, w.Board.Object, opts.Now)) // a Resolved tab when src can search (history.go)
	w.Win.Resize(fyne.NewSize(960, 600))
	w.Win.SetMaster()
	if opts.OpenSettings != nil {
		w.Win.Canvas().AddShortcut(SettingsShortcut, func(fyne.Shortcut) { opts.OpenSettings() })
	}
	w.Win.SetOnClosed(w.stopAll)
	w.off = src.Subscribe(w.offer)
	w.render(src.State())
	return w
}

// SettingsShortcut is Ctrl+, (Cmd+, on macOS): open Settings.
var SettingsShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyComma, Modifier: fyne.KeyModifierShortcutDefault}

// offer takes a State from the Source (on its goroutine) and queues one
// draw on the UI goroutine unless one is queued already: States that
// arrive faster than they are drawn replace each other, and only the
// newest is drawn. Fyne's queue is unbounded; one draw per State would
// grow it, and redraw what nobody sees, in an incident storm.
func (w *Window) offer(st store.State) {
	w.mu.Lock()
	queued := w.waiting != nil
	w.waiting = &st
	w.mu.Unlock()
	if !queued {
		w.opts.do(w.drawWaiting)
	}
}

// drawWaiting draws the State waiting, if any. UI goroutine.
func (w *Window) drawWaiting() {
	w.mu.Lock()
	st := w.waiting
	w.waiting = nil
	w.mu.Unlock()
	if st != nil {
		w.render(*st)
	}
}

// render draws st unless a newer State is drawn already (a Subscribe
// delivery may arrive after the State read at start).
func (w *Window) render(st store.State) {
	if w.closed {
		return
	}
	if cur := w.Board.Shown(); st.Version < cur.Version {
		return
	}
	w.Board.Set(st, w.opts.Now())
}

// tick redraws the time-dependent text of the State drawn.
func (w *Window) tick() {
	if w.closed {
		return
	}
	w.due = time.Time{} // the timer has fired: arm it again
	w.Board.Set(w.Board.Shown(), w.opts.Now())
}

// schedule sets the timer for the next time-driven redraw of a shown
// window: when the Board says a text changes, within Tick.
func (w *Window) schedule() {
	if !w.shown || w.closed || w.opts.Tick < 0 {
		return
	}
	now := w.opts.Now()
	due := now.Add(w.opts.Tick)
	if next := w.Board.Next(); !next.IsZero() && next.Before(due) {
		due = next
	}
	if w.due.Equal(due) {
		return
	}
	w.due = due
	if w.timer == nil {
		w.timer = time.AfterFunc(due.Sub(now), func() { fyne.Do(w.tick) })
		return
	}
	w.timer.Reset(due.Sub(now))
}

// Show shows the window and starts its time-driven redraws. UI goroutine
// only.
func (w *Window) Show() {
	w.Win.Show()
	w.shown = true
	w.schedule()
}

// Raise shows the window and asks for focus (the agent's "show").
func (w *Window) Raise() {
	w.Show()
	w.Win.RequestFocus()
}

// ShowIncident raises the window with the incident ref selected (a
// notification's click). UI goroutine only.
func (w *Window) ShowIncident(ref ipc.IncidentRef) {
	w.Raise()
	w.Board.Select(ref)
}

// stopAll unsubscribes and stops the timer; the window's OnClosed.
func (w *Window) stopAll() {
	if !w.closed {
		w.closed = true
		w.off()
	}
	if w.timer != nil {
		w.timer.Stop()
	}
	w.due = time.Time{}
}

// RunWindow is the window process's main loop: it builds the dashboard,
// shows it, raises it on every request from opts.Shows (opens Settings on
// every one from opts.SettingsShows), and runs fa until the user closes
// the window; it ends the process when opts.Shows closes (the agent is
// gone) or when Fyne hangs after the window closed (see ExitAfter). Its
// two relay goroutines end when those channels close (ipc.Remote closes
// both when the link ends).
func RunWindow(fa fyne.App, src store.Source, cmd store.Commands, opts WindowOptions) {
	if opts.ExitAfter <= 0 {
		opts.ExitAfter = 3 * time.Second
	}
	if opts.exit == nil {
		opts.exit = os.Exit
	}
	w := NewWindow(fa, src, cmd, opts)
	var watchdog *time.Timer
	w.Win.SetOnClosed(func() {
		w.stopAll()
		// The watchdog first: OnClosed may wait on the agent.
		watchdog = time.AfterFunc(opts.ExitAfter, func() {
			log.Printf("warpdesk window: Fyne did not stop within %v of the window closing: exiting", opts.ExitAfter)
			opts.exit(0)
		})
		if opts.OnClosed != nil {
			opts.OnClosed()
		}
	})
	w.Show()
	if opts.StartWithSettings && opts.OpenSettings != nil {
		opts.OpenSettings()
	}
	if opts.Shows != nil || opts.IncidentShows != nil {
		go relayShows(w, opts)
	}
	if opts.SettingsShows != nil && opts.OpenSettings != nil {
		go func() {
			for range opts.SettingsShows {
				fyne.Do(opts.OpenSettings)
			}
		}()
	}
	fa.Run()
	if watchdog != nil {
		watchdog.Stop()
	}
	w.stopAll()
}

// relayShows raises w on each of opts.Shows and shows the incident of
// each of opts.IncidentShows, on the UI goroutine; it ends the process
// when Shows closes (the agent is gone) and returns once both are closed.
func relayShows(w *Window, opts WindowOptions) {
	shows, incs := opts.Shows, opts.IncidentShows
	for shows != nil || incs != nil {
		select {
		case _, ok := <-shows:
			if !ok {
				opts.exit(0)
				return
			}
			fyne.Do(w.Raise)
		case ref, ok := <-incs:
			if !ok {
				incs = nil
				continue
			}
			fyne.Do(func() { w.ShowIncident(ref) })
		}
	}
}
