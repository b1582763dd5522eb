package listen

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/warpdesk/warpdesk/internal/termenv"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/settings"
)

// Exit codes of Main, the same as `warpdesk ack`'s for the same problems.
const (
	// ExitOK: stopped by SIGINT or SIGTERM (or -h).
	ExitOK = 0
	// ExitFailed: the connection could not be set up.
	ExitFailed = 1
	// ExitUsage: a bad command line, server URL, room or severity; nothing
	// was dialled.
	ExitUsage = termenv.ExitUsage
	// ExitAuth: no token, the keyring failed, the token's risks are not
	// confirmed, or the server rejected the token.
	ExitAuth = 4
)

// Env is what the command takes from its process. The zero value is the
// real process.
type Env struct {
	// Env is the environment, the saved settings and the keyring, as
	// `warpdesk ack` takes them.
	termenv.Env
	// Location is where human lines' times are; nil means time.Local.
	Location *time.Location
	// SystemBusAddress is where the OS watcher looks for logind (sleep and
	// wake); "" means the system's (osenv.Options.SystemBusAddress).
	SystemBusAddress string
}

// Main runs `warpdesk listen` with args (without "listen") until SIGINT or
// SIGTERM and returns the exit code. main.go dispatches to it:
//
//	case "listen":
//		os.Exit(listen.Main(args[1:], os.Stdout, os.Stderr))
func Main(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, args, stdout, stderr, Env{})
}

// config is the command line.
type config struct {
	conn       termenv.Flags
	rooms      []string
	roomsGiven bool
	json       bool
	min        ops.Severity
	maxDelay   time.Duration
	verbose    bool
}

// parseFlags reads the command line; flag errors are printed to out.
func parseFlags(args []string, getenv func(string) string, out io.Writer) (config, error) {
	c := config{min: ops.Info}
	fs := termenv.FlagSet("warpdesk listen", "warpdesk listen [-server URL] [-rooms a,b] [-json] [-min-severity warning]", &c.conn, getenv, out)
	rooms := fs.String("rooms", "", "comma-separated rooms to join (default: the rooms saved in Settings)")
	fs.BoolVar(&c.json, "json", false, "print one JSON object per line (see the package documentation for its fields)")
	min := fs.String("min-severity", "info", "print only incidents at least this severe: info, warning or critical")
	fs.DurationVar(&c.maxDelay, "max-reconnect-delay", 0, "backoff cap between reconnect attempts (default 20s)")
	fs.BoolVar(&c.verbose, "v", false, "log what the connection and the OS watcher do on stderr")
	if err := termenv.Parse(fs, args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q (see -h)", clean(fs.Arg(0)))
	}
	c.min = ops.Severity(strings.ToLower(strings.TrimSpace(*min)))
	if !c.min.Valid() {
		return c, fmt.Errorf("-min-severity %q: must be info, warning or critical", clean(*min))
	}
	if c.maxDelay < 0 {
		return c, fmt.Errorf("-max-reconnect-delay %v: must not be negative", c.maxDelay)
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "rooms" {
			c.roomsGiven = true
		}
	})
	for _, r := range strings.Split(*rooms, ",") {
		if r = settings.NormalizeRoom(strings.TrimSpace(r)); r == "" {
			continue
		}
		if err := settings.ValidateRoom(r); err != nil {
			return c, fmt.Errorf("-rooms: %w", err)
		}
		c.rooms = append(c.rooms, r)
	}
	return c, nil
}

// Run is Main with the process's parts supplied (tests pass their own). It
// listens until ctx ends (ExitOK) or the server rejects the token
// (ExitAuth); problems found before dialling end it at once.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer, env Env) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if env.Location == nil {
		env.Location = time.Local
	}
	stderr = &syncWriter{w: stderr}
	fail := func(code int, format string, a ...any) int {
		return termenv.Fail(stderr, "warpdesk listen", code, format, a...)
	}
	cfg, target, code, done := termenv.Start("warpdesk listen", env.Env, stderr, func() (config, termenv.Flags, error) {
		c, err := parseFlags(args, env.Getenv, stderr)
		return c, c.conn, err
	})
	if done {
		return code
	}
	l := listener{cfg: cfg, env: env, target: target, stdout: stdout, stderr: stderr}
	if !cfg.roomsGiven {
		l.cfg.rooms = target.SavedServer().Rooms
	}
	if target.IsSaved() {
		l.catchUpURL = target.SavedServer().CatchupURL
	}
	tokCtx, cancel := context.WithTimeout(ctx, settings.DefaultKeyringTimeout+time.Second)
	defer cancel()
	var err error
	if l.token, _, err = target.Token(tokCtx, env.Env, l.catchUpURL, "warpdesk listen", stderr); err != nil {
		return fail(ExitAuth, "%v", err)
	}
	return l.run(ctx, fail)
}

// logger is the slog.Logger for the connection and the OS watcher.
func (l *listener) logger() *slog.Logger {
	min := slog.LevelWarn
	if l.cfg.verbose {
		min = slog.LevelInfo
	}
	return slog.New(&logHandler{w: l.stderr, min: min, loc: l.env.Location})
}
