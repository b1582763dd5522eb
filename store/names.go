package store

import "strconv"

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
