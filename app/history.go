package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/warpdesk/warpdesk/history"
	"github.com/warpdesk/warpdesk/ipc"
)

// History is what the Resolved view searches: the agent's history of
// settled incidents, through ipc.Remote in the window process.
type History interface {
	SearchHistory(ctx context.Context, query string, limit int) (rs []history.Record, more bool, err error)
}

var _ History = (*ipc.Remote)(nil)

// ResolvedView is the "Resolved" view: a search box over the incidents
// that were resolved or acknowledged (kept by the agent for 30 days, the
// last 1,000), newest first, each with when it settled and who
// acknowledged it. One search runs at a time; typing while it runs
// searches again for the newest text when it ends. UI goroutine only.
type ResolvedView struct {
	Search *widget.Entry
	Status *widget.Label // "12 resolved incidents", "Nothing matches", why it failed
	List   *widget.List
	Object fyne.CanvasObject

	h   History
	now func() time.Time

	records []history.Record
	running bool           // a search is under way
	again   bool           // the text changed while it ran
	wg      sync.WaitGroup // the search under way, if any
}

// NewResolvedView builds the view on h; now is the clock (nil:
// time.Now). Call Refresh to search (NewWindow's Resolved tab does so
// each time it is shown). It needs no Close: a search ends with its
// answer or with the link (ipc.Remote fails its calls when the link goes).
func NewResolvedView(h History, now func() time.Time) *ResolvedView {
	if now == nil {
		now = time.Now
	}
	v := &ResolvedView{h: h, now: now, Search: widget.NewEntry(), Status: widget.NewLabel("")}
	v.Search.SetPlaceHolder("Search resolved incidents: title, service, room, who acknowledged…")
	v.Search.OnChanged = func(string) { v.Refresh() }
	v.List = widget.NewList(func() int { return len(v.records) }, newResolvedRow, func(i widget.ListItemID, o fyne.CanvasObject) {
		if i >= 0 && i < len(v.records) {
			setResolvedRow(o, v.records[i], v.now())
		}
	})
	v.Status.Importance = widget.LowImportance
	v.Object = container.NewBorder(container.NewVBox(v.Search, v.Status), nil, nil, nil, v.List)
	return v
}

// Refresh searches for the box's text, now or, while a search runs, once
// it ends.
func (v *ResolvedView) Refresh() {
	if v.running {
		v.again = true
		return
	}
	v.running = true
	q := v.Search.Text
	if len(q) > history.MaxQueryLen {
		q = q[:history.MaxQueryLen] // the rest narrows nothing the start does not
	}
	v.wg.Go(func() {
		rs, more, err := v.h.SearchHistory(context.Background(), q, history.MaxLimit)
		fyne.Do(func() { v.done(q, rs, more, err) })
	})
}

// done shows a search's answer and starts the next one if the text
// changed meanwhile.
func (v *ResolvedView) done(q string, rs []history.Record, more bool, err error) {
	v.running = false
	if v.again {
		v.again = false
		v.Refresh()
		return // the newer answer follows
	}
	if err != nil {
		v.Status.SetText(searchError(err))
		return
	}
	v.records = rs
	v.Status.SetText(resolvedCount(q, len(rs), more))
	v.List.UnselectAll()
	v.List.Refresh()
}

// searchError says why the history could not be searched.
func searchError(err error) string {
	switch {
	case errors.Is(err, ipc.ErrNoHistory):
		return "No history: Warpdesk could not open its history file (see its log)."
	}
	return "Could not search the history: " + err.Error()
}

// resolvedCount is the status line for n records found for q.
func resolvedCount(q string, n int, more bool) string {
	plus := ""
	if more {
		plus = "+"
	}
	switch {
	case n == 0 && q == "":
		return "No resolved or acknowledged incidents yet."
	case n == 0:
		return "Nothing matches “" + q + "”."
	case n == 1:
		return "1 incident" + plus
	}
	return fmt.Sprintf("%d incidents%s", n, plus)
}

func newResolvedRow() fyne.CanvasObject {
	title := widget.NewLabel("")
	title.TextStyle.Bold = true
	title.Truncation = fyne.TextTruncateEllipsis
	detail := widget.NewLabel("")
	detail.Truncation = fyne.TextTruncateEllipsis
	detail.Importance = widget.LowImportance
	return container.NewBorder(nil, nil, widget.NewIcon(theme.ConfirmIcon()), nil, container.NewVBox(title, detail))
}

func setResolvedRow(o fyne.CanvasObject, r history.Record, now time.Time) {
	box := o.(*fyne.Container).Objects[0].(*fyne.Container)
	box.Objects[0].(*widget.Label).SetText(r.Incident.Title)
	box.Objects[1].(*widget.Label).SetText(settledLine(r, now))
}

// settledLine is a record's second line: "Resolved Mon 17:35 ·
// acknowledged by bob 17:20 · Critical · checkout-api · ops · Production".
func settledLine(r history.Record, now time.Time) string {
	s := "Acknowledged " + when(now, r.Incident.AcknowledgedTime())
	if r.Resolved {
		s = "Resolved " + when(now, r.At)
		if r.Incident.IsAcknowledged() {
			s = join(s, "acknowledged by "+r.Incident.AcknowledgedBy+" "+when(now, r.Incident.AcknowledgedTime()))
		}
	} else if r.Incident.IsAcknowledged() {
		s += " by " + r.Incident.AcknowledgedBy
	}
	s = join(s, r.Incident.Severity.Label())
	for _, x := range []string{r.Incident.Service, r.Incident.Room, r.ServerName} {
		if x != "" {
			s = join(s, x)
		}
	}
	return s
}

// when is a settle time as the view prints it: "17:35" today, "Mon
// 17:35" within the week, "2 Nov 17:35" before.
func when(now, t time.Time) string {
	t = t.Local()
	switch {
	case t.IsZero():
		return ""
	case sameDay(now.Local(), t):
		return t.Format("15:04")
	case now.Sub(t) < 6*24*time.Hour:
		return t.Format("Mon 15:04")
	}
	return t.Format("2 Jan 15:04")
}

// withHistory puts the dashboard and, when src can search the agent's
// history (ipc.Remote can), a Resolved view side by side in tabs; the
// view searches again each time its tab is shown. Otherwise it returns
// board unchanged. The view needs no Close: a search ends with its
// answer or with the link.
func withHistory(src any, board fyne.CanvasObject, now func() time.Time) fyne.CanvasObject {
	h, ok := src.(History)
	if !ok {
		return board
	}
	tabs, _ := resolvedTabs(h, board, now)
	return tabs
}

// resolvedTabs is withHistory's tabs: Active (board) and Resolved (a
// ResolvedView on h, searched each time the tab is shown).
func resolvedTabs(h History, board fyne.CanvasObject, now func() time.Time) (*container.AppTabs, *ResolvedView) {
	v := NewResolvedView(h, now)
	resolved := container.NewTabItemWithIcon("Resolved", theme.HistoryIcon(), v.Object)
	tabs := container.NewAppTabs(container.NewTabItemWithIcon("Active", theme.WarningIcon(), board), resolved)
	tabs.OnSelected = func(t *container.TabItem) {
		if t == resolved {
			v.Refresh()
		}
	}
	return tabs, v
}
