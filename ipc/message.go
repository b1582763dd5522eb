package ipc

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/warpdesk/warpdesk/history"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// DefaultMaxLine is Options.MaxLine's default: room for tens of thousands
// of incidents in one State.
const DefaultMaxLine = 16 << 20

// MaxCommandLine is the most a Server reads of one line from the window
// unless Options.MaxLine is smaller: the window sends commands and
// history searches (a query of at most history.MaxQueryLen bytes), never
// more than a few hundred bytes, so a longer line is a broken peer, and
// the agent, which lives long, does not buffer megabytes of it.
const MaxCommandLine = 64 << 10

// Options tune a link. The zero value is ready to use.
type Options struct {
	// MaxLine bounds one received line in bytes; a longer one ends the
	// link with ErrLineTooLong. Zero means DefaultMaxLine. A Server reads
	// at most MaxCommandLine of a line whatever MaxLine says.
	MaxLine int
	// History answers the window's history searches (Server only); nil
	// answers them with ErrNoHistory.
	History History
	// Logger receives the commands a Remote will not send (ErrBusy, an
	// ended link, an invalid argument) when given through a store.Commands
	// method, which cannot return an error. Nil means slog.Default().
	Logger *slog.Logger
}

func (o Options) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.Default()
	}
	return o.Logger
}

func (o Options) maxLine() int {
	if o.MaxLine <= 0 {
		return DefaultMaxLine
	}
	return o.MaxLine
}

// commandLine is the bound of a line the Server reads from the window.
func (o Options) commandLine() int { return min(o.maxLine(), MaxCommandLine) }

// Message types on the wire.
const (
	typeState           = "state"
	typeShow            = "show"
	typeShowSettings    = "showSettings"
	typeShowIncident    = "showIncident"
	typeAck             = "ack"
	typeAckAllCritical  = "ackAllCritical"
	typeReconnect       = "reconnect"
	typePause           = "pause"
	typeSettingsChanged = "settingsChanged"
	typeHistory         = "history"       // window → agent: a search (history.go)
	typeHistoryResult   = "historyResult" // agent → window: its answer
)

// maxServerLen bounds a server ID in a command (settings' IDs are short).
const maxServerLen = 128

// message is one line of the protocol; which fields are set depends on T.
type message struct {
	T     string       `json:"t"`
	State *store.State `json:"state,omitempty"`
	// Server is the server's ID for ack, ackAllCritical and reconnect (""
	// the one server for ack, every server for the others).
	Server string    `json:"server,omitempty"`
	UUID   string    `json:"uuid,omitempty"`
	Until  time.Time `json:"until,omitzero"`
	// ID, Query, Limit, Records, More and Err are a history search and
	// its answer (history.go).
	ID      uint64           `json:"id,omitempty"`
	Query   string           `json:"query,omitempty"`
	Limit   int              `json:"limit,omitempty"`
	Records []history.Record `json:"records,omitempty"`
	More    bool             `json:"more,omitempty"`
	Err     string           `json:"err,omitempty"`
}

// check reports whether m is a complete message of a type the receiving
// side accepts.
func (m message) check(accept ...string) error {
	ok := false
	for _, t := range accept {
		ok = ok || m.T == t
	}
	switch {
	case !ok:
		return fmt.Errorf("%w: unexpected type %q", ErrMalformed, m.T)
	case m.T == typeState && m.State == nil:
		return fmt.Errorf("%w: state message without a state", ErrMalformed)
	case (m.T == typeAck || m.T == typeShowIncident) && (m.UUID == "" || len(m.UUID) > ops.MaxUUIDLen):
		return fmt.Errorf("%w: %s needs a uuid of 1 to %d bytes", ErrMalformed, m.T, ops.MaxUUIDLen)
	case m.T == typeHistory || m.T == typeHistoryResult:
		if m.ID == 0 {
			return fmt.Errorf("%w: %s without an id", ErrMalformed, m.T)
		}
		return checkQuery(m.Query, m.Limit)
	case len(m.Server) > maxServerLen:
		return fmt.Errorf("%w: a server ID is at most %d bytes", ErrMalformed, maxServerLen)
	}
	return nil
}

// lineReader reads messages, one a line, bounded in size.
type lineReader struct {
	sc   *bufio.Scanner
	line int
}

func newLineReader(r io.Reader, max int) *lineReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, min(max, 64<<10)), max)
	return &lineReader{sc: sc}
}

// next returns the next message, or why there is none: ErrPeerClosed at
// the end of input, ErrLineTooLong, ErrMalformed.
func (lr *lineReader) next() (message, error) {
	if !lr.sc.Scan() {
		err := lr.sc.Err()
		switch {
		case err == nil:
			return message{}, ErrPeerClosed
		case errors.Is(err, bufio.ErrTooLong):
			return message{}, fmt.Errorf("%w: line %d", ErrLineTooLong, lr.line+1)
		default:
			return message{}, fmt.Errorf("%w (read: %w)", ErrPeerClosed, err)
		}
	}
	lr.line++
	var m message
	if err := json.Unmarshal(lr.sc.Bytes(), &m); err != nil {
		return message{}, fmt.Errorf("%w: line %d: %v", ErrMalformed, lr.line, err)
	}
	return m, nil
}

// writeMessage writes m as one line, in one Write.
func writeMessage(w io.Writer, m message) error {
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("ipc: encode %s: %w", m.T, err)
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("%w (write: %w)", ErrPeerClosed, err)
	}
	return nil
}

// closeIfCloser closes v when it is an io.Closer, ignoring the error:
// the link is over either way.
func closeIfCloser(v any) {
	if c, ok := v.(io.Closer); ok {
		_ = c.Close()
	}
}
