package agent

import (
	"context"
	"errors"
	"time"

	"github.com/warpdesk/warpdesk/internal/buildinfo"
	"github.com/warpdesk/warpdesk/socket/osenv"
	"github.com/warpdesk/warpdesk/tray"
)

// Why Run ended, besides its context.
var (
	// ErrQuit: the user chose Quit in the tray.
	ErrQuit = errors.New("agent: quit from the tray")
	// ErrWindowClosed: without a tray, the window closed (or could not
	// start), which ends the agent.
	ErrWindowClosed = errors.New("agent: the window closed and there is no tray")
)

// Run connects and serves until ctx ends (SIGINT/SIGTERM in main), the
// user quits from the tray, or, without a tray (-no-tray, or no session
// bus), the window closes. exe is the executable the window
// process runs (os.Executable). Run closes the agent before it returns,
// and returns why it ended: nil for ctx, ErrQuit or ErrWindowClosed.
func (a *Agent) Run(ctx context.Context, exe string) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	defer a.Close()
	w := &windows{exe: exe, st: a.st, cmds: a.cmds, hist: a.startHistory(), log: a.log.With("component", "window")}
	if a.cfg.Verbose {
		w.extra = []string{"-v"}
	}
	a.mu.Lock()
	a.open, a.show = w.open, w.openIncident
	a.mu.Unlock()

	a.start()
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		if err := osenv.Watch(ctx, osTarget{a}, osenv.Options{Logger: a.log}); err != nil && !errors.Is(err, context.Canceled) {
			a.log.Warn("not watching the network and sleep", "err", err)
		}
	}()

	tr := a.startTray(func() { cancel(ErrQuit) })
	if tr == nil {
		w.exited = func() { cancel(ErrWindowClosed) }
		w.open(false)
	} else if !a.cfg.Hidden {
		w.open(false)
	}
	<-ctx.Done()
	if tr != nil {
		tr.Close()
	}
	w.close(5 * time.Second)
	cancel(nil)
	select {
	case <-watched:
	case <-time.After(5 * time.Second):
		a.log.Warn("the OS watcher did not stop within 5s")
	}
	if err := context.Cause(ctx); !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// startTray puts the tray on the desktop, unless -no-tray or no session
// bus answers; nil then. A session bus without a tray host yet is enough:
// at login autostart may win the race with the panel, and the tray item
// registers once the panel's tray host appears (package tray).
func (a *Agent) startTray(quit func()) *tray.Tray {
	if a.cfg.NoTray {
		a.log.Info("no system tray (-no-tray): the window only, closing it quits")
		return nil
	}
	tr, err := tray.Start(a.st, tray.Options{
		Commands: a.cmds,
		Open:     func() { a.Open(false) },
		Settings: func() { a.Open(true) },
		Quit:     quit,
		Title:    buildinfo.Name,
		Logger:   a.log.With("component", "tray"),
	})
	if err != nil {
		a.log.Warn("no system tray: the window only, closing it quits", "err", err)
		return nil
	}
	return tr
}

// Open starts the window process, or raises it when it runs; with
// settings, the new process opens Settings too. It never blocks.
func (a *Agent) Open(settings bool) {
	a.mu.Lock()
	open := a.open
	a.mu.Unlock()
	if open != nil {
		open(settings)
	}
}

// osTarget hands the OS's network and sleep changes to every server's
// connection (all pause, all resume) and to the notifier (no outage notice
// while asleep).
type osTarget struct{ a *Agent }

func (t osTarget) SetOnline(online bool) { t.a.setOnline(online) }

func (t osTarget) SetAwake(awake bool) {
	t.a.setAwake(awake)
	t.a.notes.SetAwake(awake, time.Now())
}
