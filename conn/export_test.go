package conn

// Fetch is fetch, for the catch-up tests.
var Fetch = FetchSnapshot

// MaxSnapshotBytes bounds a catch-up response.
const MaxSnapshotBytes = maxSnapshotBytes

// LinkOf is linkOf, for the table test of the words.
var LinkOf = linkOf

// TokenError wraps err as a failure of Options.Token.
func TokenError(err error) error { return &tokenError{err: err} }

// NextDial is nextDial.
var NextDial = nextDial

// Describe is describe with no default words.
func Describe(err error) string { return describe(err, "") }

// CatchUpBase is the catch-up URL in force, without rooms.
func CatchUpBase(c *Conn) string {
	_, base := c.current()
	return base.String()
}
