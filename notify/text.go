package notify

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Length bounds for server text, in runes, before any markup escaping.
// Notification servers truncate or wrap on their own, but an unbounded
// title from a misbehaving server would still cost memory and D-Bus traffic.
const (
	MaxSummaryRunes = 100
	MaxBodyRunes    = 300
)

// cleanLine makes untrusted server text safe to show on one line: invalid
// UTF-8 becomes U+FFFD (D-Bus requires valid UTF-8 and dbus-daemon drops a
// client that sends anything else), control characters and line breaks
// become spaces, bidirectional overrides that could disguise the text are
// removed, runs of space collapse, and the result is cut to max runes with
// an ellipsis.
func cleanLine(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(min(len(s), 4*max))
	space := false
	for _, r := range s {
		switch {
		case isBidiControl(r):
			continue
		case unicode.IsControl(r) || unicode.IsSpace(r) || r == '\u2028' || r == '\u2029':
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return truncate(b.String(), max)
}

// cleanText is cleanLine for text of several lines that the notifier
// itself composes (the body of a summary): each line is cleaned, the lines
// are joined with "\n" and the whole is bounded to max runes.
func cleanText(lines []string, max int) string {
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		if l = cleanLine(l, max); l != "" {
			out = append(out, l)
		}
	}
	return truncate(strings.Join(out, "\n"), max)
}

// truncate cuts s to at most max runes, the last of which is "…" when
// anything was cut.
func truncate(s string, max int) string {
	if max <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	i, n := 0, 0
	for i = range s {
		if n == max-1 {
			break
		}
		n++
	}
	return strings.TrimRight(s[:i], " ") + "…"
}

func isBidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069') ||
		r == '\u200E' || r == '\u200F' || r == '\u061C'
}

// EscapeMarkup escapes the three characters that notification servers with
// the "body-markup" capability interpret (&, <, >), so that a title such as
// "<b>x</b> & y" shows literally instead of as markup or a broken body.
func EscapeMarkup(s string) string { return markupEscaper.Replace(s) }

var markupEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
