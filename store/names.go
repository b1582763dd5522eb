package store

import (
	"strconv"
	"strings"
)

// String names the link for logs: "connecting", "live", "reconnecting",
// "offline", "rejected".
func (l Link) String() string {
	switch l {
	case LinkConnecting:
		return "connecting"
	case LinkLive:
		return "live"
	case LinkReconnecting:
		return "reconnecting"
	case LinkOffline:
		return "offline"
	case LinkRejected:
		return "rejected"
	}
	return "Link(" + strconv.Itoa(int(l)) + ")"
}

// Label names the link for people, as the tray's summary and the
// dashboard's status line start: "Connecting", "Live", "Reconnecting",
// "Offline", "Token rejected".
func (l Link) Label() string {
	switch l {
	case LinkConnecting:
		return "Connecting"
	case LinkLive:
		return "Live"
	case LinkReconnecting:
		return "Reconnecting"
	case LinkRejected:
		return "Token rejected"
	}
	return "Offline"
}

// String names the knowledge for logs: "unknown", "current", "stale".
func (k Knowledge) String() string {
	switch k {
	case Unknown:
		return "unknown"
	case Current:
		return "current"
	case Stale:
		return "stale"
	}
	return "Knowledge(" + strconv.Itoa(int(k)) + ")"
}

// maxReason bounds a reason shown to people (Incident.AckErr).
const maxReason = 120

// shortReason says why in one short line: why's text up to its first line
// break, cut at maxReason runes; "unknown error" for nil.
func shortReason(why error) string {
	if why == nil {
		return "unknown error"
	}
	msg := strings.TrimSpace(why.Error())
	if i := strings.IndexAny(msg, "\r\n"); i >= 0 {
		msg = strings.TrimSpace(msg[:i])
	}
	if r := []rune(msg); len(r) > maxReason {
		msg = string(r[:maxReason-1]) + "…"
	}
	if msg == "" {
		return "unknown error"
	}
	return msg
}
