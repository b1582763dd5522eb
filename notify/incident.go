package notify

import (
	"time"

	"github.com/warpdesk/warpdesk/ops"
)

// The notifier is told about ops.Incident values, validated once where they
// enter the app (the socket's DefineValidated, ops.Snapshot.Clean). All text
// in them comes from the server and is still treated as untrusted here: the
// notifier strips control characters, bounds lengths and lets the delivery
// escape markup.

// severity is s for the rules: an invalid severity (which validation keeps
// out of the app) counts as info, so it never outranks a known one and is
// not lost either.
func severity(s ops.Severity) ops.Severity {
	if !s.Valid() {
		return ops.Info
	}
	return s
}

// UrgencyOf is the freedesktop urgency that matches s: critical → Critical,
// warning → Normal, anything else → Low.
func UrgencyOf(s ops.Severity) Urgency {
	switch s {
	case ops.Critical:
		return Critical
	case ops.Warning:
		return Normal
	}
	return Low
}

// createdAt is when the server raised inc; a zero CreatedAt means "when it
// arrived", now.
func createdAt(inc ops.Incident, now time.Time) time.Time {
	if inc.CreatedAt == 0 {
		return now
	}
	return inc.Created()
}
