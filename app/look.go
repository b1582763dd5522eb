package app

import (
	"fmt"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/warpdesk/warpdesk/assets/draw"
	"github.com/warpdesk/warpdesk/ops"
)

// This file holds how severities, monitor statuses and ages look on the
// dashboard.

// severityLook is how a severity is drawn: colour, icon and word, so colour is
// never the only signal.
type severityLook struct {
	Word       string
	Icon       fyne.Resource
	Color      color.Color
	Importance widget.Importance
}

func lookOf(s ops.Severity) severityLook {
	switch s {
	case ops.Critical:
		return severityLook{"Critical", theme.NewErrorThemedResource(theme.ErrorIcon()), draw.Red, widget.DangerImportance}
	case ops.Warning:
		return severityLook{"Warning", theme.NewWarningThemedResource(theme.WarningIcon()), draw.Amber, widget.WarningImportance}
	}
	return severityLook{"Info", theme.NewPrimaryThemedResource(theme.InfoIcon()), color.NRGBA{0x29, 0x79, 0xff, 0xff}, widget.HighImportance}
}

func monitorLook(s ops.MonitorStatus) (word string, icon fyne.Resource, c color.Color) {
	switch s {
	case ops.Up:
		return "Up", theme.NewSuccessThemedResource(theme.ConfirmIcon()), draw.Green
	case ops.Degraded:
		return "Degraded", theme.NewWarningThemedResource(theme.WarningIcon()), draw.Amber
	}
	return "Down", theme.NewErrorThemedResource(theme.ErrorIcon()), draw.Red
}

// MonitorLine is the text of one monitor row: "checkout — Down, 3m ago".
func MonitorLine(m ops.MonitorChange, now time.Time) string {
	word, _, _ := monitorLook(m.Status)
	name := m.Name
	if strings.TrimSpace(name) == "" {
		name = m.MonitorUUID
	}
	return fmt.Sprintf("%s — %s, %s", name, word, Age(now, m.Changed()))
}

// Age says how long ago t was, briefly: "just now", "42s", "5m", "3h 2m", "2d 4h".
func Age(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < 5*time.Second:
		return "just now"
	case d < time.Minute:
		return fmt.Sprintf("%ds ago", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d/time.Minute))
	case d < 24*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return fmt.Sprintf("%dh ago", h)
		}
		return fmt.Sprintf("%dh %dm ago", h, m)
	default:
		days, h := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
		if h == 0 {
			return fmt.Sprintf("%dd ago", days)
		}
		return fmt.Sprintf("%dd %dh ago", days, h)
	}
}

// EmptyNoteQuiet is the empty list's second line while the list is current.
const EmptyNoteQuiet = "All quiet. New incidents appear here the moment they are raised."
