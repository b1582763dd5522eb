package socket

import (
	"bytes"
	stdjson "encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// Envelope is a message as the server sent it: {"name", "data", "timestamp"}.
// Data has already lost the keys __proto__, constructor and prototype at
// every depth.
type Envelope struct {
	// Name is the message name, e.g. "incident.created".
	Name string
	// Data is the message payload as JSON. It is never written again once
	// delivered, so a handler may keep it; it shares its receive buffer
	// (32 KiB) with neighbouring frames, which stays alive as long as it is
	// kept: clone it (bytes.Clone) to keep a small payload for long.
	Data stdjson.RawMessage
	// Timestamp is when the server emitted the message (zero if absent).
	Timestamp time.Time
}

// dangerousKeys are stripped from every object in a payload: they are the
// keys that enable prototype pollution in the JavaScript clients that share
// these servers, and WarpKit strips them, so the Go client does too.
var dangerousKeys = [...]string{"__proto__", "constructor", "prototype"}

// ParseEnvelope validates one text frame and splits it into an Envelope. It
// returns an error matching ErrMalformedFrame for anything that is not a
// JSON object with a non-empty string "name", and one that also matches
// ErrInvalidUTF8 for a frame that is not valid UTF-8. A "timestamp" that is
// absent or null gives the zero Timestamp; one that is not a number (or
// out of range) gives the whole Envelope with a zero Timestamp together
// with an error matching ErrMalformedFrame: env.Name is set only when env
// is usable. Keys match exactly, as in JavaScript; of duplicate keys the
// last one counts. It never panics, whatever the input. The Envelope does
// not share memory with frame.
func ParseEnvelope(frame []byte) (Envelope, error) {
	return parseEnvelope(bytes.Clone(frame), nil)
}

// How ParseEnvelope works, and why (see docs/BENCHMARKS.md for the figures):
// one hand-written pass validates the frame exactly as encoding/json.Valid
// does, finds the top-level name, data and timestamp, and notes whether any
// object key inside data is dangerous or escaped (an escape can spell a
// dangerous key: "__pr\u006fto__"). Only then, rarely, is data decoded
// generically to strip keys. Data is a sub-slice of the frame, so the frame
// must not be reused by the caller. Running encoding/json.Valid and then a
// decoder into a struct of pointers cost ~4× as much and 4 allocations.

// nameCache interns message names per connection, so the common case of a
// few distinct names allocates nothing. It is used by one goroutine.
type nameCache map[string]string

const nameCacheMax = 256

func (nc nameCache) intern(b []byte) string {
	if nc == nil {
		return string(b)
	}
	if s, ok := nc[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(nc) < nameCacheMax {
		nc[s] = s
	}
	return s
}

// parseEnvelope is ParseEnvelope on a frame the caller hands over: the
// Envelope's Data aliases it.
func parseEnvelope(frame []byte, names nameCache) (Envelope, error) {
	var (
		name, data, ts []byte
		nameEsc        bool
		dataRisky      bool
	)
	s := scanner{b: frame}
	i := s.ws(0)
	if i >= len(frame) || frame[i] != '{' {
		return Envelope{}, notJSON(frame, errNotObject)
	}
	i = s.ws(i + 1)
	if i < len(frame) && frame[i] == '}' {
		i++
	} else {
		for {
			if i >= len(frame) || frame[i] != '"' {
				return Envelope{}, notJSON(frame, errNotJSON)
			}
			kStart := i
			end, kEsc, ok := s.str(i)
			if !ok {
				return Envelope{}, notJSON(frame, errNotJSON)
			}
			key := frame[kStart+1 : end-1]
			if kEsc {
				key = unescapeKey(frame[kStart:end])
			}
			i = s.ws(end)
			if i >= len(frame) || frame[i] != ':' {
				return Envelope{}, notJSON(frame, errNotJSON)
			}
			i = s.ws(i + 1)
			vStart := i
			s.risky = false
			if i, ok = s.value(i, 2); !ok {
				return Envelope{}, notJSON(frame, errNotJSON)
			}
			switch string(key) {
			case "name":
				name = frame[vStart:i]
				nameEsc = s.lastEsc
			case "data":
				data, dataRisky = frame[vStart:i:i], s.risky
			case "timestamp":
				ts = frame[vStart:i]
			}
			i = s.ws(i)
			if i < len(frame) && frame[i] == ',' {
				i = s.ws(i + 1)
				continue
			}
			if i < len(frame) && frame[i] == '}' {
				i++
				break
			}
			return Envelope{}, notJSON(frame, errNotJSON)
		}
	}
	if s.ws(i) != len(frame) {
		return Envelope{}, notJSON(frame, errNotJSON)
	}

	var env Envelope
	switch {
	case name == nil || name[0] == 'n': // absent or null
		return Envelope{}, errNoMessageName
	case name[0] != '"':
		return Envelope{}, errNameNotString
	case nameEsc:
		var n string
		if err := stdjson.Unmarshal(name, &n); err != nil {
			return Envelope{}, malformed(err.Error())
		}
		env.Name = n
	default:
		env.Name = names.intern(name[1 : len(name)-1])
	}
	if env.Name == "" {
		return Envelope{}, errNoMessageName
	}
	env.Data = stdjson.RawMessage("null")
	if data != nil {
		env.Data = data
	}
	if dataRisky {
		clean, err := stripSlow(data)
		if err != nil {
			return Envelope{}, malformed(err.Error())
		}
		env.Data = clean
	}
	var err error
	env.Timestamp, err = timestamp(ts)
	if err != nil {
		err = fmt.Errorf("%w: message %q: %v; delivered without it", ErrMalformedFrame, env.Name, err)
	}
	return env, err
}

// timestamp decodes the timestamp field: Unix milliseconds, absent or null
// meaning the zero time.
func timestamp(ts []byte) (time.Time, error) {
	if ts == nil || ts[0] == 'n' {
		return time.Time{}, nil
	}
	if ts[0] != '-' && (ts[0] < '0' || ts[0] > '9') {
		return time.Time{}, errors.New("timestamp is not a number")
	}
	ms, ok := smallInt(ts)
	if !ok {
		f, err := strconv.ParseFloat(string(ts), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e15 {
			return time.Time{}, errors.New("timestamp out of range")
		}
		ms = int64(f)
	}
	return time.UnixMilli(ms), nil
}

// smallInt parses a plain non-negative integer of at most 15 digits, the
// usual form of a timestamp, without strconv.
func smallInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 15 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

func malformed(why string) error { return fmt.Errorf("%w: %s", ErrMalformedFrame, why) }

// The fixed reasons a frame is malformed, made once: a flood of junk
// costs no allocation per frame.
var (
	errNotObject     = malformed("not a JSON object")
	errNotJSON       = malformed("not valid JSON")
	errNoMessageName = malformed("no message name")
	errNameNotString = malformed("message name is not a string")
	errNotUTF8       = fmt.Errorf("%w: %w", ErrMalformedFrame, ErrInvalidUTF8)
)

// notJSON is the error for a frame that failed to scan: invalid UTF-8 if
// that is why, which fails the connection, or else why.
func notJSON(frame []byte, why error) error {
	if !utf8.Valid(frame) {
		return errNotUTF8
	}
	return why
}

// unescapeKey decodes a quoted JSON string with escapes; on failure it
// returns a key that matches nothing.
func unescapeKey(quoted []byte) []byte {
	var k string
	if stdjson.Unmarshal(quoted, &k) != nil {
		return nil
	}
	return []byte(k)
}

// StripDangerousKeys returns data without the keys __proto__, constructor
// and prototype in any object at any depth. Data whose object keys are
// neither dangerous nor escaped (an escape could spell a dangerous key) is
// returned as is, without re-encoding: that is the common case and costs one
// scan. Invalid JSON is an error, and so is a string that is not valid
// UTF-8 (which encoding/json would silently replace with U+FFFD).
func StripDangerousKeys(data []byte) ([]byte, error) {
	s := scanner{b: data}
	i := s.ws(0)
	end, ok := s.value(i, 1)
	if !ok || s.ws(end) != len(data) {
		return nil, fmt.Errorf("socket: strip: invalid JSON")
	}
	if !s.risky {
		return data, nil
	}
	return stripSlow(data)
}

// stripSlow decodes data generically, deletes the dangerous keys and
// re-encodes it if it removed any.
func stripSlow(data []byte) ([]byte, error) {
	dec := stdjson.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if !strip(v) {
		return data, nil
	}
	return stdjson.Marshal(v)
}

// strip removes dangerous keys in place and reports whether it removed any.
func strip(v any) bool {
	removed := false
	switch t := v.(type) {
	case map[string]any:
		for _, k := range dangerousKeys {
			if _, ok := t[k]; ok {
				delete(t, k)
				removed = true
			}
		}
		for _, child := range t {
			if strip(child) {
				removed = true
			}
		}
	case []any:
		for _, child := range t {
			if strip(child) {
				removed = true
			}
		}
	}
	return removed
}
