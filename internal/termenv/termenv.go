// Package termenv is what Warpdesk's terminal commands (`warpdesk ack`,
// `warpdesk listen`) take from their process and from the app's saved
// settings: the server, the token and the confirmed token risks, found the
// way the app finds them, so the commands cannot drift apart from it or
// from each other.
//
// It imports no GUI package and needs no session bus unless the token has
// to come from the OS keyring.
package termenv

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/warpdesk/warpdesk/settings"
)

// Env is what a terminal command takes from its process. The zero value is
// the real process: its environment, the settings file and the OS keyring.
type Env struct {
	// Getenv reads $WARPDESK_SERVER and $WARPDESK_TOKEN. Nil means os.Getenv.
	Getenv func(string) string
	// Prefs holds the saved settings (server, rooms, confirmed risks). Nil
	// means the settings file at settings.DefaultFilePath, read only when
	// needed.
	Prefs settings.Prefs
	// Tokens is the keyring. Nil means the OS keyring.
	Tokens *settings.TokenStore
}

// Get reads one variable through e.Getenv, else os.Getenv.
func (e Env) Get(key string) string {
	if e.Getenv == nil {
		return os.Getenv(key)
	}
	return e.Getenv(key)
}

// Flags are the connection flags every terminal command takes.
type Flags struct {
	// Server is -server, else $WARPDESK_SERVER; "" means the saved one.
	Server string
	// DemoToken is -demo-token: the demo token, for Server only.
	DemoToken bool
	// ConfirmRisks is -confirm-token-risks: the risks of sending the token
	// to Server (ws:// to another machine) count as confirmed.
	ConfirmRisks bool
}

// Register adds -server, -demo-token and -confirm-token-risks to fs, with
// getenv supplying -server's default ($WARPDESK_SERVER).
func (f *Flags) Register(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&f.Server, "server", getenv("WARPDESK_SERVER"), "WebSocket URL of the operations server (env WARPDESK_SERVER; default: the one saved in Settings)")
	fs.BoolVar(&f.DemoToken, "demo-token", false, "authenticate with the demo token to the -server given (a demo server started with 'warpdesk serve')")
	fs.BoolVar(&f.ConfirmRisks, settings.ConfirmTokenFlag, false, "send the token to the -server given even over ws:// to another machine")
}

// ErrNoServer is matched by Resolve's error when no server is given and
// none is saved.
var ErrNoServer = errors.New("no server: give -server wss://host/ws (or set $WARPDESK_SERVER), or save one in Warpdesk's Settings")

// Target is the server a command connects to and what the app saved.
type Target struct {
	// Server is the WebSocket URL, validated (settings.ValidateServerURL).
	Server string
	// Saved are the app's saved settings; settings.Default() when none.
	Saved settings.Settings
	// Flags are the command line's connection flags.
	Flags Flags
}

// IsSaved reports whether Server is a server saved in the app's
// Settings, whose rooms and catch-up URL then apply (SavedServer).
func (t Target) IsSaved() bool { _, ok := t.Saved.ServerFor(t.Server); return ok }

// SavedServer is the saved server Server names, else the first enabled
// one (the default when none is saved), whose rooms apply when the
// command line gives none.
func (t Target) SavedServer() settings.Server {
	if sv, ok := t.Saved.ServerFor(t.Server); ok {
		return sv
	}
	sv, _ := t.Saved.Primary()
	return sv
}

// Resolve finds the server: f.Server, else the one saved in the app's
// Settings. Problems reading the saved settings are warnings, written to
// warn as "cmd: warning: …" lines, when the server comes from them. Its
// errors are usage errors (ErrNoServer, or settings.ValidateServerURL's,
// with the URL given, redacted): nothing has been dialled.
func Resolve(f Flags, env Env, cmd string, warn io.Writer) (Target, error) {
	f.Server = strings.TrimSpace(f.Server)
	t := Target{Flags: f, Saved: savedSettings(env, f.Server == "", cmd, warn)}
	t.Server = f.Server
	if t.Server == "" {
		t.Server = t.SavedServer().URL
	}
	if t.Server == "" {
		return t, ErrNoServer
	}
	if err := settings.ValidateServerURL(t.Server); err != nil {
		return t, fmt.Errorf("%w (server URL given: %s)", err, settings.RedactURL(t.Server))
	}
	return t, nil
}

// savedSettings loads what the app saved, reading the settings file when
// env has no Prefs; problems are warnings (needServer: the server is
// taken from there, so they matter).
func savedSettings(env Env, needServer bool, cmd string, warn io.Writer) settings.Settings {
	p := env.Prefs
	if p == nil {
		path, err := settings.DefaultFilePath()
		if err != nil {
			return settings.Default()
		}
		f, err := settings.OpenFile(path)
		if err != nil && needServer {
			fmt.Fprintf(warn, "%s: warning: %v\n", cmd, err)
		}
		p = f
	}
	s, err := settings.Load(p)
	if err != nil && needServer {
		fmt.Fprintf(warn, "%s: warning: saved settings have problems: %v\n", cmd, err)
	}
	return s
}
