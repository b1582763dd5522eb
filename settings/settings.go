package settings

import (
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/ops"
)

// Severity is ops.Severity, the one severity type: the settings' threshold
// is the value the notifier compares, with no conversion in between.
type Severity = ops.Severity

// The severities, as settings name them (ops.Info, ops.Warning,
// ops.Critical).
const (
	SeverityInfo     = ops.Info
	SeverityWarning  = ops.Warning
	SeverityCritical = ops.Critical
)

// ParseQuietHours reads quiet hours as a form or the settings file holds
// them: start and end as "HH:MM" text (notify.ParseTimeOfDay, the one
// parser). Disabled hours may leave both empty. A time that does not parse
// is a *FieldError for "QuietHours" matching ErrInvalidQuietHours.
func ParseQuietHours(enabled bool, start, end string) (notify.QuietHours, error) {
	q := notify.QuietHours{Enabled: enabled}
	if !enabled && strings.TrimSpace(start) == "" && strings.TrimSpace(end) == "" {
		return Default().QuietHours, nil
	}
	var err error
	if q.Start, err = notify.ParseTimeOfDay(start); err != nil {
		return q, fieldErr("QuietHours", ErrInvalidQuietHours, "quiet hours start %q is not a time between 00:00 and 23:59", start)
	}
	if q.End, err = notify.ParseTimeOfDay(end); err != nil {
		return q, fieldErr("QuietHours", ErrInvalidQuietHours, "quiet hours end %q is not a time between 00:00 and 23:59", end)
	}
	return q, nil
}

// Rules are the notification rules these settings ask for: the same
// severity, quiet hours, outage delay, re-alert interval and pause-criticals
// values, no conversion; the sound hint for criticals unless
// SilentCriticals; the IDs of the muted servers. The pause itself is not a
// setting (the store owns it); the caller merges it in.
func (s Settings) Rules() notify.Rules {
	var muted []string
	for _, sv := range s.Servers {
		if sv.Muted {
			muted = append(muted, sv.ID)
		}
	}
	return notify.Rules{
		MinSeverity:    s.MinSeverity,
		MutedRooms:     slices.Clone(s.MutedRooms),
		QuietHours:     s.QuietHours,
		OutageNotice:   s.OutageNotice,
		PauseCriticals: s.PauseCriticals,
		ReAlert:        s.ReAlert,
		CriticalSound:  !s.SilentCriticals,
		MutedServers:   muted,
	}
}

// Limits on the outage notice delay.
const (
	MinOutageNotice = 30 * time.Second
	MaxOutageNotice = 24 * time.Hour
)

// Limits on the re-alert interval, and its default.
const (
	MinReAlert     = time.Minute
	MaxReAlert     = 24 * time.Hour
	DefaultReAlert = notify.DefaultReAlert
)

// Settings is everything the user configures except the tokens, which live
// in the keyring (TokenStore). The zero value is not valid; start from
// Default.
type Settings struct {
	// Servers are the ops servers to watch, in the order shown; see
	// Server. Default has one, the built-in demo server.
	Servers []Server

	// MinSeverity is the lowest severity that notifies.
	MinSeverity Severity
	// MutedRooms never notify. They need not be in Rooms.
	MutedRooms []string
	// QuietHours lets only critical incidents notify during the window.
	QuietHours notify.QuietHours
	// OutageNotice is how long the connection must stay down before one
	// notice; 0 turns the notice off. Otherwise between MinOutageNotice and
	// MaxOutageNotice.
	OutageNotice time.Duration
	// ReAlert notifies an unacknowledged critical incident again every
	// ReAlert until it is acknowledged or resolved; 0 turns re-alerting
	// off. Otherwise between MinReAlert and MaxReAlert. Default
	// DefaultReAlert.
	ReAlert time.Duration
	// SilentCriticals drops the sound hint critical notifications carry.
	// False, the default: criticals ask for a sound. Named for the
	// exception so that a settings file written before it existed keeps
	// the default.
	SilentCriticals bool
	// PauseCriticals makes "Pause notifications" silence critical
	// incidents too (notify.Rules.PauseCriticals). False, the default:
	// criticals break through a pause (store.State.CriticalsBreakPause).
	// Named for the exception so that a settings file written before it
	// existed keeps the default.
	PauseCriticals bool

	// Compression offers permessage-deflate to the server
	// (socket.Options.Compression): fewer bytes on the wire for some CPU.
	// False, the default: no compression.
	Compression bool

	// StartAtLogin installs an autostart entry (SetStartAtLogin).
	StartAtLogin bool

	// ConfirmedRisks are the keys (Risk.Key) of the risks the user
	// confirmed for sending a server's token to its URL and CatchupURL
	// (TokenRisks): ws:// or http:// in the clear, a catch-up host that is
	// not the server's. A key names its host, so one list serves every
	// server. Normalize drops keys that apply to no server, so a
	// confirmation never carries over to another host.
	ConfirmedRisks []string
}

