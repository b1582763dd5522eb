package settings

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Severity is an incident severity, used as the notification threshold.
type Severity string

// The severities, lowest first.
const (
	SeverityInfo     Severity = "info"
	SeverityWarning  Severity = "warning"
	SeverityCritical Severity = "critical"
)

// Severities lists the valid severities, lowest first.
func Severities() []Severity { return []Severity{SeverityInfo, SeverityWarning, SeverityCritical} }

// Rank orders severities: info 1, warning 2, critical 3; 0 for anything
// else.
func (s Severity) Rank() int {
	switch s {
	case SeverityInfo:
		return 1
	case SeverityWarning:
		return 2
	case SeverityCritical:
		return 3
	}
	return 0
}

// Valid reports whether s is one of Severities.
func (s Severity) Valid() bool { return s.Rank() > 0 }

// QuietHours is a daily window, in local time, during which only critical
// incidents notify. End before Start wraps past midnight ("22:00"–"07:00").
type QuietHours struct {
	Enabled bool
	Start   string // "HH:MM", 24-hour
	End     string // "HH:MM", 24-hour; not equal to Start
}

// Active reports whether t (in its own location) falls inside enabled quiet
// hours: from Start inclusive to End exclusive. Invalid hours are never
// active.
func (q QuietHours) Active(t time.Time) bool {
	if !q.Enabled {
		return false
	}
	start, err1 := ParseClock(q.Start)
	end, err2 := ParseClock(q.End)
	if err1 != nil || err2 != nil || start == end {
		return false
	}
	now := t.Hour()*60 + t.Minute()
	if start < end {
		return now >= start && now < end
	}
	return now >= start || now < end
}

// ParseClock parses "HH:MM" (24-hour, two digits each) into minutes after
// midnight.
func ParseClock(s string) (int, error) {
	if len(s) != 5 || s[2] != ':' {
		return 0, fmt.Errorf("%q is not HH:MM", s)
	}
	h, err1 := strconv.Atoi(s[:2])
	m, err2 := strconv.Atoi(s[3:])
	if err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 || s[0] == '+' || s[3] == '+' {
		return 0, fmt.Errorf("%q is not a time between 00:00 and 23:59", s)
	}
	return h*60 + m, nil
}

// Limits on the outage notice delay.
const (
	MinOutageNotice = 30 * time.Second
	MaxOutageNotice = 24 * time.Hour
)

// Settings is everything the user configures except the token, which lives
// in the keyring (TokenStore). The zero value is not valid; start from
// Default.
type Settings struct {
	// ServerURL is the WebSocket URL of the ops server, ws:// or wss://;
	// "" means the built-in demo server (UsesDemo), whose address changes
	// on every start and is therefore never stored.
	ServerURL string
	// Rooms are joined after every connect, in this order.
	Rooms []string
	// CatchupURL overrides the http(s) URL the app fetches current
	// incidents from after a (re)connect; "" derives it from ServerURL.
	CatchupURL string

	// MinSeverity is the lowest severity that notifies.
	MinSeverity Severity
	// MutedRooms never notify. They need not be in Rooms.
	MutedRooms []string
	// QuietHours lets only critical incidents notify during the window.
	QuietHours QuietHours
	// OutageNotice is how long the connection must stay down before one
	// notice; 0 turns the notice off. Otherwise between MinOutageNotice and
	// MaxOutageNotice.
	OutageNotice time.Duration

	// StartAtLogin installs an autostart entry (SetStartAtLogin).
	StartAtLogin bool

	// ConfirmedRisks are the keys (Risk.Key) of the risks the user
	// confirmed for sending the token to ServerURL and CatchupURL
	// (TokenRisks): ws:// or http:// in the clear, a catch-up host that is
	// not the server's. Normalize drops keys that no longer apply, so a
	// confirmation never carries over to another host.
	ConfirmedRisks []string
}

