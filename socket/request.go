package socket

import (
	"bytes"
	stdjson "encoding/json"
	"errors"
	"fmt"

	json "github.com/goccy/go-json"
)

// Request describes one kind of request: its name on the wire and the Go
// types of its payload and of its reply. Like Message, it is a small
// immutable value meant to be declared once as a package-level variable:
//
//	var AckIncident = socket.DefineRequest[Ack, AckResult]("incident.acknowledge")
//
// and used with Call.
type Request[Req, Resp any] struct {
	name string
}

// DefineRequest declares a request named name whose payload is a Req and
// whose reply data decodes into a Resp. If Req or Resp (or a pointer to it)
// implements Validator, Call validates the payload before sending and the
// reply after decoding.
func DefineRequest[Req, Resp any](name string) Request[Req, Resp] {
	return Request[Req, Resp]{name: name}
}

// Name returns the request name as it appears on the wire.
func (r Request[Req, Resp]) Name() string { return r.name }

// replyName is the envelope name of every reply. Replies belong to the
// client: they complete calls and never reach handlers.
const replyName = "reply"

var (
	// ErrConnectionLost is matched by the error Call returns when the
	// request was written but its connection ended before the reply came.
	// The server may or may not have acted on it: retry only requests whose
	// handling is idempotent.
	ErrConnectionLost = errors.New("socket: connection lost before the reply")
	// ErrRefField is returned by Call when the payload has its own "ref"
	// field, which the wire format reserves for matching the reply.
	ErrRefField = errors.New(`socket: payload has a "ref" field`)
)

// RemoteError is the server's refusal of a request: a reply with ok false.
// Call returns it wrapped; find it with errors.As.
type RemoteError struct {
	Code    string // machine-readable, e.g. "not_found"
	Message string // for people, e.g. "no such incident"
}

func (e *RemoteError) Error() string {
	switch {
	case e.Code == "" && e.Message == "":
		return "socket: the server refused the request"
	case e.Message == "":
		return "socket: the server refused the request: " + e.Code
	case e.Code == "":
		return "socket: the server refused the request: " + e.Message
	}
	return fmt.Sprintf("socket: the server refused the request: %s: %s", e.Code, e.Message)
}

// encodeRequest builds a request frame: the payload's fields flattened next
// to "type" and "ref", {"type":name,"ref":ref,...}. It fails as
// EncodeMessage does, and with ErrRefField for a payload with its own "ref".
func encodeRequest(name, ref string, data any) ([]byte, error) {
	nameJSON, err := json.Marshal(name)
	if err != nil {
		return nil, err
	}
	var body []byte
	if data != nil {
		if body, err = json.Marshal(data); err != nil {
			return nil, fmt.Errorf("socket: encode %q: %w", name, err)
		}
		body = bytes.TrimSpace(body)
	}
	if len(body) == 0 || bytes.Equal(body, []byte("null")) {
		body = []byte("{}")
	}
	if body[0] != '{' {
		return nil, fmt.Errorf("socket: encode %q: %w", name, ErrNotObject)
	}
	if err := checkReserved(body); err != nil {
		return nil, fmt.Errorf("socket: encode %q: %w", name, err)
	}
	out := make([]byte, 0, len(nameJSON)+len(ref)+len(body)+20)
	out = append(out, `{"type":`...)
	out = append(out, nameJSON...)
	out = append(out, `,"ref":"`...)
	out = append(out, ref...) // digits: nothing to escape
	out = append(out, '"')
	rest := bytes.TrimSpace(body[1:])
	if len(rest) == 0 {
		return nil, fmt.Errorf("socket: encode %q: %w", name, ErrNotObject)
	}
	if rest[0] != '}' {
		out = append(out, ',')
		out = append(out, rest...)
	} else {
		out = append(out, '}')
	}
	return out, nil
}

// checkReserved fails for a JSON object with its own "type" or "ref" key.
// Without a backslash in it, every key of the object appears literally, so
// an object that does not contain the quoted words cannot have those keys:
// the common case costs a byte search, not a decode.
func checkReserved(obj []byte) error {
	if !bytes.Contains(obj, []byte(`"type"`)) && !bytes.Contains(obj, []byte(`"ref"`)) &&
		bytes.IndexByte(obj, '\\') < 0 {
		return nil
	}
	var fields map[string]stdjson.RawMessage
	if err := json.Unmarshal(obj, &fields); err != nil {
		return err
	}
	if _, ok := fields["type"]; ok {
		return ErrTypeField
	}
	if _, ok := fields["ref"]; ok {
		return ErrRefField
	}
	return nil
}

// reply is the data of a "reply" envelope:
// {"ref":"17","ok":true,"data":{…}} or
// {"ref":"17","ok":false,"error":{"code":"…","message":"…"}}.
type reply struct {
	Ref   string             `json:"ref"`
	OK    bool               `json:"ok"`
	Data  stdjson.RawMessage `json:"data"`
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// parseReply decodes a reply envelope's data. When the reply as a whole is
// malformed it still returns the ref if one can be read, with the error.
func parseReply(data []byte) (reply, error) {
	var r reply
	if err := json.Unmarshal(data, &r); err != nil {
		var refOnly struct {
			Ref string `json:"ref"`
		}
		_ = json.Unmarshal(data, &refOnly)
		return reply{Ref: refOnly.Ref}, err
	}
	return r, nil
}

// result turns a well-formed reply into what the caller gets: the data, or
// a *RemoteError.
func (r reply) result() callResult {
	if r.OK {
		return callResult{data: r.Data}
	}
	re := &RemoteError{}
	if r.Error != nil {
		re.Code, re.Message = r.Error.Code, r.Error.Message
	}
	return callResult{err: re}
}
