package app

import (
	"fmt"
	"image/color"
	"strings"
	"sync"

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

// severityLooks and monitorLooks are built once: a render looks them up
// rather than wrapping the theme's icons anew for every row (the wrapped
// icons follow the theme when drawn).
var (
	severityLooks = sync.OnceValue(func() map[ops.Severity]severityLook {
		return map[ops.Severity]severityLook{
			ops.Critical: {"Critical", theme.NewErrorThemedResource(theme.ErrorIcon()), draw.Red, widget.DangerImportance},
			ops.Warning:  {"Warning", theme.NewWarningThemedResource(theme.WarningIcon()), draw.Amber, widget.WarningImportance},
			ops.Info:     {"Info", theme.NewPrimaryThemedResource(theme.InfoIcon()), color.NRGBA{0x29, 0x79, 0xff, 0xff}, widget.HighImportance},
		}
	})
	monitorLooks = sync.OnceValue(func() map[ops.MonitorStatus]severityLook {
		return map[ops.MonitorStatus]severityLook{
			ops.Up:       {"Up", theme.NewSuccessThemedResource(theme.ConfirmIcon()), draw.Green, widget.SuccessImportance},
			ops.Degraded: {"Degraded", theme.NewWarningThemedResource(theme.WarningIcon()), draw.Amber, widget.WarningImportance},
			ops.Down:     {"Down", theme.NewErrorThemedResource(theme.ErrorIcon()), draw.Red, widget.DangerImportance},
		}
	})
)

// successIcon is the empty list's green tick while it is current.
var successIcon = sync.OnceValue(func() fyne.Resource { return theme.NewSuccessThemedResource(theme.ConfirmIcon()) })

func lookOf(s ops.Severity) severityLook {
	if l, ok := severityLooks()[s]; ok {
		return l
	}
	return severityLooks()[ops.Info]
}

func monitorLook(s ops.MonitorStatus) severityLook {
	if l, ok := monitorLooks()[s]; ok {
		return l
	}
	return monitorLooks()[ops.Down]
}

// monitorLine is the text of one monitor row: "checkout — Down, 3 min
// ago", where when is "3 min ago" (or "as of 17:29" while its server is
// not live).
func monitorLine(mc ops.MonitorChange, when string) string {
	name := mc.Name
	if strings.TrimSpace(name) == "" {
		name = mc.MonitorUUID
	}
	return fmt.Sprintf("%s — %s, %s", name, monitorLook(mc.Status).Word, when)
}

// EmptyNoteQuiet is the empty list's second line while the list is current.
const EmptyNoteQuiet = "All quiet. New incidents appear here the moment they are raised."
