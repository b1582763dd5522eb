package socket

import (
	"bytes"
	stdjson "encoding/json"
	"fmt"
	"math"
	"time"

	json "github.com/goccy/go-json"
)

// Envelope is a message as the server sent it: {"name", "data", "timestamp"}.
// Data has already lost the keys __proto__, constructor and prototype at
// every depth.
type Envelope struct {
	// Name is the message name, e.g. "incident.created".
	Name string
	// Data is the message payload as JSON.
	Data stdjson.RawMessage
	// Timestamp is when the server emitted the message (zero if absent).
	Timestamp time.Time
}

// wireEnvelope is the decoding target for one frame. Name is a pointer so a
// missing name is told apart from an empty one; Timestamp is a pointer so a
// missing timestamp is told apart from 0.
type wireEnvelope struct {
	Name      *string            `json:"name"`
	Data      stdjson.RawMessage `json:"data"`
	Timestamp *float64           `json:"timestamp"`
}

// dangerousKeys are stripped from every object in a payload: they are the
// keys that enable prototype pollution in the JavaScript clients that share
// these servers, and WarpKit strips them, so the Go client does too.
var dangerousKeys = [...]string{"__proto__", "constructor", "prototype"}

// ParseEnvelope validates one text frame and splits it into an Envelope. It
// returns an error matching ErrMalformedFrame for anything that is not a
// JSON object with a non-empty string "name" and, if present, a numeric
// "timestamp". It never panics, whatever the input.
func ParseEnvelope(frame []byte) (Envelope, error) {
	if !stdjson.Valid(frame) {
		return Envelope{}, fmt.Errorf("%w: not valid JSON", ErrMalformedFrame)
	}
	var w wireEnvelope
	if err := json.Unmarshal(frame, &w); err != nil {
		return Envelope{}, fmt.Errorf("%w: %v", ErrMalformedFrame, err)
	}
	if w.Name == nil || *w.Name == "" {
		return Envelope{}, fmt.Errorf("%w: no message name", ErrMalformedFrame)
	}
	env := Envelope{Name: *w.Name, Data: w.Data}
	if w.Timestamp != nil {
		ms := *w.Timestamp
		if math.IsNaN(ms) || math.IsInf(ms, 0) || math.Abs(ms) > 1e15 {
			return Envelope{}, fmt.Errorf("%w: timestamp out of range", ErrMalformedFrame)
		}
		env.Timestamp = time.UnixMilli(int64(ms))
	}
	if len(env.Data) == 0 {
		env.Data = stdjson.RawMessage("null")
	}
	data, err := StripDangerousKeys(env.Data)
	if err != nil {
		return Envelope{}, fmt.Errorf("%w: %v", ErrMalformedFrame, err)
	}
	env.Data = data
	return env, nil
}

// StripDangerousKeys returns data without the keys __proto__, constructor
// and prototype in any object at any depth. Data that cannot contain them
// (none of the words occurs and no string escape could spell one) is
// returned as is, without re-encoding: that is the common case and costs one
// scan. data must be valid JSON.
func StripDangerousKeys(data []byte) ([]byte, error) {
	if !mayHoldDangerousKey(data) {
		return data, nil
	}
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

// mayHoldDangerousKey reports whether data could hold a dangerous key. A JSON
// escape (\u) can spell a key without its bytes appearing ("__pr\u006fto__"),
// so any escape takes the careful path too.
func mayHoldDangerousKey(data []byte) bool {
	if bytes.Contains(data, []byte(`\u`)) {
		return true
	}
	for _, k := range dangerousKeys {
		if bytes.Contains(data, []byte(k)) {
			return true
		}
	}
	return false
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
