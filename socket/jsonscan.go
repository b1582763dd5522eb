package socket

import "unicode/utf8"

// maxDepth is encoding/json's nesting limit; deeper input is invalid.
const maxDepth = 10000

// scanner validates JSON with the grammar and limits of encoding/json.Valid
// (RFC 8259), and, unlike it, requires strings to be valid UTF-8, as a
// WebSocket text frame must be (RFC 6455 §8.1).
type scanner struct {
	b       []byte
	risky   bool // an object key was dangerous or escaped
	lastEsc bool // the last string scanned had an escape
	badUTF8 bool // a string was not valid UTF-8
}

func (s *scanner) ws(i int) int {
	for i < len(s.b) {
		switch s.b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// value scans the value starting at i (no leading space) at nesting depth
// depth and returns the index after it.
func (s *scanner) value(i, depth int) (int, bool) {
	if i >= len(s.b) {
		return i, false
	}
	switch c := s.b[i]; {
	case c == '"':
		end, esc, ok := s.str(i)
		s.lastEsc = esc
		return end, ok
	case c == '{':
		return s.object(i, depth)
	case c == '[':
		return s.array(i, depth)
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number(i)
	case c == 't':
		return s.literal(i, "true")
	case c == 'f':
		return s.literal(i, "false")
	case c == 'n':
		return s.literal(i, "null")
	}
	return i, false
}

func (s *scanner) literal(i int, lit string) (int, bool) {
	if len(s.b)-i < len(lit) || string(s.b[i:i+len(lit)]) != lit {
		return i, false
	}
	return i + len(lit), true
}

func (s *scanner) object(i, depth int) (int, bool) {
	if depth > maxDepth {
		return i, false
	}
	i = s.ws(i + 1)
	if i < len(s.b) && s.b[i] == '}' {
		return i + 1, true
	}
	for {
		if i >= len(s.b) || s.b[i] != '"' {
			return i, false
		}
		end, esc, ok := s.str(i)
		if !ok {
			return i, false
		}
		if esc || isDangerous(s.b[i+1:end-1]) {
			s.risky = true
		}
		i = s.ws(end)
		if i >= len(s.b) || s.b[i] != ':' {
			return i, false
		}
		if i, ok = s.value(s.ws(i+1), depth+1); !ok {
			return i, false
		}
		i = s.ws(i)
		if i >= len(s.b) {
			return i, false
		}
		switch s.b[i] {
		case ',':
			i = s.ws(i + 1)
		case '}':
			return i + 1, true
		default:
			return i, false
		}
	}
}

func (s *scanner) array(i, depth int) (int, bool) {
	if depth > maxDepth {
		return i, false
	}
	i = s.ws(i + 1)
	if i < len(s.b) && s.b[i] == ']' {
		return i + 1, true
	}
	for {
		var ok bool
		if i, ok = s.value(i, depth+1); !ok {
			return i, false
		}
		i = s.ws(i)
		if i >= len(s.b) {
			return i, false
		}
		switch s.b[i] {
		case ',':
			i = s.ws(i + 1)
		case ']':
			return i + 1, true
		default:
			return i, false
		}
	}
}

func isDangerous(key []byte) bool {
	switch string(key) {
	case "__proto__", "constructor", "prototype":
		return true
	}
	return false
}

// str scans the string starting at the quote at i; it returns the index
// after the closing quote and whether it held an escape.
func (s *scanner) str(i int) (end int, esc, ok bool) {
	b := s.b
	for i++; i < len(b); i++ {
		for i < len(b) && plain[b[i]] {
			i++
		}
		if i >= len(b) {
			break
		}
		switch c := b[i]; {
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				s.badUTF8 = true
				return i, esc, false
			}
			i += size - 1
		case c == '"':
			return i + 1, esc, true
		case c == '\\':
			esc = true
			i++
			if i >= len(b) {
				return i, esc, false
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(b)-i < 5 || !isHex(b[i+1]) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) {
					return i, esc, false
				}
				i += 4
			default:
				return i, esc, false
			}
		case c < 0x20:
			return i, esc, false
		}
	}
	return i, esc, false
}

// plain marks the ASCII bytes that stand for themselves inside a JSON
// string; other bytes start UTF-8 sequences, which are checked.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func (s *scanner) number(i int) (int, bool) {
	b := s.b
	if b[i] == '-' {
		i++
	}
	if i >= len(b) {
		return i, false
	}
	switch {
	case b[i] == '0':
		i++
	case b[i] >= '1' && b[i] <= '9':
		for i++; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		}
	default:
		return i, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return i, false
		}
		for i++; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return i, false
		}
		for i++; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		}
	}
	return i, true
}
