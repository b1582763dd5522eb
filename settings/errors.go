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
	// ErrCredentialsInURL: a server or catch-up URL carries a token,
	// user-info or password; such errors also match ErrInvalidServerURL
	// or ErrInvalidCatchupURL.
	ErrCredentialsInURL = errors.New("credentials in the URL")
)

// FieldError is one invalid setting. Its message is written for the user and
// fits next to the field in a form; errors.Is matches its sentinel.
type FieldError struct {
	// Field names the Settings field: "ServerURL", "Rooms", "CatchupURL",
	// "MinSeverity", "MutedRooms", "QuietHours" or "OutageNotice".
	Field string
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
