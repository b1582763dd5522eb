package history

import "errors"

var (
	// ErrLocked: another process (another Warpdesk) holds the history
	// file's lock, and Options.Timeout passed waiting for it.
	ErrLocked = errors.New("history: the history file is in use by another process")
	// ErrCorrupt: the file is not a history store bbolt can read. Open
	// never returns it (it moves such a file aside); Add and Search do when
	// damage shows only later.
	ErrCorrupt = errors.New("history: the history file is corrupt")
	// ErrInvalid: a record or query that cannot be kept or run (an
	// invalid incident, a missing time, a query too long).
	ErrInvalid = errors.New("history: invalid")
	// ErrClosed: the History was closed.
	ErrClosed = errors.New("history: closed")
)
