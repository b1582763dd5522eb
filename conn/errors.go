package conn

import (
	"errors"
	"fmt"
	"net/http"
)

var (
	// ErrClosed is returned by methods called after Close.
	ErrClosed = errors.New("conn: closed")
	// ErrCatchUpURL is matched by the error for a catch-up URL that cannot
	// work (not http(s), no host), or a server URL it cannot be derived from.
	ErrCatchUpURL = errors.New("conn: bad catch-up URL")
	// ErrCatchUpRefused is matched by a catch-up the server answered with
	// 401 or 403: the token is missing or wrong.
	ErrCatchUpRefused = errors.New("the server refused the token")
	// ErrBadSnapshot is matched by a catch-up response that is not a
	// snapshot (not JSON, too large).
	ErrBadSnapshot = errors.New("the response is not a list of incidents")
	// ErrToken is matched by a dial or catch-up that could not have its
	// token (Options.Token failed).
	ErrToken = errors.New("token unavailable")
)

// StatusError is a catch-up the server answered with an HTTP status other
// than 200.
type StatusError struct {
	Code int
	Err  error // ErrCatchUpRefused for 401 and 403, else nil
}

func (e *StatusError) Error() string {
	s := fmt.Sprintf("server answered %d %s", e.Code, http.StatusText(e.Code))
	if e.Err != nil {
		s = e.Err.Error() + " (" + s + ")"
	}
	return s
}

func (e *StatusError) Unwrap() error { return e.Err }
