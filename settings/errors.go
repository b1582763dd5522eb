package settings

import (
	"errors"
	"fmt"
)

// Validation sentinels. Every error Validate and the Validate* functions
// return wraps one of them (use errors.Is); the finer room errors also match
// ErrInvalidRoom.
var (
	ErrInvalidServerURL    = errors.New("invalid server URL")
	ErrInvalidCatchupURL   = errors.New("invalid catch-up URL")
	ErrInvalidRoom         = errors.New("invalid room name")
	ErrRoomEmpty           = fmt.Errorf("%w: empty", ErrInvalidRoom)
	ErrRoomWhitespace      = fmt.Errorf("%w: contains whitespace or control characters", ErrInvalidRoom)
	ErrRoomTooLong         = fmt.Errorf("%w: longer than %d characters", ErrInvalidRoom, MaxRoomLen)
	ErrRoomDuplicate       = fmt.Errorf("%w: listed twice", ErrInvalidRoom)
	ErrInvalidSeverity     = errors.New("invalid minimum severity")
	ErrInvalidQuietHours   = errors.New("invalid quiet hours")
	ErrInvalidOutageNotice = errors.New("invalid outage notice delay")
	ErrInvalidReAlert      = errors.New("invalid re-alert interval")
	ErrInvalidServerID     = errors.New("invalid server ID")
	ErrInvalidServerName   = errors.New("invalid server name")
	ErrTooManyServers      = fmt.Errorf("too many servers (at most %d)", MaxServers)
	// ErrDuplicateServer: two servers with the same URL (SameServer), the
	// same keyring entry (TokenUser), or two demo servers. It also
	// matches ErrInvalidServerURL.
	ErrDuplicateServer = fmt.Errorf("%w: already in the list", ErrInvalidServerURL)
	// ErrDuplicateServerName: two servers with the same name. It also
	// matches ErrInvalidServerName.
	ErrDuplicateServerName = fmt.Errorf("%w: already in use", ErrInvalidServerName)
	// ErrCredentialsInURL: a server or catch-up URL carries a token,
	// user-info or password; such errors also match ErrInvalidServerURL
	// or ErrInvalidCatchupURL.
	ErrCredentialsInURL = errors.New("credentials in the URL")
)

// FieldError is one invalid setting. Its message is written for the user and
// fits next to the field in a form; errors.Is matches its sentinel.
type FieldError struct {
	// Field names the field: a server's "ServerURL", "Rooms",
	// "CatchupURL", "ServerName" or "ServerID"; the list's "Servers"; or
	// the Settings field "MinSeverity", "MutedRooms", "QuietHours",
	// "OutageNotice" or "ReAlert".
	Field string
	// Server is the ID of the server the field belongs to; "" for the
	// fields that are not a server's (and for ValidateServerURL and
	// ValidateRoom, which check a value alone).
	Server string
	// Err is the sentinel, e.g. ErrRoomDuplicate.
	Err error
	// Msg is the human-readable explanation.
	Msg string
}

func (e *FieldError) Error() string { return e.Msg }

// Unwrap returns the sentinel.
func (e *FieldError) Unwrap() error { return e.Err }

func fieldErr(field string, sentinel error, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Err: sentinel, Msg: fmt.Sprintf(format, args...)}
}

// FieldErrors returns the *FieldError values inside err (as Validate returns
// them, joined), in order.
func FieldErrors(err error) []*FieldError {
	var out []*FieldError
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		if fe, ok := e.(*FieldError); ok {
			out = append(out, fe)
			return
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}
