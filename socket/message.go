package socket

import (
	"fmt"
	"reflect"

	json "github.com/goccy/go-json"
)

// Message describes one kind of message and the Go type of its payload: the
// Go form of WarpKit's ClientMessage.define. It is a small immutable value,
// meant to be declared once as a package-level variable:
//
//	var IncidentCreated = socket.Define[Incident]("incident.created")
//
// and used with On (receive) and Emit (send).
type Message[T any] struct {
	name      string
	validate  func(T) error
	lifecycle bool // a client event, never matched by a server frame
}

// Validator is implemented by payload types that check themselves. On and
// Emit call Validate after decoding, before the handler (or the wire) sees
// the value.
type Validator interface{ Validate() error }

// Define declares a message named name whose payload decodes into T.
// Decoding is strict about types: a payload whose fields have the wrong JSON
// types is reported through OnError as a *DecodeError and never reaches a
// handler. If T (or *T) implements Validator, it is called as well.
func Define[T any](name string) Message[T] { return Message[T]{name: name} }

// DefineValidated is Define with a validator that runs on every incoming
// payload after decoding (and on every outgoing one in Emit). A payload that
// fails it is reported through OnError as a *DecodeError naming the message
// and never reaches a handler.
func DefineValidated[T any](name string, validate func(T) error) Message[T] {
	return Message[T]{name: name, validate: validate}
}

// Name returns the message name as it appears on the wire.
func (m Message[T]) Name() string { return m.name }

// check runs the message's validators on v.
func (m Message[T]) check(v *T) error {
	if val, ok := any(v).(Validator); ok {
		if err := val.Validate(); err != nil {
			return err
		}
	} else if k := reflect.TypeFor[T]().Kind(); k != reflect.Pointer && k != reflect.Interface {
		// T's methods are *T's too: nothing more to find, and boxing *v
		// would cost an allocation per message.
	} else if val, ok := any(*v).(Validator); ok {
		if err := val.Validate(); err != nil {
			return err
		}
	}
	if m.validate != nil {
		return m.validate(*v)
	}
	return nil
}

// key is the handler-registry key: lifecycle events live in their own
// namespace so that a server frame named "connected" is an ordinary message.
func (m Message[T]) key() string {
	if m.lifecycle {
		return "\x00" + m.name
	}
	return m.name
}

// On registers h for every incoming m. Handlers run one at a time on the
// client's dispatcher goroutine, in frame order; they should not block. The
// data is decoded afresh for each handler, so a handler may keep or modify
// it. On may be called at any time, before or after Connect. The returned
// function removes the handler; it is safe to call more than once.
func On[T any](c *Client, m Message[T], h func(data T, env Envelope)) (unsubscribe func()) {
	e := &handler{name: m.name}
	e.fromJSON = func(env Envelope) error {
		var v T
		if err := json.Unmarshal(env.Data, &v); err != nil {
			return &DecodeError{Name: m.name, Err: err}
		}
		if err := m.check(&v); err != nil {
			return &DecodeError{Name: m.name, Err: fmt.Errorf("invalid: %w", err)}
		}
		h(v, env)
		return nil
	}
	e.fromValue = func(v any, env Envelope) { h(v.(T), env) }
	if m.lifecycle {
		// Only the client fires lifecycle events: a server frame whose name
		// happens to equal the registry key must never reach them.
		e.fromJSON = func(Envelope) error { return nil }
	}
	return c.addHandler(m.key(), e)
}

// Emit sends m with data. While the client is not connected the message is
// buffered (up to BufferLimit, then ErrBufferFull) and written, in order,
// right after the next connection's room joins; with NoBuffer it fails with
// ErrNotConnected instead. The payload is validated as incoming ones are,
// and must encode to a JSON object without a "type" field.
func Emit[T any](c *Client, m Message[T], data T, opts ...SendOption) error {
	if err := m.check(&data); err != nil {
		return fmt.Errorf("socket: emit %q: invalid: %w", m.name, err)
	}
	return c.Send(m.name, data, opts...)
}

// handler is one registered callback for a message name.
type handler struct {
	name      string
	fromJSON  func(Envelope) error
	fromValue func(any, Envelope)
}

// Lifecycle events. They come only from the client itself: a server frame
// with the same name is an ordinary message and never fires them.
var (
	// Connected fires after every successful connect, once the room joins
	// and the buffered messages are written.
	Connected = Message[ConnectedEvent]{name: "connected", lifecycle: true}
	// Disconnected fires when an open connection closes, for any reason.
	Disconnected = Message[DisconnectedEvent]{name: "disconnected", lifecycle: true}
	// ReconnectAttempt fires before each redial, counting from 1.
	ReconnectAttempt = Message[ReconnectAttemptEvent]{name: "reconnect-attempt", lifecycle: true}
	// ReconnectFailed fires once MaxReconnectAttempts redials have failed;
	// the client then stays disconnected until Connect or Reconnect.
	ReconnectFailed = Message[ReconnectFailedEvent]{name: "reconnect-failed", lifecycle: true}
)

// Control messages the client sends itself.
var (
	// RoomJoin is sent by JoinRoom and for every tracked room on connect.
	RoomJoin = Define[Room]("room.join")
	// RoomLeave is sent by LeaveRoom while connected.
	RoomLeave = Define[Room]("room.leave")
)

// Room is the payload of room.join and room.leave.
type Room struct {
	Room string `json:"room"`
}

// ConnectedEvent is the payload of Connected.
type ConnectedEvent struct {
	// Reconnected is false for the first connection since Connect and true
	// for every later one, however it came about.
	Reconnected bool
}

// DisconnectedEvent is the payload of Disconnected.
type DisconnectedEvent struct {
	// Code is the WebSocket close code: the server's, 1000 for a clean close
	// by the client, 1006 when the connection was lost without one.
	Code int
	// Reason is the close reason the server sent, if any.
	Reason string
	// Err is what ended the connection, or nil for a Disconnect.
	Err error
}

// ReconnectAttemptEvent is the payload of ReconnectAttempt.
type ReconnectAttemptEvent struct{ Attempt int }

// ReconnectFailedEvent is the payload of ReconnectFailed.
type ReconnectFailedEvent struct{ Attempts int }

// emitEvent queues a lifecycle event for its handlers.
func emitEvent[T any](c *Client, m Message[T], v T) {
	c.dispatchValue(m.key(), v, Envelope{Name: m.name, Timestamp: c.clock.Now()})
}
