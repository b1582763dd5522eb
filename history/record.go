package history

import (
	"encoding/binary"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/warpdesk/warpdesk/ops"
)

// Limits on what is kept and asked.
const (
	// MaxDescription bounds the description kept with a record, in bytes:
	// enough to recognise an incident, and a thousand records stay a few
	// megabytes on disk and on the window's link.
	MaxDescription = 2 << 10
	// MaxServerLen bounds a record's server ID and server name in bytes.
	MaxServerLen = 200
	// MaxQueryLen bounds a search query in bytes.
	MaxQueryLen = 256
	// MaxLimit is the most records one Search returns; DefaultLimit what
	// a limit of zero means.
	MaxLimit     = 1000
	DefaultLimit = 200
)

// Record is one settled incident as the history keeps it.
type Record struct {
	// Incident is the incident as last known, with its acknowledgement
	// (AcknowledgedBy, AcknowledgedAt) when someone acknowledged it. Its
	// description is cut to MaxDescription bytes.
	Incident ops.Incident `json:"incident"`
	// Server is the ID of the server it came from (store.Incident.Server);
	// ServerName that server's name for display when it was known.
	Server     string `json:"server,omitempty"`
	ServerName string `json:"serverName,omitempty"`
	// Resolved is true once it was resolved; false while it is only
	// acknowledged.
	Resolved bool `json:"resolved,omitempty"`
	// Away is true when it settled while Warpdesk was not listening: a
	// catch-up found it so, at At; it happened some time before.
	Away bool `json:"away,omitempty"`
	// At is when it settled: when it was resolved, or acknowledged while
	// not resolved yet. Records are ordered and aged by At.
	At time.Time `json:"at"`
}

// normalize cuts the description to MaxDescription bytes (on a rune
// boundary) and reports why r cannot be kept, if it cannot.
func (r Record) normalize() (Record, error) {
	d := r.Incident.Description
	if len(d) > MaxDescription {
		d = d[:MaxDescription]
		for len(d) > 0 && !utf8.ValidString(d) {
			d = d[:len(d)-1]
		}
		r.Incident.Description = d
	}
	switch {
	case r.At.IsZero():
		return r, fmt.Errorf("%w: record of %q without a time", ErrInvalid, r.Incident.UUID)
	case len(r.Server) > MaxServerLen || len(r.ServerName) > MaxServerLen:
		return r, fmt.Errorf("%w: server longer than %d bytes", ErrInvalid, MaxServerLen)
	case strings.IndexByte(r.Server, 0) >= 0 || strings.IndexByte(r.Incident.UUID, 0) >= 0:
		return r, fmt.Errorf("%w: NUL in a server ID or uuid", ErrInvalid)
	case !utf8.ValidString(r.Server) || !utf8.ValidString(r.ServerName):
		return r, fmt.Errorf("%w: server is not UTF-8", ErrInvalid)
	}
	if err := r.Incident.Validate(); err != nil {
		return r, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return r, nil
}

// merge is r recorded over old, the same incident settled before: the
// first acknowledgement and resolution are kept.
func (r Record) merge(old Record) Record {
	if !r.Incident.IsAcknowledged() && old.Incident.IsAcknowledged() {
		r.Incident.AcknowledgedBy = old.Incident.AcknowledgedBy
		r.Incident.AcknowledgedAt = old.Incident.AcknowledgedAt
	}
	r.Resolved = r.Resolved || old.Resolved
	if r.ServerName == "" {
		r.ServerName = old.ServerName
	}
	return r
}

// recordKey orders records by settle time: 8 bytes of big-endian unix
// nanoseconds (clamped at 0), then the incident's key.
func recordKey(at time.Time, server, uuid string) []byte {
	k := make([]byte, 8, 8+len(server)+1+len(uuid))
	binary.BigEndian.PutUint64(k, uint64(max(at.UnixNano(), 0)))
	return append(k, incidentKey(server, uuid)...)
}

// keyTime is the settle time a record key starts with.
func keyTime(k []byte) time.Time {
	if len(k) < 8 {
		return time.Time{}
	}
	return time.Unix(0, int64(binary.BigEndian.Uint64(k)))
}

// incidentKey names an incident: server ID, NUL, uuid.
func incidentKey(server, uuid string) []byte {
	k := make([]byte, 0, len(server)+1+len(uuid))
	k = append(k, server...)
	k = append(k, 0)
	return append(k, uuid...)
}

// terms splits a query into lower-case words; a record matches when it
// contains every one.
func terms(query string) []string {
	return strings.Fields(strings.ToLower(query))
}

// matches reports whether every term occurs in one of r's texts (title,
// description, service, room, uuid, severity, who acknowledged it, the
// server), case-insensitively.
func (r Record) matches(ts []string) bool {
	if len(ts) == 0 {
		return true
	}
	in := r.Incident
	hay := strings.ToLower(strings.Join([]string{
		in.Title, in.Description, in.Service, in.Room, in.UUID, string(in.Severity),
		in.AcknowledgedBy, r.Server, r.ServerName,
	}, "\x00"))
	for _, t := range ts {
		if !strings.Contains(hay, t) {
			return false
		}
	}
	return true
}
