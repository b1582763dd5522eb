package ops

import (
	"fmt"
	"strings"
)

// Severity of an incident: the one severity type of Warpdesk. The wire, the
// store, the notification rules and the settings file all use it, with the
// one ordering Rank defines, so no layer converts it through strings.
type Severity string

// The severities an incident can have, most severe first.
const (
	Critical Severity = "critical"
	Warning  Severity = "warning"
	Info     Severity = "info"
)

// Severities lists the valid severities, most severe first (Rank order).
func Severities() []Severity { return []Severity{Critical, Warning, Info} }

// Valid reports whether s is one of Critical, Warning, Info.
func (s Severity) Valid() bool { return s == Critical || s == Warning || s == Info }

// Rank is the one ordering of severities, most severe first: critical 0,
// warning 1, info 2, anything else (invalid, or the zero Severity) 3. Sort
// by ascending Rank to list the most severe first.
func (s Severity) Rank() int {
	switch s {
	case Critical:
		return 0
	case Warning:
		return 1
	case Info:
		return 2
	}
	return 3
}

// AtLeast reports whether s is as severe as min or more. Every severity is
// at least the zero Severity, so a zero threshold lets everything through;
// an invalid s is below Info.
func (s Severity) AtLeast(min Severity) bool { return s.Rank() <= min.Rank() }

// Label is the capitalised word for people: "Critical", "Warning", "Info";
// "Unknown" for anything else.
func (s Severity) Label() string {
	switch s {
	case Critical:
		return "Critical"
	case Warning:
		return "Warning"
	case Info:
		return "Info"
	}
	return "Unknown"
}

// ParseSeverity reads a severity typed by a person or a config file: case
// and surrounding space are ignored, and "crit" and "warn" are accepted.
// Anything else is an error matching ErrInvalid. (Payloads from the server
// are not parsed: they must carry one of the exact values.)
func ParseSeverity(text string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(text)) {
	case "critical", "crit":
		return Critical, nil
	case "warning", "warn":
		return Warning, nil
	case "info":
		return Info, nil
	}
	return "", fmt.Errorf("%w: severity %q is not critical, warning or info", ErrInvalid, text)
}
