package agent

import (
	"context"
	"log"
	"log/slog"
	"strings"
)

// routeStdLog sends what libraries print through the standard log package
// (fyne.io/systray prints "systray error: …" that way) into the agent's
// logger, as component=stdlog records, instead of raw lines on stderr.
// "failed to register" — no tray host yet, which the tray package already
// says in words and recovers from when the panel starts — goes at Debug;
// anything else at Warn.
func routeStdLog(l *slog.Logger) {
	log.SetFlags(0)
	log.SetPrefix("")
	log.SetOutput(stdLogWriter{l.With("component", "stdlog")})
}

type stdLogWriter struct{ l *slog.Logger }

func (w stdLogWriter) Write(p []byte) (int, error) {
	msg := strings.TrimSpace(string(p))
	lvl := slog.LevelWarn
	if strings.Contains(msg, "failed to register") {
		lvl = slog.LevelDebug
	}
	w.l.Log(context.Background(), lvl, msg)
	return len(p), nil
}
