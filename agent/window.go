package agent

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"sync"
	"time"

	"github.com/warpdesk/warpdesk/ipc"
	"github.com/warpdesk/warpdesk/store"
)

// WindowCommand is the subcommand that runs the window process.
const WindowCommand = "window"

// SettingsFlag asks the window process to open Settings at start.
const SettingsFlag = "-settings"

// windows runs the window process on demand: at most one at a time;
// asking again while it runs raises it. The child gets the store's States
// and sends commands over its stdin and stdout (package ipc); its stderr is
// the agent's.
type windows struct {
	exe    string
	extra  []string // flags for every window process (-v)
	st     *store.Store
	cmds   store.Commands // what the window asks; nil: the store's own
	hist   ipc.History    // answers the window's history searches; nil: none (history.go)
	log    *slog.Logger
	exited func() // called after each window process ended

	mu     sync.Mutex
	cur    *child
	closed bool
	wg     sync.WaitGroup
}

type child struct {
	cmd    *exec.Cmd
	srv    *ipc.Server
	cancel context.CancelFunc
	done   chan struct{}
}

// open starts the window process, opening Settings at once if settings;
// when it runs already, it is raised instead.
func (w *windows) open(settings bool) {
	w.with(settings, func(srv *ipc.Server, started bool) {
		switch {
		case started: // it shows itself (and Settings) at start
		case settings:
			srv.ShowSettings()
		default:
			srv.Show()
		}
	})
}

// openIncident opens the dashboard with the incident uuid of server (its
// store.ServerState.ID) selected: a notification's default action. It
// starts the window process, or raises the one that runs; a new one is
// told after its first State, so the incident is drawn when selected.
func (w *windows) openIncident(server, uuid string) {
	w.with(false, func(srv *ipc.Server, _ bool) { srv.ShowIncident(server, uuid) })
}

// with calls fn with the link to the window process, started first (with
// Settings open if settings) when none runs; started says it was. Nothing
// happens after close or when the process cannot start.
func (w *windows) with(settings bool, fn func(srv *ipc.Server, started bool)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return
	}
	started := w.cur == nil
	if started {
		c, err := w.start(settings)
		if err != nil {
			w.log.Error("cannot start the window", "err", err)
			if w.exited != nil {
				go w.exited()
			}
			return
		}
		w.cur = c
	}
	fn(w.cur.srv, started)
}

// start runs one window process on a pair of pipes of our own (not
// exec's, which Wait would close under the link's reader).
func (w *windows) start(settings bool) (*child, error) {
	args := append([]string{WindowCommand}, w.extra...)
	if settings {
		args = append(args, SettingsFlag)
	}
	toChild, fromAgent, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	fromChild, toAgent, err := os.Pipe()
	if err != nil {
		_, _ = toChild.Close(), fromAgent.Close()
		return nil, err
	}
	cmd := exec.Command(w.exe, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = toChild, toAgent, os.Stderr
	err = cmd.Start()
	_, _ = toChild.Close(), toAgent.Close() // the child's ends
	if err != nil {
		_, _ = fromAgent.Close(), fromChild.Close()
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmds := store.Commands(w.st)
	if w.cmds != nil {
		cmds = w.cmds
	}
	c := &child{cmd: cmd, srv: ipc.NewServer(w.st, cmds, ipc.Options{History: w.hist}), cancel: cancel, done: make(chan struct{})}
	w.log.Info("window opened", "pid", cmd.Process.Pid)
	w.wg.Add(2)
	go func() {
		defer w.wg.Done()
		if err := c.srv.Run(ctx, fromChild, fromAgent); err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, ipc.ErrPeerClosed) {
			w.log.Warn("window link", "err", err)
		}
		// The link is gone: the window closed, even if its process lingers
		// in Fyne's shutdown. The next open starts a new one instead of
		// sending a show nobody reads.
		w.mu.Lock()
		if w.cur == c {
			w.cur = nil
		}
		w.mu.Unlock()
	}()
	go func() {
		defer w.wg.Done()
		err := cmd.Wait()
		cancel()
		close(c.done)
		w.mu.Lock()
		if w.cur == c {
			w.cur = nil
		}
		w.mu.Unlock()
		w.log.Info("window closed", "err", err)
		if w.exited != nil {
			w.exited()
		}
	}()
	return c, nil
}

// close ends the window process: the link closes, which tells it to exit;
// one that has not exited after grace is killed.
func (w *windows) close(grace time.Duration) {
	w.mu.Lock()
	w.closed = true
	c := w.cur
	w.mu.Unlock()
	if c != nil {
		c.cancel()
		select {
		case <-c.done:
		case <-time.After(grace):
			w.log.Warn("window did not exit; killing it")
			_ = c.cmd.Process.Kill()
		}
	}
	w.wg.Wait()
}
