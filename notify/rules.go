package notify

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/warpdesk/warpdesk/ops"
)

// DefaultOutageNotice is the outage notice delay of a fresh install
// (settings.Default): how long the connection must stay down before the
// notifier raises its one "offline" notice.
const DefaultOutageNotice = 3 * time.Minute

// DefaultReAlert is the re-alert interval of a fresh install
// (settings.Default): how often a critical incident nobody acknowledged is
// notified again.
const DefaultReAlert = 5 * time.Minute

// Rules are the user's notification settings. The zero value notifies every
// incident, has no quiet hours, is not paused and raises no outage notice.
// Rules are plain values: the settings window edits a copy and hands it to
// Notifier.SetRules.
type Rules struct {
	// MinSeverity is the least severe level that notifies. Zero:
	// everything.
	MinSeverity ops.Severity
	// MutedRooms never notify, whatever the severity. Names match exactly.
	MutedRooms []string
	// QuietHours is a daily span during which only critical incidents
	// notify.
	QuietHours QuietHours
	// PausedUntil stops notifications until that instant (the tray's
	// "pause for 1 h" / "until tomorrow"; see PauseFor and
	// PauseUntilTomorrow); critical incidents still break through unless
	// PauseCriticals is set. Zero or past: not paused.
	PausedUntil time.Time
	// PauseCriticals makes a pause silence critical incidents too. Zero:
	// a critical incident notifies despite a pause, so nobody misses one
	// because they forgot a pause they set.
	PauseCriticals bool
	// OutageNotice is how long the connection must stay down before one
	// notice says so. Zero (or negative) means never, as in the settings
	// file; a fresh install uses DefaultOutageNotice.
	OutageNotice time.Duration
	// ReAlert is how often a critical incident that nobody acknowledged
	// is notified again, until it is acknowledged (here or by anyone) or
	// resolved (Notifier.Settled). A re-alert obeys the rules in force
	// when it is due, like any critical: it breaks through quiet hours and
	// a pause (unless PauseCriticals), and a muted room or server silences
	// it; one still unacknowledged when unmuted re-alerts from the next
	// interval after the unmute (a critical that arrived muted too). Zero (or negative) means never, as in the settings file; a
	// fresh install uses DefaultReAlert.
	ReAlert time.Duration
	// CriticalSound asks for a sound with the notifications of critical
	// incidents and their re-alerts (Notification.Sound: the freedesktop
	// "sound-name" hint; beeep cannot play one). False: silent, as the
	// notification server decides.
	CriticalSound bool
	// MutedServers are the IDs (store.ServerState.ID) of servers that are
	// watched and shown but never notify: neither their incidents nor
	// their outage notices (settings.Server.Muted).
	MutedServers []string
}

// QuietHours is a daily span of local time, [Start, End). When End is
// earlier than Start the span runs over midnight (22:00–07:00). Start equal
// to End is an empty span.
type QuietHours struct {
	Enabled    bool
	Start, End TimeOfDay
}

// TimeOfDay is a wall-clock time as minutes after midnight (0–1439). Use At
// or ParseTimeOfDay to build one.
type TimeOfDay int

// At returns the TimeOfDay hour:minute, wrapped into one day.
func At(hour, minute int) TimeOfDay {
	m := (hour*60 + minute) % (24 * 60)
	if m < 0 {
		m += 24 * 60
	}
	return TimeOfDay(m)
}

// ErrTimeOfDay is matched (errors.Is) by every error about a time of day
// or a quiet-hours span.
var ErrTimeOfDay = errors.New("notify: invalid time of day")

// ParseTimeOfDay parses "HH:MM" in 24-hour form, e.g. "22:00" or "7:30",
// ignoring surrounding space. It is the one parser of times of day: the
// settings form and the settings file both use it.
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%w: %q: want HH:MM, 00:00 to 23:59", ErrTimeOfDay, s)
	}
	return At(t.Hour(), t.Minute()), nil
}

// String formats t as "HH:MM".
func (t TimeOfDay) String() string { return fmt.Sprintf("%02d:%02d", int(t)/60, int(t)%60) }

// Valid reports whether t lies within one day, 00:00 to 23:59.
func (t TimeOfDay) Valid() bool { return t >= 0 && t < 24*60 }

// MarshalText writes t as "HH:MM", the form the settings file keeps.
func (t TimeOfDay) MarshalText() ([]byte, error) {
	if !t.Valid() {
		return nil, fmt.Errorf("%w: %d minutes after midnight", ErrTimeOfDay, int(t))
	}
	return []byte(t.String()), nil
}

