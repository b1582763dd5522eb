package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/warpdesk/warpdesk/store"
)

// bannerView draws one Banner: an accent bar and icon, the title, the
// detail in the foreground colour (readable on both themes, never the
// disabled colour), and the buttons that fit its kind.
type bannerView struct {
	bg        *canvas.Rectangle
	bar       *canvas.Rectangle
	icon      *widget.Icon
	Title     *widget.Label
	Detail    *widget.Label
	Settings  *widget.Button
	Reconnect *widget.Button
	Resume    *widget.Button
	object    fyne.CanvasObject
}

// bannerActions are what a banner's buttons do.
type bannerActions struct {
	settings, reconnect, resume func()
}

func newBannerView(act bannerActions) *bannerView {
	b := &bannerView{
		bg:        canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground)),
		bar:       canvas.NewRectangle(theme.Color(theme.ColorNameWarning)),
		icon:      widget.NewIcon(nil),
		Title:     widget.NewLabel(""),
		Detail:    widget.NewLabel(""),
		Settings:  widget.NewButtonWithIcon("Settings", theme.SettingsIcon(), act.settings),
		Reconnect: widget.NewButtonWithIcon("Reconnect now", theme.ViewRefreshIcon(), act.reconnect),
		Resume:    widget.NewButtonWithIcon("Resume notifications", theme.MediaPlayIcon(), act.resume),
	}
	b.bg.CornerRadius = theme.InputRadiusSize()
	b.bar.SetMinSize(fyne.NewSize(5, 1))
	b.Title.TextStyle.Bold = true
	b.Title.Wrapping = fyne.TextWrapWord
	b.Detail.Wrapping = fyne.TextWrapWord
	if act.settings == nil {
		b.Settings.Hide()
	}
	buttons := container.NewCenter(container.NewHBox(b.Reconnect, b.Settings, b.Resume))
	text := container.New(layout.NewCustomPaddedVBoxLayout(0), b.Title, b.Detail)
	b.object = container.NewStack(b.bg, container.NewBorder(nil, nil,
		container.NewHBox(b.bar, container.NewCenter(b.icon)), buttons, text))
	return b
}

// set shows bn; canSettings says whether a Settings button is wired.
func (b *bannerView) set(bn Banner, st store.State, canSettings bool) {
	accent, icon := theme.ColorNameWarning, theme.WarningIcon()
	switch bn.Kind {
	case BannerStale, BannerCatchUp:
		accent, icon = theme.ColorNamePrimary, theme.HistoryIcon()
	case BannerPaused:
		accent, icon = theme.ColorNamePrimary, theme.MediaPauseIcon()
	}
	setRectFill(b.bg, theme.Color(theme.ColorNameInputBackground))
	setRectFill(b.bar, theme.Color(accent))
	setResource(b.icon, theme.NewColoredResource(icon, accent))
	setText(b.Title, bn.Title)
	setText(b.Detail, bn.Detail)
	showIf(b.Detail, bn.Detail != "")
	linkBanner := bn.Kind == BannerUnknown || bn.Kind == BannerStale
	showIf(b.Reconnect, linkBanner && st.Link != store.LinkLive)
	showIf(b.Settings, canSettings && linkBanner)
	showIf(b.Resume, bn.Kind == BannerPaused)
}

// showIf shows o when on, hides it otherwise (only when that changes).
func showIf(o fyne.CanvasObject, on bool) {
	switch {
	case on && !o.Visible():
		o.Show()
	case !on && o.Visible():
		o.Hide()
	}
}

// bannerList keeps one bannerView per Banner, reusing them across renders.
type bannerList struct {
	act   bannerActions
	views []*bannerView
	box   *fyne.Container
}

func newBannerList(act bannerActions) *bannerList {
	return &bannerList{act: act, box: container.NewVBox()}
}

func (l *bannerList) set(st store.State, m *moment) {
	bs := bannersOf(st, m)
	l.views = grow(l.views, len(bs), func() *bannerView { return newBannerView(l.act) })
	for i, bn := range bs {
		l.views[i].set(bn, st, l.act.settings != nil)
	}
	showFirst(l.box, len(bs), func(i int) fyne.CanvasObject { return l.views[i].object })
}
