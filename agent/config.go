package agent

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/settings"
)

// Config is what the command line asks of this run. Flags override the
// saved settings for this run only; nothing here is ever saved.
type Config struct {
	// Server is -server (else $WARPDESK_SERVER); "" means the saved one.
	Server string
	// CatchUpURL is -catchup-url, used when CatchUpGiven.
	CatchUpURL   string
	CatchUpGiven bool
	// Rooms is -rooms, used when RoomsGiven (even empty: join none).
	Rooms      []string
	RoomsGiven bool
	// Demo is -demo: run the built-in demo server and use it, whatever is
	// saved.
	Demo bool
	// DemoToken is -demo-token: send the demo token to Server (a demo
	// server started with "warpdesk serve"), and to no other.
	DemoToken bool
	// ConfirmRisks is -confirm-token-risks: the risks of sending the token
	// to the Server and CatchUpURL given (ws://, http://, another catch-up
	// host) count as confirmed for this run.
	ConfirmRisks bool
	// NoTray is -no-tray: no tray icon; the window opens at once and the
	// agent quits when it closes. Also what happens without a session bus
	// (a session bus without a tray host yet is enough for the tray).
	NoTray bool
	// Hidden is -hidden: start in the tray without opening the window.
	Hidden bool
	// MaxReconnectDelay caps the reconnect backoff; zero means socket's
	// default.
	MaxReconnectDelay time.Duration
	// Verbose is -v: debug logging.
	Verbose bool
	// EnvToken is $WARPDESK_TOKEN: for Server only (settings.ResolveToken).
	EnvToken settings.Secret
}

// ErrUsage is returned by ParseFlags for a command line it cannot use (the
// flag package has printed why).
var ErrUsage = errors.New("agent: bad command line")

// ParseFlags reads the agent's command line; getenv supplies
// $WARPDESK_SERVER and $WARPDESK_TOKEN. Usage errors are printed to out
// and returned as ErrUsage (flag.ErrHelp for -h).
func ParseFlags(args []string, getenv func(string) string, out io.Writer) (Config, error) {
	var c Config
	fs := flag.NewFlagSet("warpdesk", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.BoolVar(&c.Demo, "demo", false, "run the built-in demo server and connect to it (the default when no server is configured)")
	fs.StringVar(&c.Server, "server", getenv("WARPDESK_SERVER"), "WebSocket URL of the operations server, ws:// or wss:// (env WARPDESK_SERVER; default: the one saved in Settings); the token comes from the OS keyring, or $WARPDESK_TOKEN for this server only")
	fs.StringVar(&c.CatchUpURL, "catchup-url", "", "catch-up endpoint (default: derived from the server URL, path "+ops.IncidentsPath+")")
	rooms := fs.String("rooms", "", "comma-separated rooms to join (default: the rooms saved in Settings; the demo server's rooms in demo mode)")
	fs.BoolVar(&c.DemoToken, "demo-token", false, "authenticate with the demo token to the -server given (a demo server started with 'warpdesk serve')")
	fs.BoolVar(&c.ConfirmRisks, settings.ConfirmTokenFlag, false, "send the token to the -server and -catchup-url given even over ws:// or http://, or to another catch-up host")
	fs.BoolVar(&c.NoTray, "no-tray", false, "no tray icon: the window only, closing it quits")
	fs.BoolVar(&c.Hidden, "hidden", false, "start hidden in the tray")
	fs.DurationVar(&c.MaxReconnectDelay, "max-reconnect-delay", 0, "backoff cap between reconnect attempts (default 20s)")
	fs.BoolVar(&c.Verbose, "v", false, "verbose logging")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, err
		}
		return c, ErrUsage
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return c, ErrUsage
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "catchup-url":
			c.CatchUpGiven = true
		case "rooms":
			c.RoomsGiven = true
			c.Rooms = splitList(*rooms)
		}
	})
	c.EnvToken = settings.Secret(getenv("WARPDESK_TOKEN"))
	return c, nil
}

// splitList splits a comma-separated list, dropping empty entries.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// validate refuses a -server or -catchup-url that settings would refuse,
// such as one carrying a token (its message points to the token field and
// never repeats the URL's secret).
func (c Config) validate() error {
	if c.Server != "" {
		if err := settings.ValidateServerURL(c.Server); err != nil {
			return fmt.Errorf("-server: %w", err)
		}
	}
	if c.CatchUpGiven {
		if err := settings.ValidateCatchupURL(c.CatchUpURL); err != nil {
			return fmt.Errorf("-catchup-url: %w", err)
		}
	}
	return nil
}
