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
