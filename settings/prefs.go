package settings

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Prefs is the part of fyne.Preferences that Load and Save use. *File (the
// settings file both processes read) implements it, a fyne.App's
// Preferences() satisfies it, and tests can pass a map.
type Prefs interface {
	Int(key string) int
	SetInt(key string, value int)
	Bool(key string) bool
	SetBool(key string, value bool)
	String(key string) string
	SetString(key string, value string)
	StringList(key string) []string
	SetStringList(key string, value []string)
	RemoveValue(key string)
}

// The preference keys. The token is never among them.
const (
	KeyVersion = "settings.version"
	// KeyServers holds Settings.Servers as one JSON array in a string
	// (Prefs stores no nested values): see serverRecord.
	KeyServers          = "settings.servers"
	KeyMinSeverity      = "settings.minSeverity"
	KeyMutedRooms       = "settings.mutedRooms"
	KeyQuietEnabled     = "settings.quietHours.enabled"
	KeyQuietStart       = "settings.quietHours.start"
	KeyQuietEnd         = "settings.quietHours.end"
	KeyOutageNotice     = "settings.outageNoticeSeconds"
	KeyReAlert          = "settings.reAlertSeconds"
	KeySilentCriticals  = "settings.silentCriticals"
	KeyPauseCriticals   = "settings.pauseCriticals"
	KeyCompression      = "settings.compression"
	KeyStartAtLogin     = "settings.startAtLogin"
	KeyConfirmedRisks   = "settings.confirmedRisks"
	currentPrefsVersion = 2
)

// The keys of the single-server version (settings.version 1), read only to
// migrate its one server into Servers[0]; Save removes them.
const (
	KeyServerURL  = "settings.serverURL"
	KeyRooms      = "settings.rooms"
	KeyCatchupURL = "settings.catchupURL"
)

// serverRecord is a Server as KeyServers stores it.
type serverRecord struct {
	ID         string   `json:"id"`
	Name       string   `json:"name,omitempty"`
	URL        string   `json:"url"`
	Rooms      []string `json:"rooms"`
	CatchupURL string   `json:"catchupURL,omitempty"`
	Disabled   bool     `json:"disabled,omitempty"`
	Muted      bool     `json:"muted,omitempty"`
}

// Load reads the settings Save stored. When nothing was stored yet it
// returns Default() and a nil error (one server, the built-in demo). A
// file of the single-server version (settings.version 1: serverURL, rooms,
// catchupURL) gives one server with that URL, rooms and catch-up URL and ID
// DefaultServerID, so the token stored in the keyring for that URL
// (TokenUser) is found as before; the settings it had no keys for
// (ReAlert) take their defaults. When the stored values do not validate
// (an edited file), it returns them anyway, so a form can show them, with
// the validation error. A servers list that is not JSON gives no servers
// and an error matching ErrCorruptFile.
func Load(p Prefs) (Settings, error) {
	s := Default()
	version := p.Int(KeyVersion)
	if version == 0 {
		return s, nil
	}
	var serr error
	if version == 1 {
		s.Servers = []Server{{ID: DefaultServerID, URL: p.String(KeyServerURL),
			Rooms: slices.Clone(p.StringList(KeyRooms)), CatchupURL: p.String(KeyCatchupURL)}}
	} else {
		s.Servers, serr = decodeServers(p.String(KeyServers))
		s.ReAlert = time.Duration(p.Int(KeyReAlert)) * time.Second
	}
	if v := p.String(KeyMinSeverity); v != "" {
		s.MinSeverity = Severity(v)
	}
	s.MutedRooms = slices.Clone(p.StringList(KeyMutedRooms))
	q, qerr := ParseQuietHours(p.Bool(KeyQuietEnabled), p.String(KeyQuietStart), p.String(KeyQuietEnd))
	if qerr == nil {
		s.QuietHours = q
	}
	s.OutageNotice = time.Duration(p.Int(KeyOutageNotice)) * time.Second
	s.SilentCriticals = p.Bool(KeySilentCriticals)
	s.PauseCriticals = p.Bool(KeyPauseCriticals) // missing: false, the default
	s.Compression = p.Bool(KeyCompression)
	s.StartAtLogin = p.Bool(KeyStartAtLogin)
	s.ConfirmedRisks = slices.Clone(p.StringList(KeyConfirmedRisks))
	s = s.Normalize()
	return s, errors.Join(serr, s.Validate(), qerr)
}

func decodeServers(raw string) ([]Server, error) {
	var recs []serverRecord
	if err := json.Unmarshal([]byte(raw), &recs); err != nil {
		return nil, fmt.Errorf("%w: the servers list (%s) is not a JSON array of servers: %v", ErrCorruptFile, KeyServers, err)
	}
	out := make([]Server, 0, len(recs))
	for _, r := range recs {
		out = append(out, Server(r))
	}
	return out, nil
}

func encodeServers(list []Server) string {
	recs := make([]serverRecord, 0, len(list))
	for _, sv := range list {
		r := serverRecord(sv)
		r.Rooms = nonNil(r.Rooms)
		recs = append(recs, r)
	}
	data, _ := json.Marshal(recs) // strings, bools and string slices always marshal
	return string(data)
}

// Save validates s (after Normalize) and stores it. It stores nothing and
// returns the validation error when s is invalid. On a *File, all keys are
// written in one atomic write, and the write's error is returned. The
// single-server version's keys are removed: a file Save wrote is read as
// Servers only.
func Save(p Prefs, s Settings) error {
	s = s.Normalize()
	if err := s.Validate(); err != nil {
		return err
	}
	if f, ok := p.(*File); ok {
		return f.update(func() { store(p, s) })
	}
	store(p, s)
	return nil
}

func store(p Prefs, s Settings) {
	p.SetString(KeyServers, encodeServers(s.Servers))
	for _, k := range []string{KeyServerURL, KeyRooms, KeyCatchupURL} {
		p.RemoveValue(k)
	}
	p.SetString(KeyMinSeverity, string(s.MinSeverity))
	p.SetStringList(KeyMutedRooms, nonNil(s.MutedRooms))
	p.SetBool(KeyQuietEnabled, s.QuietHours.Enabled)
	p.SetString(KeyQuietStart, s.QuietHours.Start.String())
	p.SetString(KeyQuietEnd, s.QuietHours.End.String())
	p.SetInt(KeyOutageNotice, int(s.OutageNotice/time.Second))
	p.SetInt(KeyReAlert, int(s.ReAlert/time.Second))
	p.SetBool(KeySilentCriticals, s.SilentCriticals)
	p.SetBool(KeyPauseCriticals, s.PauseCriticals)
	p.SetBool(KeyCompression, s.Compression)
	p.SetBool(KeyStartAtLogin, s.StartAtLogin)
	p.SetStringList(KeyConfirmedRisks, nonNil(s.ConfirmedRisks))
	p.SetInt(KeyVersion, currentPrefsVersion)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clone(s)
}
