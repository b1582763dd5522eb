package notify

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestCleanLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"  two\n lines\r\n\tand tab ", "two lines and tab"},
		{"bell\x07 esc\x1b[31m red", "bell esc [31m red"},
		{"c1\u0085next", "c1 next"},
		{"evil\u202Egnp.exe", "evilgnp.exe"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
		{"<b>x</b> & y", "<b>x</b> & y"}, // escaping is the deliverer's job
		{"", ""},
	}
	for _, tt := range tests {
		if got := cleanLine(tt.in, 100); got != tt.want {
			t.Errorf("cleanLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := cleanLine(strings.Repeat("é", 500), 100); utf8.RuneCountInString(got) != 100 || !strings.HasSuffix(got, "…") {
		t.Errorf("not bounded: %d runes", utf8.RuneCountInString(got))
	}
	if got := truncate("abc", 3); got != "abc" {
		t.Errorf("truncate exact = %q", got)
	}
	if got := truncate("abcd", 3); got != "ab…" {
		t.Errorf("truncate = %q", got)
	}
}

func TestEscapeMarkup(t *testing.T) {
	if got := EscapeMarkup(`<a href="x">&amp;</a>`); got != `&lt;a href="x"&gt;&amp;amp;&lt;/a&gt;` {
		t.Errorf("EscapeMarkup = %q", got)
	}
}

// FuzzCleanLine: whatever the server sends, the result is valid UTF-8,
// bounded, on one line and free of control characters.
func FuzzCleanLine(f *testing.F) {
	for _, s := range []string{"", "a\nb", "\xff\xfe", "\u202e", strings.Repeat("x", 200), "<b>&"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := cleanLine(s, MaxSummaryRunes)
		if !utf8.ValidString(got) || utf8.RuneCountInString(got) > MaxSummaryRunes {
			t.Fatalf("cleanLine(%q) = %q", s, got)
		}
		for _, r := range got {
			if unicode.IsControl(r) || isBidiControl(r) {
				t.Fatalf("cleanLine(%q) kept %U", s, r)
			}
		}
		if cleanLine(got, MaxSummaryRunes) != got {
			t.Fatalf("not idempotent on %q", s)
		}
	})
}
