// Package ops defines the operations messages Warpdesk exchanges with its
// server — incidents and monitors — once, for the app and the built-in demo
// server alike.
//
// On the WebSocket (envelopes {"name","data","timestamp"}):
//
//	incident.created        Incident       {uuid, title, severity, room?, createdAt,
//	                                        description?, url?, service?, acknowledgedBy?, acknowledgedAt?}
//	incident.resolved       IncidentRef    {uuid}
//	incident.acknowledged   Acknowledgement {uuid, by, at}
//	monitor.status-changed  MonitorChange  {monitorUuid, name, status, changedAt}
//
// and one request (socket.Call), answered by a "reply" envelope:
//
//	incident.acknowledge    IncidentRef {uuid} → Acknowledgement {uuid, by, at}
//
// Over HTTP, GET IncidentsPath returns a Snapshot: the incidents open right
// now (and the monitors' current status), so a client can catch up on what it
// missed while it was not connected.
//
// Every payload is validated when it is received (socket.DefineValidated) and
// when a snapshot is read (Snapshot.Clean): an invalid incident never reaches
// the UI.
package ops

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/warpdesk/warpdesk/socket"
)

// MonitorStatus is a monitor's health.
type MonitorStatus string

// The states a monitor can be in.
const (
	Up       MonitorStatus = "up"
	Down     MonitorStatus = "down"
	Degraded MonitorStatus = "degraded"
)

// Valid reports whether s is one of Up, Down, Degraded.
func (s MonitorStatus) Valid() bool { return s == Up || s == Down || s == Degraded }

// Incident is the payload of incident.created and an entry of a Snapshot.
// UUID, Title, Severity and CreatedAt are always there; the rest is
// optional and empty when the server does not send it.
type Incident struct {
	UUID      string   `json:"uuid"`
	Title     string   `json:"title"`
	Severity  Severity `json:"severity"`
	Room      string   `json:"room,omitempty"`
	CreatedAt int64    `json:"createdAt"` // unix milliseconds

	// Description says more than the title, in plain text.
	Description string `json:"description,omitempty"`
	// URL is the incident in the user's operations tool. Clients open it
	// only through Link, which accepts absolute http and https URLs.
	URL string `json:"url,omitempty"`
	// Service is the affected service, e.g. "checkout-api".
	Service string `json:"service,omitempty"`
	// AcknowledgedBy and AcknowledgedAt (unix milliseconds) say who first
	// acknowledged the incident and when; both empty while nobody has.
	AcknowledgedBy string `json:"acknowledgedBy,omitempty"`
	AcknowledgedAt int64  `json:"acknowledgedAt,omitempty"`
}

// Created returns CreatedAt as a time.
func (i Incident) Created() time.Time { return time.UnixMilli(i.CreatedAt) }

// IsAcknowledged reports whether someone has acknowledged the incident.
func (i Incident) IsAcknowledged() bool { return i.AcknowledgedBy != "" }

// AcknowledgedTime returns AcknowledgedAt as a time; the zero time while
// nobody has acknowledged the incident.
func (i Incident) AcknowledgedTime() time.Time {
	if !i.IsAcknowledged() {
		return time.Time{}
	}
	return time.UnixMilli(i.AcknowledgedAt)
}

// Acknowledge returns the incident acknowledged as a says (a is for this
// incident: the caller checks the uuid).
func (i Incident) Acknowledge(a Acknowledgement) Incident {
	i.AcknowledgedBy, i.AcknowledgedAt = a.By, a.At
	return i
}

// Link returns URL if it is safe to open in a browser: an absolute http or
// https URL with a host. Anything else (a relative path, javascript:,
// file:) gives false, and the incident is shown without a link rather than
// dropped.
func (i Incident) Link() (string, bool) {
	if i.URL == "" {
		return "", false
	}
	u, err := url.Parse(i.URL)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", false
	}
	return i.URL, true
}

// Limits on what a server may send; longer values are rejected rather than
// drawn.
const (
	MaxUUIDLen        = 128
	MaxTitleLen       = 1000
	MaxNameLen        = 200
	MaxDescriptionLen = 16 << 10
	MaxURLLen         = 2048
)

// ErrInvalid is matched (errors.Is) by every validation error in this package.
var ErrInvalid = errors.New("ops: invalid")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

func checkText(field, v string, max int, required bool) error {
	if required && strings.TrimSpace(v) == "" {
		return invalid("%s is empty", field)
	}
	if len(v) > max {
		return invalid("%s is longer than %d bytes", field, max)
	}
	if !utf8.ValidString(v) {
		return invalid("%s is not UTF-8", field)
	}
	return nil
}

