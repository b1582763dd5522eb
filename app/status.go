package app

import (
	"errors"
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"

	"github.com/warpdesk/warpdesk/assets"
	"github.com/warpdesk/warpdesk/assets/draw"
	"github.com/warpdesk/warpdesk/socket"
)

// Level is the coarse connection picture a user sees: the dot's colour, the
// tray icon, the first word of every summary.
type Level int

const (
	// LevelLive: connected, updates arrive as they happen.
	LevelLive Level = iota
	// LevelReconnecting: connecting or waiting to redial.
	LevelReconnecting
	// LevelOffline: not connected and not trying (see View.Reason for why).
	LevelOffline
)

// View is how a socket.Status reads on screen.
type View struct {
	Level  Level
	Text   string // "Live", "Connecting…", "Reconnecting…", "Offline"
	Reason string // why, when not live; "" otherwise
	// CanReconnect is true when "Reconnect now" would do something.
	CanReconnect bool
}

// Describe turns the client's status into what the status bar and the tray
// say. It is a pure function: every state has a test.
func Describe(s socket.Status) View {
	switch {
	case s.State == socket.StateConnected:
		return View{Level: LevelLive, Text: "Live"}
	case s.Offline:
		return View{Level: LevelOffline, Text: "Offline", Reason: "no network", CanReconnect: true}
	case s.Asleep:
		return View{Level: LevelOffline, Text: "Offline", Reason: "asleep", CanReconnect: true}
	case errors.Is(s.Err, socket.ErrRejected):
		return View{Level: LevelOffline, Text: "Offline", Reason: "server rejected us — check the token", CanReconnect: true}
	case errors.Is(s.Err, socket.ErrGaveUp):
		return View{Level: LevelOffline, Text: "Offline", Reason: fmt.Sprintf("gave up after %s", plural(s.Attempt, "attempt")), CanReconnect: true}
	case s.State == socket.StateConnecting:
		return View{Level: LevelReconnecting, Text: "Connecting…", CanReconnect: true}
	case s.State == socket.StateReconnecting:
		v := View{Level: LevelReconnecting, Text: "Reconnecting…", CanReconnect: true}
		if s.Attempt > 0 {
			v.Reason = fmt.Sprintf("server unreachable, %s failed", plural(s.Attempt, "attempt"))
		} else {
			v.Reason = "connection lost"
		}
		return v
	default:
		return View{Level: LevelOffline, Text: "Offline", Reason: "disconnected", CanReconnect: true}
	}
}

// Line is the one-line status: "Offline — server rejected us".
func (v View) Line() string {
	if v.Reason == "" {
		return v.Text
	}
	return v.Text + " — " + v.Reason
}

// Color is the status dot's colour (the text always says the same thing, so
// colour is never the only signal).
func (l Level) Color() color.Color {
	switch l {
	case LevelLive:
		return draw.Green
	case LevelReconnecting:
		return draw.Amber
	}
	return draw.Grey
}

// TrayIcon picks the tray icon: the state's, except that a live app with an
// unacknowledged critical incident shows the critical mark. While not live
// the connection state wins: the user must know the list may be stale.
func TrayIcon(l Level, c Counts) fyne.Resource {
	switch l {
	case LevelLive:
		if c.Unacknowledged > 0 {
			return assets.TrayCritical
		}
		return assets.TrayLive
	case LevelReconnecting:
		return assets.TrayReconnecting
	}
	return assets.TrayOffline
}

// Summary is the tray's tooltip and first menu line:
// "Live — 3 active, 1 critical". While offline it adds why; while
// reconnecting it does not add the attempt count, which changes every
// redial: each change rebuilds the tray menu over D-Bus, and a menu that
// changes under the user's pointer loses clicks.
func Summary(v View, c Counts) string {
	s := v.Text + " — "
	if c.Active == 0 {
		s += "no active incidents"
	} else {
		s += fmt.Sprintf("%d active", c.Active)
		if c.Critical > 0 {
			s += fmt.Sprintf(", %d critical", c.Critical)
		}
	}
	if v.Level == LevelOffline && v.Reason != "" {
		s += " (" + v.Reason + ")"
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