// Default returns the settings of a fresh install: the built-in demo server
// (ServerURL ""), no rooms, notify from warning up, quiet hours 22:00–07:00
// (off), an outage notice after 3 minutes. They are valid.
func Default() Settings {
	return Settings{
		MinSeverity:  SeverityWarning,
		QuietHours:   QuietHours{Start: "22:00", End: "07:00"},
		OutageNotice: 3 * time.Minute,
	}
}

// UsesDemo reports whether s chooses the built-in demo server: ServerURL
// is empty (or only whitespace).
func (s Settings) UsesDemo() bool { return strings.TrimSpace(s.ServerURL) == "" }

// Clone returns a deep copy.
func (s Settings) Clone() Settings {
	s.Rooms = slices.Clone(s.Rooms)
	s.MutedRooms = slices.Clone(s.MutedRooms)
	s.ConfirmedRisks = slices.Clone(s.ConfirmedRisks)
	return s
}

// Normalize trims surrounding whitespace from the URLs and the quiet hours,
// which a paste easily adds, writes room names without their leading "#"
// (NormalizeRoom), and drops token-risk confirmations that no longer apply.
func (s Settings) Normalize() Settings {
	s = s.Clone()
	s.ServerURL = strings.TrimSpace(s.ServerURL)
	s.CatchupURL = strings.TrimSpace(s.CatchupURL)
	s.QuietHours.Start = strings.TrimSpace(s.QuietHours.Start)
	s.QuietHours.End = strings.TrimSpace(s.QuietHours.End)
	for i, r := range s.Rooms {
		s.Rooms[i] = NormalizeRoom(r)
	}
	for i, r := range s.MutedRooms {
		s.MutedRooms[i] = NormalizeRoom(r)
	}
	var keep []string
	for _, k := range AcceptRisks(TokenRisks(s.ServerURL, s.CatchupURL)) {
		if slices.Contains(s.ConfirmedRisks, k) {
			keep = append(keep, k)
		}
	}
	s.ConfirmedRisks = keep
	return s
}

// Validate checks every field and returns all problems joined, each a
// *FieldError matching its sentinel (see the package doc), or nil.
func (s Settings) Validate() error {
	var errs []error
	if !s.UsesDemo() {
		if err := ValidateServerURL(s.ServerURL); err != nil {
			errs = append(errs, err)
		}
	}
	errs = append(errs, validateRooms("Rooms", s.Rooms)...)
	if err := ValidateCatchupURL(s.CatchupURL); err != nil {
		errs = append(errs, err)
	}
	if !s.MinSeverity.Valid() {
		errs = append(errs, fieldErr("MinSeverity", ErrInvalidSeverity,
			"minimum severity %q must be info, warning or critical", s.MinSeverity))
	}
	errs = append(errs, validateRooms("MutedRooms", s.MutedRooms)...)
	if err := s.QuietHours.validate(); err != nil {
		errs = append(errs, err)
	}
	if d := s.OutageNotice; d != 0 && (d < MinOutageNotice || d > MaxOutageNotice) {
		errs = append(errs, fieldErr("OutageNotice", ErrInvalidOutageNotice,
			"outage notice after %v: choose 0 (off) or between %v and %v", d, MinOutageNotice, MaxOutageNotice))
	}
	return errors.Join(errs...)
}

func (q QuietHours) validate() error {
	if !q.Enabled && q.Start == "" && q.End == "" {
		return nil
	}
	start, err := ParseClock(q.Start)
	if err != nil {
		return fieldErr("QuietHours", ErrInvalidQuietHours, "quiet hours start: %v", err)
	}
	end, err := ParseClock(q.End)
	if err != nil {
		return fieldErr("QuietHours", ErrInvalidQuietHours, "quiet hours end: %v", err)
	}
	if start == end {
		return fieldErr("QuietHours", ErrInvalidQuietHours, "quiet hours start and end are both %s", q.Start)
	}
	return nil
}
