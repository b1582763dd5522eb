package settings

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Server is one ops server Warpdesk watches (issue 12: several at once).
// Settings.Servers is the list of them; a settings file of the
// single-server version becomes a list of one (Load), with ID
// DefaultServerID.
//
// The server's token is not here: it lives in the keyring under
// TokenUser(URL) (TokenStore), so a server migrated from the single-server
// version finds the token that version stored.
type Server struct {
	// ID is the server's stable key, made once when the server is added
	// (NewServerID) and kept when it is renamed or edited:
	// store.ServerState.ID, the incidents' Server, the per-server commands.
	ID string
	// Name is what the user calls it ("Production"); "" shows the URL
	// (Label).
	Name string
	// URL is the WebSocket URL, ws:// or wss://; "" is the built-in demo
	// server (IsDemo; at most one), whose address changes on every start
	// and is therefore never stored.
	URL string
	// Rooms are joined after every connect, in this order.
	Rooms []string
	// CatchupURL overrides the http(s) URL the app fetches current
	// incidents from after a (re)connect; "" derives it from URL.
	CatchupURL string
	// Disabled servers are kept in the list but not connected. Named for
	// the exception so that the zero value is a watched server.
	Disabled bool
	// Muted servers are watched and shown but never notify.
	Muted bool
}

// DefaultServerID is the ID of the one server of Default() and of the
// server a single-server settings file migrates to. It is fixed, not
// random, so that every process loading a file not yet saved again agrees
// on it.
const DefaultServerID = "default"

// MaxServers bounds the servers list; Validate refuses more.
const MaxServers = 32

// MaxServerIDLen is the longest server ID, in bytes. The ID travels in
// the window's commands (acknowledge, reconnect), which refuse longer
// ones; NewServerID's are 10 bytes.
const MaxServerIDLen = 64

// MaxServerNameLen is the longest server name, in characters (runes).
const MaxServerNameLen = 64

// DemoLabel is how the built-in demo server is named when it has no name.
const DemoLabel = "Demo server"

// IsDemo reports whether sv is the built-in demo server: URL is empty (or
// only whitespace).
func (sv Server) IsDemo() bool { return strings.TrimSpace(sv.URL) == "" }

// Label is the server's name for display: Name, else the URL without
// credentials or query (RedactURL), else DemoLabel.
func (sv Server) Label() string {
	switch {
	case strings.TrimSpace(sv.Name) != "":
		return strings.TrimSpace(sv.Name)
	case sv.IsDemo():
		return DemoLabel
	}
	return RedactURL(sv.URL)
}

// Clone returns a deep copy.
func (sv Server) Clone() Server {
	sv.Rooms = slices.Clone(sv.Rooms)
	return sv
}

// Normalize trims surrounding whitespace from the name and the URLs, which
// a paste easily adds, and writes room names without their leading "#"
// (NormalizeRoom).
func (sv Server) Normalize() Server {
	sv = sv.Clone()
	sv.ID = strings.TrimSpace(sv.ID)
	sv.Name = strings.TrimSpace(sv.Name)
	sv.URL = strings.TrimSpace(sv.URL)
	sv.CatchupURL = strings.TrimSpace(sv.CatchupURL)
	for i, r := range sv.Rooms {
		sv.Rooms[i] = NormalizeRoom(r)
	}
	return sv
}

// Validate checks one server on its own: its URL (unless it is the demo
// server), rooms, catch-up URL, name and ID (at most MaxServerIDLen
// bytes, no spaces or control characters). Every error is a *FieldError
// whose Server is sv.ID, joined. Settings.Validate adds the checks across
// servers (duplicates).
func (sv Server) Validate() error {
	var errs []error
	switch id := strings.TrimSpace(sv.ID); {
	case id == "":
		errs = append(errs, fieldErr("ServerID", ErrInvalidServerID, "server has no ID"))
	case len(id) > MaxServerIDLen || !utf8.ValidString(id) ||
		strings.IndexFunc(id, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) >= 0:
		errs = append(errs, fieldErr("ServerID", ErrInvalidServerID,
			"server ID %q must be at most %d bytes, without spaces or control characters", printable(id), MaxServerIDLen))
	}
	if utf8.RuneCountInString(strings.TrimSpace(sv.Name)) > MaxServerNameLen || !utf8.ValidString(sv.Name) ||
		strings.IndexFunc(sv.Name, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) >= 0 {
		errs = append(errs, fieldErr("ServerName", ErrInvalidServerName,
			"server name must be text of at most %d characters, without control characters", MaxServerNameLen))
	}
	if !sv.IsDemo() {
		if err := ValidateServerURL(sv.URL); err != nil {
			errs = append(errs, err)
		}
	}
	errs = append(errs, validateRooms("Rooms", sv.Rooms)...)
	if err := ValidateCatchupURL(sv.CatchupURL); err != nil {
		errs = append(errs, err)
	}
	return inServer(sv.ID, errs)
}