// Default returns the settings of a fresh install: one server, the built-in
// demo (URL "", ID DefaultServerID), no rooms, notify from warning up,
// quiet hours 22:00–07:00 (off), an outage notice after 3 minutes,
// criticals breaking through a pause, re-alerting unacknowledged criticals
// every 5 minutes with a sound hint, no compression. They are valid.
func Default() Settings {
	return Settings{
		Servers:      []Server{{ID: DefaultServerID}},
		MinSeverity:  ops.Warning,
		QuietHours:   notify.QuietHours{Start: notify.At(22, 0), End: notify.At(7, 0)},
		OutageNotice: notify.DefaultOutageNotice,
		ReAlert:      DefaultReAlert,
	}
}

// Clone returns a deep copy.
func (s Settings) Clone() Settings {
	s.Servers = slices.Clone(s.Servers)
	for i := range s.Servers {
		s.Servers[i] = s.Servers[i].Clone()
	}
	s.MutedRooms = slices.Clone(s.MutedRooms)
	s.ConfirmedRisks = slices.Clone(s.ConfirmedRisks)
	return s
}

// Normalize trims surrounding whitespace from every server's name and URLs
// (Server.Normalize), writes room names without their leading "#"
// (NormalizeRoom), and drops token-risk confirmations that apply to no
// server.
func (s Settings) Normalize() Settings {
	s = s.Clone()
	for i, sv := range s.Servers {
		s.Servers[i] = sv.Normalize()
	}
	for i, r := range s.MutedRooms {
		s.MutedRooms[i] = NormalizeRoom(r)
	}
	var keep []string
	for _, sv := range s.Servers {
		for _, k := range AcceptRisks(TokenRisks(sv.URL, sv.CatchupURL)) {
			if slices.Contains(s.ConfirmedRisks, k) && !slices.Contains(keep, k) {
				keep = append(keep, k)
			}
		}
	}
	s.ConfirmedRisks = keep
	return s
}

// Validate checks every field and returns all problems joined, each a
// *FieldError matching its sentinel (see the package doc), or nil. A
// server's errors name it (FieldError.Server).
func (s Settings) Validate() error {
	errs := validateServers(s.Servers)
	if !s.MinSeverity.Valid() {
		errs = append(errs, fieldErr("MinSeverity", ErrInvalidSeverity,
			"minimum severity %q must be info, warning or critical", s.MinSeverity))
	}
	errs = append(errs, validateRooms("MutedRooms", s.MutedRooms)...)
	if err := s.QuietHours.Validate(); err != nil {
		errs = append(errs, fieldErr("QuietHours", ErrInvalidQuietHours, "%s", strings.TrimPrefix(err.Error(), notify.ErrTimeOfDay.Error()+": ")))
	}
	if d := s.OutageNotice; d != 0 && (d < MinOutageNotice || d > MaxOutageNotice) {
		errs = append(errs, fieldErr("OutageNotice", ErrInvalidOutageNotice,
			"outage notice after %v: choose 0 (off) or between %v and %v", d, MinOutageNotice, MaxOutageNotice))
	}
	if d := s.ReAlert; d != 0 && (d < MinReAlert || d > MaxReAlert) {
		errs = append(errs, fieldErr("ReAlert", ErrInvalidReAlert,
			"re-alert every %v: choose 0 (off) or between %v and %v", d, MinReAlert, MaxReAlert))
	}
	return errors.Join(errs...)
}
