package settings

import (
	"errors"
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
	KeyVersion          = "settings.version"
	KeyServerURL        = "settings.serverURL"
	KeyRooms            = "settings.rooms"
	KeyCatchupURL       = "settings.catchupURL"
	KeyMinSeverity      = "settings.minSeverity"
	KeyMutedRooms       = "settings.mutedRooms"
	KeyQuietEnabled     = "settings.quietHours.enabled"
	KeyQuietStart       = "settings.quietHours.start"
	KeyQuietEnd         = "settings.quietHours.end"
	KeyOutageNotice     = "settings.outageNoticeSeconds"
	KeyPauseCriticals   = "settings.pauseCriticals"
	KeyCompression      = "settings.compression"
	KeyStartAtLogin     = "settings.startAtLogin"
	KeyConfirmedRisks   = "settings.confirmedRisks"
	currentPrefsVersion = 1
)

// Load reads the settings Save stored. When nothing was stored yet it
// returns Default() and a nil error (ServerURL is then empty: the built-in
// demo server). When the stored values do not validate (an edited
// file), it returns them anyway, so a form can show them, with the
// validation error.
func Load(p Prefs) (Settings, error) {
	s := Default()
	if p.Int(KeyVersion) == 0 {
		return s, nil
	}
	s.ServerURL = p.String(KeyServerURL)
	s.Rooms = slices.Clone(p.StringList(KeyRooms))
	s.CatchupURL = p.String(KeyCatchupURL)
	if v := p.String(KeyMinSeverity); v != "" {
		s.MinSeverity = Severity(v)
	}
	s.MutedRooms = slices.Clone(p.StringList(KeyMutedRooms))
	q, qerr := ParseQuietHours(p.Bool(KeyQuietEnabled), p.String(KeyQuietStart), p.String(KeyQuietEnd))
	if qerr == nil {
		s.QuietHours = q
	}
	s.OutageNotice = time.Duration(p.Int(KeyOutageNotice)) * time.Second
	s.PauseCriticals = p.Bool(KeyPauseCriticals) // missing: false, the default
	s.Compression = p.Bool(KeyCompression)
	s.StartAtLogin = p.Bool(KeyStartAtLogin)
	s.ConfirmedRisks = slices.Clone(p.StringList(KeyConfirmedRisks))
	s = s.Normalize()
	return s, errors.Join(s.Validate(), qerr)
}

// Stored reports whether Save has stored settings in p.
func Stored(p Prefs) bool { return p.Int(KeyVersion) != 0 }

// Save validates s (after Normalize) and stores it. It stores nothing and
// returns the validation error when s is invalid. On a *File, all keys are
// written in one atomic write, and the write's error is returned.
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
	p.SetString(KeyServerURL, s.ServerURL)
	p.SetStringList(KeyRooms, nonNil(s.Rooms))
	p.SetString(KeyCatchupURL, s.CatchupURL)
	p.SetString(KeyMinSeverity, string(s.MinSeverity))
	p.SetStringList(KeyMutedRooms, nonNil(s.MutedRooms))
	p.SetBool(KeyQuietEnabled, s.QuietHours.Enabled)
	p.SetString(KeyQuietStart, s.QuietHours.Start.String())
	p.SetString(KeyQuietEnd, s.QuietHours.End.String())
	p.SetInt(KeyOutageNotice, int(s.OutageNotice/time.Second))
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