// inServer sets Server on every *FieldError in errs and joins them.
func inServer(id string, errs []error) error {
	for _, e := range errs {
		var fe *FieldError
		if errors.As(e, &fe) {
			fe.Server = id
		}
	}
	return errors.Join(errs...)
}

// validateServers checks the list as a whole: not too long, every server
// valid on its own, IDs unique, no two servers with the same URL (after
// normalising, SameServer) or keyring entry (TokenUser: they would share
// one token, and removing one would delete the other's), at most one demo
// server, names unique (case-insensitively) where given.
func validateServers(list []Server) []error {
	var errs []error
	if len(list) > MaxServers {
		errs = append(errs, fieldErr("Servers", ErrTooManyServers, "at most %d servers can be watched", MaxServers))
		return errs
	}
	ids, names, users := map[string]bool{}, map[string]bool{}, map[string]string{}
	demos := 0
	for i, sv := range list {
		sv = sv.Normalize()
		if err := sv.Validate(); err != nil {
			errs = append(errs, err)
		}
		var own []error
		if sv.ID != "" && ids[sv.ID] {
			own = append(own, fieldErr("ServerID", ErrInvalidServerID, "server ID %q is used twice", printable(sv.ID)))
		}
		ids[sv.ID] = true
		if n := strings.ToLower(sv.Name); n != "" {
			if names[n] {
				own = append(own, fieldErr("ServerName", ErrDuplicateServerName, "another server is already named %q", printable(sv.Name)))
			}
			names[n] = true
		}
		if sv.IsDemo() {
			if demos++; demos > 1 {
				own = append(own, fieldErr("ServerURL", ErrDuplicateServer, "the built-in demo server is already in the list"))
			}
		} else if dup := duplicateOf(list[:i], sv.URL); dup != "" {
			own = append(own, fieldErr("ServerURL", ErrDuplicateServer, "%s is already in the list (%s)", RedactURL(sv.URL), dup))
		} else if other, ok := users[TokenUser(sv.URL)]; ok && ValidateServerURL(sv.URL) == nil {
			own = append(own, fieldErr("ServerURL", ErrDuplicateServer,
				"%s is on the same host as %s, and a host has one token in the keyring: watch one of them", RedactURL(sv.URL), other))
		}
		if !sv.IsDemo() && ValidateServerURL(sv.URL) == nil {
			if _, ok := users[TokenUser(sv.URL)]; !ok {
				users[TokenUser(sv.URL)] = sv.Label()
			}
		}
		if err := inServer(sv.ID, own); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// duplicateOf returns the label of the first server in list with the same
// URL as u (SameServer), or "".
func duplicateOf(list []Server, u string) string {
	for _, o := range list {
		if !o.IsDemo() && SameServer(o.URL, u) {
			return o.Label()
		}
	}
	return ""
}

// NewServerID returns an ID no server in list has: "s-" and 8 random hex
// digits. It is for a server the user adds; IDs are never derived from the
// URL, so editing the URL keeps the server's identity.
func NewServerID(list []Server) string { return newServerID(list, rand.Reader) }

func newServerID(list []Server, random io.Reader) string {
	b := make([]byte, 4)
	for i := 0; ; i++ {
		if _, err := io.ReadFull(random, b); err != nil || i > 100 {
			// A failing source: count up instead; still unique.
			for n := len(list) + 1; ; n++ {
				id := "s-" + hex.EncodeToString([]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
				if !hasID(list, id) {
					return id
				}
			}
		}
		if id := "s-" + hex.EncodeToString(b); !hasID(list, id) {
			return id
		}
	}
}

func hasID(list []Server, id string) bool {
	return slices.ContainsFunc(list, func(s Server) bool { return s.ID == id })
}

// Server returns the server with ID id, and false when there is none.
func (s Settings) Server(id string) (Server, bool) {
	for _, sv := range s.Servers {
		if sv.ID == id {
			return sv.Clone(), true
		}
	}
	return Server{}, false
}

// Enabled returns the servers to connect to (not Disabled), in order.
func (s Settings) Enabled() []Server {
	var out []Server
	for _, sv := range s.Servers {
		if !sv.Disabled {
			out = append(out, sv.Clone())
		}
	}
	return out
}

// Primary returns the first enabled server, and false when none is
// enabled. It serves code that still follows one server.
func (s Settings) Primary() (Server, bool) {
	if en := s.Enabled(); len(en) > 0 {
		return en[0], true
	}
	return Server{}, false
}

// ServerFor returns the server whose URL names the same endpoint as url
// (SameServer), and false when none does. The demo server has no URL and
// is never found.
func (s Settings) ServerFor(url string) (Server, bool) {
	for _, sv := range s.Servers {
		if !sv.IsDemo() && SameServer(sv.URL, url) {
			return sv.Clone(), true
		}
	}
	return Server{}, false
}
