package listen

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"
)

// logHandler writes the connection's and the OS watcher's log to stderr,
// one plain line each: warnings always, everything from Info up with -v.
// The OS watcher reports at Info that it fell back to detecting sleep from
// wall-clock jumps (no system bus, no logind): normal on a desktop, but on
// a server or in a container it is worth one warning line, so that is
// shown too.
type logHandler struct {
	w     io.Writer
	min   slog.Level
	loc   *time.Location
	attrs string
}

func (h *logHandler) Enabled(_ context.Context, l slog.Level) bool {
	return l >= h.min || l >= slog.LevelInfo
}

func (h *logHandler) Handle(_ context.Context, r slog.Record) error {
	if r.Level < h.min && !(r.Level >= slog.LevelInfo && degraded(r.Message)) {
		return nil
	}
	var b strings.Builder
	word := "warning"
	if r.Level < slog.LevelWarn && !degraded(r.Message) {
		word = "info"
	}
	fmt.Fprintf(&b, "%s %s: %s%s", r.Time.In(h.loc).Format(time.TimeOnly), word, r.Message, h.attrs)
	r.Attrs(func(a slog.Attr) bool {
		b.WriteString(attr(a))
		return true
	})
	b.WriteByte('\n')
	_, err := io.WriteString(h.w, b.String())
	return err
}

func (h *logHandler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	for _, a := range as {
		c.attrs += attr(a)
	}
	return &c
}

func (h *logHandler) WithGroup(string) slog.Handler { return h }

// attr formats one attribute; "component" names our own parts and is left
// out.
func attr(a slog.Attr) string {
	if a.Key == "component" || a.Equal(slog.Attr{}) {
		return ""
	}
	return fmt.Sprintf(" %s=%v", a.Key, a.Value)
}

// degraded reports whether a message says the OS watcher runs without a
// mechanism it would use on a desktop.
func degraded(msg string) bool {
	return strings.Contains(msg, "wall-clock jumps") || strings.Contains(msg, "no network watcher")
}
