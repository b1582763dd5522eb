package settings

import (
	"fmt"
	"log/slog"
)

// redacted is what a Secret prints as, whatever the verb.
const redacted = "[redacted]"

// Secret is an API token. It prints as "[redacted]" through fmt (every verb,
// %#v included), log/slog, encoding/json and encoding.TextMarshaler, so a
// Secret inside any struct stays hidden in logs, errors and crash output.
// Reveal returns the value, for the one place that must send it.
//
// One gap fmt leaves: it cannot call methods on unexported struct fields, so
// a Secret in an unexported field prints raw with %v. Keep a Secret in an
// exported field or behind a pointer (fmt prints nested pointers as
// addresses), as TokenStore does.
type Secret string

// Reveal returns the token itself. Call it only where the token is sent to
// the server or the keyring.
func (s Secret) Reveal() string { return string(s) }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s == "" }

// String returns "[redacted]".
func (s Secret) String() string { return redacted }

// GoString returns "[redacted]", for %#v.
func (s Secret) GoString() string { return redacted }

// Format prints "[redacted]" for every verb, so %x or %d cannot leak the
// bytes either.
func (s Secret) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue returns "[redacted]" for log/slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText returns "[redacted]".
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// MarshalJSON returns "[redacted]" as a JSON string.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }
