package notify

import (
	"strings"
	"time"
)

// Severity is how bad an incident is. The server sends it as free text;
// ParseSeverity maps that text onto the three levels the rules know.
type Severity string

// The severities, from least to most severe.
const (
	SeverityInfo     Severity = "info"
	SeverityWarning  Severity = "warning"
	SeverityCritical Severity = "critical"
)

// ParseSeverity maps server text onto a Severity. It ignores case and
// surrounding space and accepts "warn" and "crit". Anything else, including
// the empty string, is SeverityInfo: an unknown level must not outrank a
// known one, and must not be lost either.
func ParseSeverity(s string) Severity {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "critical", "crit":
		return SeverityCritical
	case "warning", "warn":
		return SeverityWarning
	default:
		return SeverityInfo
	}
}

// rank orders severities: info 0, warning 1, critical 2. It normalises first,
// so Severity("CRITICAL") ranks as critical.
func (s Severity) rank() int {
	switch ParseSeverity(string(s)) {
	case SeverityCritical:
		return 2
	case SeverityWarning:
		return 1
	default:
		return 0
	}
}

// AtLeast reports whether s is as severe as min or more. The zero Severity
// and unknown text count as info.
func (s Severity) AtLeast(min Severity) bool { return s.rank() >= min.rank() }

// Urgency is the freedesktop urgency that matches s: critical → Critical,
// warning → Normal, info → Low.
func (s Severity) Urgency() Urgency { return Urgency(s.rank()) }

// Label is the capitalised word shown in a notification ("Critical").
func (s Severity) Label() string {
	switch ParseSeverity(string(s)) {
	case SeverityCritical:
		return "Critical"
	case SeverityWarning:
		return "Warning"
	default:
		return "Info"
	}
}

// Incident is what the notifier is told about. The app converts its socket
// messages into this. All text in it comes from the server and is treated as
// untrusted: the notifier strips control characters, bounds lengths and lets
// the delivery escape markup.
type Incident struct {
	// UUID identifies the incident; a UUID seen before is not notified
	// again (a reconnect catch-up replays recent incidents). Empty means
	// "no identity": never deduplicated.
	UUID string
	// Title is the one-line description, e.g. "Database primary down".
	Title string
	// Severity decides urgency and the rules that apply; see ParseSeverity.
	Severity Severity
	// Room is the room the incident was raised in, e.g. "ops".
	Room string
	// CreatedAt is when the server raised it. Zero means "when it arrived".
	CreatedAt time.Time
}