// Validate checks an incident: uuid and title non-empty, severity known,
// every text bounded and UTF-8, and the acknowledgement whole (by and at
// both set, or neither). A URL that Link would not open is not an error.
func (i Incident) Validate() error {
	if err := checkText("uuid", i.UUID, MaxUUIDLen, true); err != nil {
		return err
	}
	if err := checkText("title", i.Title, MaxTitleLen, true); err != nil {
		return err
	}
	if !i.Severity.Valid() {
		return invalid("severity %q is not critical, warning or info", i.Severity)
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{
		{"room", i.Room, MaxNameLen},
		{"description", i.Description, MaxDescriptionLen},
		{"url", i.URL, MaxURLLen},
		{"service", i.Service, MaxNameLen},
	} {
		if err := checkText(f.name, f.v, f.max, false); err != nil {
			return err
		}
	}
	if i.AcknowledgedBy == "" && i.AcknowledgedAt == 0 {
		return nil
	}
	a := Acknowledgement{UUID: i.UUID, By: i.AcknowledgedBy, At: i.AcknowledgedAt}
	if err := a.Validate(); err != nil {
		return fmt.Errorf("acknowledgement: %w", err)
	}
	return nil
}

// IncidentRef names an incident: the payload of incident.resolved.
type IncidentRef struct {
	UUID string `json:"uuid"`
}

// Validate checks the uuid is present.
func (r IncidentRef) Validate() error { return checkText("uuid", r.UUID, MaxUUIDLen, true) }

// MonitorChange is the payload of monitor.status-changed.
type MonitorChange struct {
	MonitorUUID string        `json:"monitorUuid"`
	Name        string        `json:"name"`
	Status      MonitorStatus `json:"status"`
	ChangedAt   int64         `json:"changedAt"` // unix milliseconds
}

// Changed returns ChangedAt as a time.
func (m MonitorChange) Changed() time.Time { return time.UnixMilli(m.ChangedAt) }

// Validate checks the monitor uuid is present and the status known.
func (m MonitorChange) Validate() error {
	if err := checkText("monitorUuid", m.MonitorUUID, MaxUUIDLen, true); err != nil {
		return err
	}
	if err := checkText("name", m.Name, MaxNameLen, false); err != nil {
		return err
	}
	if !m.Status.Valid() {
		return invalid("status %q is not up, down or degraded", m.Status)
	}
	return nil
}

// Auth is the payload of the first frame on every connection
// (socket.Options.Handshake with Name AuthName).
type Auth struct {
	Token string `json:"token"`
}

// AuthName is the type of the authentication frame.
const AuthName = "auth"

// Messages, for socket.On and sockettest.Emit.
var (
	IncidentCreated      = socket.DefineValidated("incident.created", Incident.Validate)
	IncidentResolved     = socket.DefineValidated("incident.resolved", IncidentRef.Validate)
	MonitorStatusChanged = socket.DefineValidated("monitor.status-changed", MonitorChange.Validate)
)

// IncidentsPath is the HTTP path of the catch-up endpoint. A client may pass
// its rooms as repeated ?room= parameters; the server then returns only
// incidents in those rooms (and incidents without a room).
const IncidentsPath = "/api/incidents"

// Snapshot is the body of GET IncidentsPath.
type Snapshot struct {
	Incidents []Incident      `json:"incidents"`
	Monitors  []MonitorChange `json:"monitors,omitempty"`
}

// Clean returns the snapshot without invalid or duplicate entries (the first
// of a uuid wins) and how many it dropped.
func (s Snapshot) Clean() (Snapshot, int) {
	out := Snapshot{Incidents: make([]Incident, 0, len(s.Incidents))}
	dropped := 0
	seen := make(map[string]bool, len(s.Incidents))
	for _, in := range s.Incidents {
		if in.Validate() != nil || seen[in.UUID] {
			dropped++
			continue
		}
		seen[in.UUID] = true
		out.Incidents = append(out.Incidents, in)
	}
	seenM := make(map[string]bool, len(s.Monitors))
	for _, m := range s.Monitors {
		if m.Validate() != nil || seenM[m.MonitorUUID] {
			dropped++
			continue
		}
		seenM[m.MonitorUUID] = true
		out.Monitors = append(out.Monitors, m)
	}
	return out, dropped
}

// DemoToken is the token the built-in demo server accepts. It is not a
// secret: it only opens the local demo.
const DemoToken = "warpdesk-demo"
