package socket

import (
	"bytes"
	stdjson "encoding/json"
	"fmt"

	json "github.com/goccy/go-json"
)

// SendOption changes how one Send or Emit behaves.
type SendOption interface{ apply(*sendConfig) }

type sendConfig struct{ noBuffer bool }

type noBufferOption struct{}

func (noBufferOption) apply(c *sendConfig) { c.noBuffer = true }

// NoBuffer makes Send and Emit fail with ErrNotConnected instead of
// buffering when the client is not connected (WarpKit's {buffer: false}). A
// NoBuffer message that was accepted but not yet written when the connection
// drops is discarded rather than sent on the next connection: it was meant
// for this one.
var NoBuffer SendOption = noBufferOption{}

// pingFrame and pongFrame are the built-in keep-alive.
var (
	pingFrame = []byte("2")
	pongFrame = []byte("3")
)

// EncodeMessage builds the wire frame for an outgoing message: the payload's
// fields flattened next to "type", as WarpKit's emit puts them on the wire
// ({"type":"auth","token":"t"}). A nil payload gives {"type":name}. A payload
// that is not a JSON object fails with ErrNotObject, one with its own "type"
// field with ErrTypeField, an empty name with ErrNoName.
func EncodeMessage(name string, data any) ([]byte, error) {
	if name == "" {
		return nil, ErrNoName
	}
	nameJSON, err := json.Marshal(name)
	if err != nil {
		return nil, err
	}
	var body []byte
	if data != nil {
		body, err = json.Marshal(data)
		if err != nil {
			return nil, fmt.Errorf("socket: encode %q: %w", name, err)
		}
		body = bytes.TrimSpace(body)
	}
	if len(body) == 0 || bytes.Equal(body, []byte("null")) {
		return append(append([]byte(`{"type":`), nameJSON...), '}'), nil
	}
	if body[0] != '{' {
		return nil, fmt.Errorf("socket: encode %q: %w", name, ErrNotObject)
	}
	var fields map[string]stdjson.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return nil, fmt.Errorf("socket: encode %q: %w", name, err)
	}
	if _, ok := fields["type"]; ok {
		return nil, fmt.Errorf("socket: encode %q: %w", name, ErrTypeField)
	}
	out := make([]byte, 0, len(body)+len(nameJSON)+9)
	out = append(out, `{"type":`...)
	out = append(out, nameJSON...)
	if len(fields) > 0 {
		out = append(out, ',')
		out = append(out, bytes.TrimSpace(body[1:])...)
	} else {
		out = append(out, '}')
	}
	return out, nil
}