// UnmarshalText reads what ParseTimeOfDay accepts.
func (t *TimeOfDay) UnmarshalText(b []byte) error {
	v, err := ParseTimeOfDay(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

func timeOfDay(now time.Time) TimeOfDay { return At(now.Hour(), now.Minute()) }

// Validate reports a span that cannot be used: a time outside the day, or
// an enabled span that starts where it ends (it would never be active).
// The error matches ErrTimeOfDay.
func (q QuietHours) Validate() error {
	if !q.Start.Valid() || !q.End.Valid() {
		return fmt.Errorf("%w: quiet hours %d–%d minutes are not within one day", ErrTimeOfDay, int(q.Start), int(q.End))
	}
	if q.Enabled && q.Start == q.End {
		return fmt.Errorf("%w: quiet hours start and end are both %s", ErrTimeOfDay, q.Start)
	}
	return nil
}

// Contains reports whether now's wall-clock time, in now's own location
// (Local in the app), falls inside the span. A disabled span contains nothing.
func (q QuietHours) Contains(now time.Time) bool {
	if !q.Enabled || q.Start == q.End {
		return false
	}
	t := timeOfDay(now)
	if q.Start < q.End {
		return t >= q.Start && t < q.End
	}
	return t >= q.Start || t < q.End // over midnight
}

// endAfter is the first instant after now at which the wall clock, in now's
// location, reads End. Computed on the calendar, so it stays right across
// daylight-saving changes.
func (q QuietHours) endAfter(now time.Time) time.Time {
	y, m, d := now.Date()
	end := time.Date(y, m, d, int(q.End)/60, int(q.End)%60, 0, 0, now.Location())
	if !end.After(now) {
		end = time.Date(y, m, d+1, int(q.End)/60, int(q.End)%60, 0, 0, now.Location())
	}
	return end
}

// PauseFor returns the PausedUntil value for "pause for d from now".
func PauseFor(now time.Time, d time.Duration) time.Time { return now.Add(d) }

// TomorrowMorning is when "pause until tomorrow" ends: 08:00 local time.
const TomorrowMorning TimeOfDay = 8 * 60

// PauseUntilTomorrow returns the PausedUntil value for "until tomorrow":
// TomorrowMorning on the calendar day after now, in now's location (so a
// pause at 23:30 lasts to 08:00, not to midnight). Computed on the calendar,
// so it stays right across daylight-saving changes.
func PauseUntilTomorrow(now time.Time) time.Time {
	y, m, d := now.Date()
	return time.Date(y, m, d+1, int(TomorrowMorning)/60, int(TomorrowMorning)%60, 0, 0, now.Location())
}

// Paused reports whether the rules pause notifications at now.
func (r Rules) Paused(now time.Time) bool { return now.Before(r.PausedUntil) }

// silenced reports whether a pause or quiet hours hold incidents back at
// now.
func (r Rules) silenced(now time.Time) bool { return r.Paused(now) || r.QuietHours.Contains(now) }

// unsilenced is r without its pause and quiet hours: what would notify
// once the silence ends (a muted room stays muted).
func (r Rules) unsilenced() Rules {
	r.PausedUntil, r.QuietHours = time.Time{}, QuietHours{}
	return r
}

// silenceEnd is when the silence in force at now may end: the end of the
// pause, else of the quiet hours; zero when nothing is silenced. Quiet hours
// may begin as a pause ends, so the caller looks again then.
func (r Rules) silenceEnd(now time.Time) time.Time {
	switch {
	case r.Paused(now):
		return r.PausedUntil
	case r.QuietHours.Contains(now):
		return r.QuietHours.endAfter(now)
	}
	return time.Time{}
}

// Decision is what the notifier did, or would do, with an incident.
type Decision int

const (
	// Notify: the incident raises its own notification.
	Notify Decision = iota
	// Coalesced: the incident is counted in a summary notification that
	// ends the current burst window.
	Coalesced
	// Duplicate: the UUID was seen recently; nothing is shown.
	Duplicate
	// BelowMinimum: less severe than Rules.MinSeverity.
	BelowMinimum
	// Muted: the room is in Rules.MutedRooms, or the server in
	// Rules.MutedServers.
	Muted
	// Quiet: inside quiet hours and not critical.
	Quiet
	// Paused: notifications are paused (Rules.PausedUntil).
	Paused
	// Closed: the Notifier was closed.
	Closed
	// Acknowledged: someone acknowledged the incident already
	// (ops.Incident.AcknowledgedBy); it needs nobody's attention.
	Acknowledged
)

var decisionNames = [...]string{"notify", "coalesced", "duplicate", "below-minimum", "muted", "quiet", "paused", "closed", "acknowledged"}

// String names the decision for logs ("muted").
func (d Decision) String() string {
	if d >= 0 && int(d) < len(decisionNames) {
		return decisionNames[d]
	}
	return fmt.Sprintf("Decision(%d)", int(d))
}

// Shown reports whether the incident reaches the user, on its own or in a
// summary.
func (d Decision) Shown() bool { return d == Notify || d == Coalesced }

// Check applies the rules to one incident of server (its ID, "" with one
// server) at now. It is pure: it knows nothing of bursts, duplicates or
// acknowledgements, so it answers Notify or the reason the incident stays
// silent. The order of the checks makes the reason the most deliberate
// one: pause (which a critical incident breaks through unless
// PauseCriticals), mute (server, then room), minimum, then quiet hours.
func (r Rules) Check(server string, inc ops.Incident, now time.Time) Decision {
	sev := severity(inc.Severity)
	switch {
	case r.Paused(now) && (sev != ops.Critical || r.PauseCriticals):
		return Paused
	case r.muted(server, inc.Room):
		return Muted
	case !sev.AtLeast(r.MinSeverity):
		return BelowMinimum
	case r.QuietHours.Contains(now) && sev != ops.Critical:
		return Quiet
	}
	return Notify
}

// serverMuted reports whether server is one of MutedServers.
func (r Rules) serverMuted(server string) bool {
	return server != "" && slices.Contains(r.MutedServers, server)
}

// muted reports whether an incident of server in room is muted, by its
// server or its room.
func (r Rules) muted(server, room string) bool {
	return r.serverMuted(server) || slices.Contains(r.MutedRooms, room)
}

// unmuted is r without its mutes: what would notify once the user unmutes.
func (r Rules) unmuted() Rules {
	r.MutedRooms, r.MutedServers = nil, nil
	return r
}

// clone copies the slice so the caller may keep editing its own Rules.
func (r Rules) clone() Rules {
	r.MutedRooms = slices.Clone(r.MutedRooms)
	r.MutedServers = slices.Clone(r.MutedServers)
	return r
}
