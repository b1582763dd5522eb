package settings

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxRoomLen is the longest room name, in characters (runes).
const MaxRoomLen = 64

// ValidateServerURL checks a WebSocket server URL: ws:// or wss://, a host,
// no user:password (the token has its own field) and no fragment. The error
// is a *FieldError matching ErrInvalidServerURL.
func ValidateServerURL(raw string) error {
	const field = "ServerURL"
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return fieldErr(field, ErrInvalidServerURL, "enter the server URL, e.g. wss://ops.example.com/ws")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fieldErr(field, ErrInvalidServerURL, "server URL is not a valid URL")
	}
	if u.Scheme != "ws" && u.Scheme != "wss" {
		return fieldErr(field, ErrInvalidServerURL, "server URL must start with ws:// or wss://")
	}
	if u.Opaque != "" || u.Hostname() == "" {
		return fieldErr(field, ErrInvalidServerURL, "server URL needs a host, e.g. %s://ops.example.com/ws", u.Scheme)
	}
	if u.User != nil {
		return credentialsErr(field, ErrInvalidServerURL, "server URL must not contain a user or password")
	}
	if p := credentialParam(u.Query()); p != "" {
		return credentialsErr(field, ErrInvalidServerURL, "server URL must not carry the token (?%s=…)", p)
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return fieldErr(field, ErrInvalidServerURL, "server URL must not contain a #fragment")
	}
	if p := u.Port(); p != "" && !validPort(p) {
		return fieldErr(field, ErrInvalidServerURL, "server URL port %q is not between 1 and 65535", p)
	}
	return nil
}

// ValidateCatchupURL checks the optional catch-up URL override: empty, or
// http:// or https:// with a host. The error is a *FieldError matching
// ErrInvalidCatchupURL.
func ValidateCatchupURL(raw string) error {
	const field = "CatchupURL"
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fieldErr(field, ErrInvalidCatchupURL, "catch-up URL is not a valid URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fieldErr(field, ErrInvalidCatchupURL, "catch-up URL must start with http:// or https:// (or be empty)")
	}
	if u.Opaque != "" || u.Hostname() == "" {
		return fieldErr(field, ErrInvalidCatchupURL, "catch-up URL needs a host")
	}
	if u.User != nil {
		return credentialsErr(field, ErrInvalidCatchupURL, "catch-up URL must not contain a user or password")
	}
	if p := credentialParam(u.Query()); p != "" {
		return credentialsErr(field, ErrInvalidCatchupURL, "catch-up URL must not carry the token (?%s=…)", p)
	}
	if p := u.Port(); p != "" && !validPort(p) {
		return fieldErr(field, ErrInvalidCatchupURL, "catch-up URL port %q is not between 1 and 65535", p)
	}
	return nil
}

// credentialsErr is a URL refused because it carries a credential: it
// matches both sentinel and ErrCredentialsInURL, and the message sends the
// user to the token field, which keeps the token in the system keyring
// instead of the settings file.
func credentialsErr(field string, sentinel error, format string, args ...any) *FieldError {
	fe := fieldErr(field, sentinel, format, args...)
	fe.Err = fmt.Errorf("%w: %w", sentinel, ErrCredentialsInURL)
	fe.Msg += "; remove it and paste the token in the token field, which keeps it in the system keyring"
	return fe
}

// credentialParam returns the name of the first query parameter that
// carries a credential (token=, access_token=, api_key=, password=…), or
// "".
func credentialParam(q url.Values) string {
	names := make([]string, 0, len(q))
	for k := range q {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		l := strings.ToLower(k)
		switch {
		case strings.Contains(l, "token"), strings.Contains(l, "secret"), strings.Contains(l, "passw"),
			l == "key", l == "apikey", l == "api_key", l == "api-key", l == "auth", l == "authorization", l == "jwt":
			return k
		}
	}
	return ""
}

func validPort(p string) bool {
	n := 0
	for _, c := range p {
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
		if n > 65535 {
			return false
		}
	}
	return n >= 1
}

func isLoopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ValidateRoom checks one room name: not empty, at most MaxRoomLen
// characters, valid UTF-8 with no whitespace or control characters. The
// error is a *FieldError matching ErrInvalidRoom and one of ErrRoomEmpty,
// ErrRoomWhitespace, ErrRoomTooLong.
func ValidateRoom(name string) error { return validateRoom("Rooms", name) }

func validateRoom(field, name string) error {
	switch {
	case name == "":
		return fieldErr(field, ErrRoomEmpty, "room name is empty")
	case strings.TrimSpace(name) == "":
		return fieldErr(field, ErrRoomEmpty, "room name is empty (only whitespace)")
	case !utf8.ValidString(name):
		return fieldErr(field, ErrRoomWhitespace, "room name is not valid text")
	case strings.IndexFunc(name, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || r == '\u200b' || r == '\ufeff' || unicode.Is(unicode.Cf, r)
	}) >= 0:
		return fieldErr(field, ErrRoomWhitespace, "room %q contains spaces or control characters", printable(name))
	case utf8.RuneCountInString(name) > MaxRoomLen:
		return fieldErr(field, ErrRoomTooLong, "room name is longer than %d characters", MaxRoomLen)
	}
	return nil
}

// NormalizeRoom returns a room name as the server knows it: without
// surrounding whitespace and without leading "#", which people type out of
// chat habit ("#ops" is room "ops"). Whitespace inside stays, for
// ValidateRoom to refuse.
func NormalizeRoom(name string) string {
	return strings.TrimLeft(strings.TrimSpace(name), "#")
}

// AddRoom normalizes name (NormalizeRoom), validates it and appends it to
// rooms, refusing a duplicate ("#ops" when "ops" is listed) with an error
// matching ErrRoomDuplicate. It returns a new slice.
func AddRoom(rooms []string, name string) ([]string, error) {
	name = NormalizeRoom(name)
	if err := ValidateRoom(name); err != nil {
		return rooms, err
	}
	if slices.ContainsFunc(rooms, func(r string) bool { return NormalizeRoom(r) == name }) {
		return rooms, fieldErr("Rooms", ErrRoomDuplicate, "room %q is already in the list", name)
	}
	return append(slices.Clone(rooms), name), nil
}

// RemoveRoom returns rooms without name, compared after NormalizeRoom (a
// new slice).
func RemoveRoom(rooms []string, name string) []string {
	name = NormalizeRoom(name)
	return slices.DeleteFunc(slices.Clone(rooms), func(r string) bool { return NormalizeRoom(r) == name })
}

func validateRooms(field string, rooms []string) []error {
	var errs []error
	seen := make(map[string]bool, len(rooms))
	for _, r := range rooms {
		n := NormalizeRoom(r)
		if err := validateRoom(field, n); err != nil {
			errs = append(errs, err)
			continue
		}
		if seen[n] {
			errs = append(errs, fieldErr(field, ErrRoomDuplicate, "room %q is listed twice", n))
			continue
		}
		seen[n] = true
	}
	return errs
}

// printable shortens a name and makes control characters visible, for
// error messages.
func printable(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i >= 80 {
			b.WriteString("…")
			break
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			b.WriteRune('�')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
