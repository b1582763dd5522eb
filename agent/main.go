package agent

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

// Main runs the agent for the command line args (without the program
// name) and returns the exit code: 0 after SIGINT, SIGTERM, Quit or (with
// no tray) the window's close; 2 for a bad command line; 1 when it cannot
// start.
func Main(args []string) int {
	// Caught from the first instant: a signal during start-up must still
	// close the connection cleanly.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := ParseFlags(args, os.Getenv, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	log := NewLogger(cfg.Verbose)
	routeStdLog(log)
	exe, err := os.Executable()
	if err != nil {
		log.Error("cannot find this executable for the window process", "err", err)
		return 1
	}
	a, err := New(cfg, Options{Logger: log})
	if err != nil {
		log.Error("cannot start", "err", err)
		return 1
	}
	err = a.Run(ctx, exe)
	if ctx.Err() != nil {
		log.Info("quitting on a signal")
	} else {
		log.Info("quitting", "why", err)
	}
	return 0
}

// NewLogger is the text logger on stderr every Warpdesk process uses.
func NewLogger(verbose bool) *slog.Logger {
	lvl := slog.LevelInfo
	if verbose {
		lvl = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl}))
}
