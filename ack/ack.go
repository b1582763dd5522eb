package ack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/warpdesk/warpdesk/internal/termenv"
	"github.com/warpdesk/warpdesk/ops"
)

// Exit codes of Main.
const (
	// ExitOK: every incident given is acknowledged.
	ExitOK = 0
	// ExitRefused: the server refused at least one incident (not found,
	// resolved); the others were acknowledged.
	ExitRefused = 1
	// ExitUsage: a bad command line, server URL or incident id; nothing was
	// sent.
	ExitUsage = termenv.ExitUsage
	// ExitUnreachable: the server could not be reached, or did not answer,
	// within the timeout.
	ExitUnreachable = 3
	// ExitAuth: no token, the keyring failed, the token's risks are not
	// confirmed, or the server rejected the token.
	ExitAuth = 4
)

// DefaultTimeout bounds the whole command when -timeout is not given.
const DefaultTimeout = 10 * time.Second

// Env is what the command takes from its process (shared with `warpdesk
// listen`). The zero value is the real process: its environment, the
// settings file and the OS keyring.
type Env = termenv.Env

// Main runs `warpdesk ack` with args (without "ack") in the real process
// and returns the exit code. main.go dispatches to it:
//
//	os.Exit(ack.Main(os.Args[2:], os.Stdout, os.Stderr))
func Main(args []string, stdout, stderr io.Writer) int {
	return Run(context.Background(), args, stdout, stderr, Env{})
}

// config is the command line.
type config struct {
	conn    termenv.Flags
	timeout time.Duration
	uuids   []string
}

// Run is Main with the process's parts supplied (tests pass their own) and
// a context that ends the command early.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer, env Env) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	cfg, target, code, done := termenv.Start("warpdesk ack", env, stderr, func() (config, termenv.Flags, error) {
		c, err := parseFlags(args, env.Getenv, stderr)
		return c, c.conn, err
	})
	if done {
		return code
	}
	ctx, cancel := context.WithTimeoutCause(ctx, cfg.timeout, errTimeout)
	defer cancel()
	token, _, err := target.Token(ctx, env, "", "warpdesk ack", stderr)
	if err != nil {
		return termenv.Fail(stderr, "warpdesk ack", ExitAuth, "%v", err)
	}
	return acknowledge(ctx, target.Server, token, cfg.uuids, stdout, stderr)
}

// parseFlags reads the command line; flag errors are printed to out.
func parseFlags(args []string, getenv func(string) string, out io.Writer) (config, error) {
	var c config
	fs := termenv.FlagSet("warpdesk ack", "warpdesk ack [-server URL] [-demo-token] [-timeout 10s] UUID…", &c.conn, getenv, out)
	fs.DurationVar(&c.timeout, "timeout", DefaultTimeout, "how long the whole command may take: connecting and every answer")
	if err := termenv.Parse(fs, args); err != nil {
		return c, err
	}
	if c.timeout <= 0 {
		return c, fmt.Errorf("-timeout %v: must be positive", c.timeout)
	}
	c.uuids = fs.Args()
	if len(c.uuids) == 0 {
		fs.Usage()
		return c, errors.New("which incident? give one or more incident ids")
	}
	for _, u := range c.uuids {
		if err := (ops.IncidentRef{UUID: u}).Validate(); err != nil {
			return c, fmt.Errorf("incident id %q: %w", truncate(u, 40), err)
		}
	}
	return c, nil
}

// truncate shortens s for an error message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
