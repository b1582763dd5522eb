package notify

// Urgency is the freedesktop notification urgency. Its values are the byte
// sent in the "urgency" hint.
type Urgency byte

// The urgencies of the freedesktop notification spec.
const (
	Low      Urgency = 0
	Normal   Urgency = 1
	Critical Urgency = 2
)

// String names the urgency ("critical").
func (u Urgency) String() string {
	switch u {
	case Low:
		return "low"
	case Normal:
		return "normal"
	case Critical:
		return "critical"
	}
	return "unknown"
}

// Notification is one message for the desktop, already decided and
// composed by the Notifier: plain text (control characters stripped,
// lengths bounded, markup not yet escaped — a Deliverer escapes for servers
// that interpret markup).
type Notification struct {
	// Summary is the one-line heading, at most MaxSummaryRunes runes.
	Summary string
	// Body is the detail, at most MaxBodyRunes runes; may hold "\n".
	Body string
	// Urgency maps from the incident's severity.
	Urgency Urgency
	// Icon is the app icon as PNG bytes; nil means the Deliverer's default.
	Icon []byte
	// ID is what a click reports back: the incident UUID, or "" for
	// notifications that are not about one incident (a burst summary, the
	// outage notice), where a click should simply open the dashboard.
	ID string
	// Server is the ID of the server the incident (or the outage notice)
	// is about, "" with one server: with ID it is the incident's key, since
	// the same UUID on two servers is two incidents.
	Server string
	// Sound is the freedesktop sound name to play with the notification
	// (the "sound-name" hint: SoundCritical, SoundReAlert); "" leaves
	// sound to the notification server. Set for critical incidents when
	// Rules.CriticalSound is.
	Sound string
	// Tag groups notifications that supersede each other: where the platform
	// can (freedesktop replaces_id), a new notification with the same
	// non-empty Tag replaces the previous one on screen instead of stacking.
	// The Notifier tags burst summaries and the outage notice.
	Tag string
}

// The sounds of critical notifications (names from the freedesktop sound
// naming specification, which notification servers resolve in the user's
// sound theme).
const (
	// SoundCritical comes with a critical incident's first notification
	// and with a summary or digest that holds a critical one.
	SoundCritical = "dialog-warning"
	// SoundReAlert comes with a re-alert (Rules.ReAlert).
	SoundReAlert = "alarm-clock-elapsed"
)

// Deliverer shows notifications. The Notifier calls Deliver from a single
// goroutine, one call at a time, so an implementation need not be safe for
// concurrent use on the Notifier's behalf; it should return within a few
// seconds, since later notifications wait for it (they are coalesced
// meanwhile, not lost). When Deliver returns an error the Notifier tries
// the same notification again after 2 s, 10 s and 30 s, delivering nothing
// else meanwhile, and then gives it up with a warning in its log.
type Deliverer interface {
	Deliver(Notification) error
}
