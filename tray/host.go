package tray

import (
	"fmt"
	"log/slog"
	"sync/atomic"

	"fyne.io/systray"
)

// host is the desktop's tray as the layer drives it: fyne.io/systray in
// production, a recorder in unit tests. Only the tray's own goroutine
// calls it.
type host interface {
	// SetIcon shows the icon, with the pause badge when paused.
	SetIcon(i Icon, paused bool)
	SetTooltip(text string)
	// Add appends a menu item and returns it.
	Add(label string, disabled bool) hostItem
	AddSeparator()
	// Reset removes every menu item; their Clicked channels close.
	Reset()
}

// hostItem is one menu item of a host.
type hostItem interface {
	SetLabel(string)
	SetDisabled(bool)
	// Clicked receives a value per click and is closed when the item is
	// removed.
	Clicked() <-chan struct{}
}

// systrayHost drives fyne.io/systray. That library keeps one tray per
// process in package variables and panics when a property is set on a
// connection that has gone (the session bus closed under it), so every
// call is guarded: after the first panic the tray is considered gone and
// later calls do nothing.
type systrayHost struct {
	log  *slog.Logger
	gone atomic.Bool
	// icons are the icons as this system's tray wants them (osIcon),
	// converted once each: the conversion decodes a PNG. Only the tray's
	// goroutine uses it.
	icons [len(pngs)][2][]byte
}

func (h *systrayHost) guard(op string, f func()) {
	if h.gone.Load() {
		return
	}
	defer func() {
		if r := recover(); r != nil {
			h.gone.Store(true)
			h.log.Warn("tray: the tray library failed; the tray stays as it is", "op", op, "panic", fmt.Sprint(r))
		}
	}()
	f()
}

func (h *systrayHost) SetIcon(i Icon, paused bool) {
	if i < 0 || int(i) >= len(pngs) {
		i = IconUnknown
	}
	p := 0
	if paused {
		p = 1
	}
	if h.icons[i][p] == nil {
		h.icons[i][p] = osIcon(i.PNG(paused))
	}
	h.guard("icon", func() { systray.SetIcon(h.icons[i][p]) })
}

func (h *systrayHost) SetTooltip(text string) {
	h.guard("tooltip", func() { systray.SetTooltip(text) })
}

func (h *systrayHost) Add(label string, disabled bool) hostItem {
	it := &systrayItem{h: h}
	h.guard("add", func() {
		it.m = systray.AddMenuItem(label, "")
		if disabled {
			it.m.Disable()
		}
	})
	return it
}

func (h *systrayHost) AddSeparator() { h.guard("separator", systray.AddSeparator) }

func (h *systrayHost) Reset() { h.guard("reset", systray.ResetMenu) }

// systrayItem is a fyne.io/systray menu item; m is nil when adding it
// failed.
type systrayItem struct {
	h *systrayHost
	m *systray.MenuItem
}

func (it *systrayItem) SetLabel(s string) {
	if it.m != nil {
		it.h.guard("label", func() { it.m.SetTitle(s) })
	}
}

func (it *systrayItem) SetDisabled(d bool) {
	if it.m == nil {
		return
	}
	it.h.guard("enable", func() {
		if d {
			it.m.Disable()
		} else {
			it.m.Enable()
		}
	})
}

func (it *systrayItem) Clicked() <-chan struct{} {
	if it.m == nil {
		return nil // never receives: a failed item cannot be clicked
	}
	return it.m.ClickedCh
}
