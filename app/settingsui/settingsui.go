// Package settingsui is Warpdesk's Settings window (Fyne): server URL, rooms,
// the API token, notification rules and start at login, applied live.
//
// The window owns saving: on Save it validates, stores a new token in the
// keyring (off the UI goroutine, bounded by the TokenStore's timeout), writes
// or removes the autostart entry, calls the app's apply callback on the UI
// goroutine, and, when apply succeeds, persists the settings to the app's
// preferences. A locked or missing keyring is a message in the window; the
// token is then held for this session only and still handed to apply.
//
// Wiring, in main or package app:
//
//	tokens := settings.NewTokenStore(settings.TokenStoreOptions{})
//	cfg.Token = tokens.TokenFunc(func() string { return current().ServerURL })
//	cfg.OnSettings = settingsui.Opener(fyneApp, current, tokens, apply)
//
// where apply(s, token) compares s with the running settings
// (settings.Changes) and joins, leaves or reconnects.
package settingsui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/warpdesk/warpdesk/settings"
)

// ApplyFunc applies saved settings to the running app. It runs on the UI
// goroutine and must not block (join and leave rooms, reconnect, hand the
// rules to the notifier: see settings.Changes). token is nil when the user
// did not touch the token; otherwise it is the new token (already in the
// TokenStore, in the keyring or for this session only), or "" when the user
// removed it. An error is shown in the window and the settings are not
// persisted, so the user can fix and save again.
type ApplyFunc func(s settings.Settings, token *settings.Secret) error

// keyringBudget bounds one background keyring job, on top of the
// TokenStore's own per-call timeout.
const keyringBudget = 10 * time.Second

// NewWindow builds the Settings window for cur (it does not Show it). It
// persists to a.Preferences() through settings.Save. tokens may be nil: the
// token field is then disabled. apply may be nil (nothing to apply live).
//
// Call it from the UI goroutine (a tray menu action is). The app keeps one
// window at a time: when the user chooses "Settings…" again while it is
// open, call RequestFocus on the window it has instead of building another.
func NewWindow(a fyne.App, cur settings.Settings, tokens *settings.TokenStore, apply ApplyFunc) fyne.Window {
	w := a.NewWindow("Warpdesk Settings")
	f := newForm(a.Preferences(), cur, tokens, apply, fyne.Do)
	// Hide first, close on the next turn of the loop: Fyne 2.7.1's GLFW
	// driver crashes on a pointer event that reaches a window already
	// closed in the same batch of events (see app.App.Quit). A hidden
	// window gets no more pointer events.
	closeSafely := func() {
		w.Hide()
		fyne.Do(w.Close)
	}
	f.closeBtn.OnTapped = closeSafely
	w.SetCloseIntercept(closeSafely)
	f.closeBtn.Show()
	w.SetContent(f.content)
	w.Resize(fyne.NewSize(560, 720))
	return w
}

// form is the window's state. Its widgets are unexported fields so the
// package's tests can drive them with fyne's test driver.
type form struct {
	prefs  settings.Prefs
	tokens *settings.TokenStore
	apply  ApplyFunc
	do     func(func()) // runs a function on the UI goroutine: fyne.Do

	mu    sync.Mutex // guards cur, read from background jobs
	cur   settings.Settings
	bg    sync.WaitGroup // background keyring / file jobs, for tests
	rooms []string

	serverURL   *widget.Entry
	urlError    *widget.Label
	insecure    *widget.Label
	insecureOK  *widget.Check
	consentHost string // the host insecureOK was shown for
	catchupURL  *widget.Entry
	catchupErr  *widget.Label
	roomEntry   *widget.Entry
	addRoom     *widget.Button
	roomError   *widget.Label
	roomBox     *fyne.Container
	roomRemove  map[string]*widget.Button
	token       *widget.Entry
	tokenStatus *widget.Label
	forgetToken *widget.Button
	minSeverity *widget.Select
	muted       *widget.CheckGroup
	quietOn     *widget.Check
	quietStart  *widget.Entry
	quietEnd    *widget.Entry
	quietErr    *widget.Label
	outage      *widget.Select
	startLogin  *widget.Check
	save        *widget.Button
	closeBtn    *widget.Button
	status      *widget.Label

	content fyne.CanvasObject
}

var severityLabels = []struct {
	sev   settings.Severity
	label string
}{
	{settings.SeverityInfo, "Everything (info and up)"},
	{settings.SeverityWarning, "Warnings and critical"},
	{settings.SeverityCritical, "Critical only"},
}

var outageChoices = []time.Duration{0, time.Minute, 3 * time.Minute, 5 * time.Minute, 10 * time.Minute,
	15 * time.Minute, 30 * time.Minute, time.Hour}

func newForm(prefs settings.Prefs, cur settings.Settings, tokens *settings.TokenStore, apply ApplyFunc, do func(func())) *form {
	f := &form{prefs: prefs, tokens: tokens, apply: apply, do: do, cur: cur.Clone(), rooms: slices.Clone(cur.Rooms)}

	f.serverURL = widget.NewEntry()
	f.serverURL.SetPlaceHolder("wss://ops.example.com/ws")
	f.urlError = errorLabel()
	f.insecure = widget.NewLabel("")
	f.insecure.Importance = widget.WarningImportance
	f.insecure.Wrapping = fyne.TextWrapWord
	f.insecureOK = widget.NewCheck("Send my token unencrypted anyway", nil)
	f.serverURL.OnChanged = func(string) { f.checkServerURL() }

	f.catchupURL = widget.NewEntry()
	f.catchupURL.SetPlaceHolder("derived from the server URL")
	f.catchupErr = errorLabel()
	f.catchupURL.OnChanged = func(s string) { setError(f.catchupErr, settings.ValidateCatchupURL(s)) }

	f.roomEntry = widget.NewEntry()
	f.roomEntry.SetPlaceHolder("room name, e.g. #ops")
	f.roomEntry.OnSubmitted = func(string) { f.addRoomFromEntry() }
	f.roomEntry.OnChanged = func(string) { setError(f.roomError, nil) }
	f.addRoom = widget.NewButton("Add", f.addRoomFromEntry)
	f.roomError = errorLabel()
	f.roomBox = container.NewVBox()
	f.roomRemove = map[string]*widget.Button{}

	f.token = widget.NewPasswordEntry()
	f.token.SetPlaceHolder("paste a new token; empty keeps the current one")
	f.tokenStatus = widget.NewLabel("")
	f.tokenStatus.Wrapping = fyne.TextWrapWord
	f.forgetToken = widget.NewButton("Forget token", f.forget)

	labels := make([]string, len(severityLabels))
	for i, s := range severityLabels {
		labels[i] = s.label
	}
	f.minSeverity = widget.NewSelect(labels, nil)
	f.muted = widget.NewCheckGroup(nil, nil)
	f.quietOn = widget.NewCheck("Quiet hours: only critical incidents notify", func(bool) { f.checkQuiet() })
	f.quietStart = widget.NewEntry()
	f.quietStart.SetPlaceHolder("22:00")
	f.quietEnd = widget.NewEntry()
	f.quietEnd.SetPlaceHolder("07:00")
	f.quietErr = errorLabel()
	f.quietStart.OnChanged = func(string) { f.checkQuiet() }
	f.quietEnd.OnChanged = func(string) { f.checkQuiet() }
	f.outage = widget.NewSelect(nil, nil)
	f.startLogin = widget.NewCheck("Start Warpdesk when I log in", nil)

	f.save = widget.NewButton("Save", f.onSave)
	f.save.Importance = widget.HighImportance
	f.closeBtn = widget.NewButton("Close", nil) // shown by NewWindow
	f.closeBtn.Hide()
	f.status = widget.NewLabel("")
	f.status.Wrapping = fyne.TextWrapWord

	f.load(cur)
	f.layout()
	if tokens == nil {
		f.token.Disable()
		f.forgetToken.Disable()
		f.tokenStatus.SetText("No token store: the token cannot be changed here.")
	} else {
		f.refreshTokenStatus(cur.ServerURL)
	}
	return f
}

func errorLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return l
}

// setError shows err's message in l, or hides l for nil.
func setError(l *widget.Label, err error) {
	if err == nil {
		l.SetText("")
		l.Hide()
		return
	}
	l.SetText(err.Error())
	l.Show()
}

func (f *form) layout() {
	bold := func(s string) *widget.Label {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	roomAdd := container.NewBorder(nil, nil, nil, f.addRoom, f.roomEntry)
	quiet := container.NewGridWithColumns(2,
		container.NewBorder(nil, nil, widget.NewLabel("From"), nil, f.quietStart),
		container.NewBorder(nil, nil, widget.NewLabel("to"), nil, f.quietEnd))
	body := container.NewVBox(
		bold("Server"),
		widget.NewForm(
			widget.NewFormItem("Server URL", f.serverURL),
			widget.NewFormItem("Catch-up URL", f.catchupURL),
			widget.NewFormItem("Token", container.NewVBox(f.token, container.NewHBox(f.forgetToken))),
		),
		// Wrapped labels go full width: inside a form cell fyne sizes them
		// before it knows the width, and they overlap what follows.
		f.urlError, f.catchupErr, f.tokenStatus, f.insecure, f.insecureOK,
		widget.NewSeparator(),
		bold("Rooms"),
		roomAdd, f.roomError, f.roomBox,
		widget.NewSeparator(),
		bold("Notifications"),
		widget.NewForm(
			widget.NewFormItem("Notify for", f.minSeverity),
			widget.NewFormItem("Muted rooms", f.muted),
			widget.NewFormItem("Outage notice", f.outage),
		),
		f.quietOn, quiet, f.quietErr,
		widget.NewSeparator(),
		f.startLogin,
	)
	footer := container.NewVBox(widget.NewSeparator(), f.status, container.NewHBox(f.save, f.closeBtn))
	f.content = container.NewBorder(nil, footer, nil, nil, container.NewVScroll(container.NewPadded(body)))
}

// load puts s into the widgets.
func (f *form) load(s settings.Settings) {
	f.serverURL.SetText(s.ServerURL)
	f.catchupURL.SetText(s.CatchupURL)
	f.rooms = slices.Clone(s.Rooms)
	f.muted.Options = nil
	f.rebuildRooms(s.MutedRooms)
	f.muted.SetSelected(slices.Clone(s.MutedRooms))
	f.minSeverity.SetSelected(severityLabel(s.MinSeverity))
	f.quietOn.SetChecked(s.QuietHours.Enabled)
	f.quietStart.SetText(s.QuietHours.Start.String())
	f.quietEnd.SetText(s.QuietHours.End.String())
	opts := make([]string, 0, len(outageChoices)+1)
	for _, d := range outageChoices {
		opts = append(opts, outageLabel(d))
	}
	if !slices.Contains(outageChoices, s.OutageNotice) {
		opts = append(opts, outageLabel(s.OutageNotice))
	}
	f.outage.SetOptions(opts)
	f.outage.SetSelected(outageLabel(s.OutageNotice))
	f.startLogin.SetChecked(s.StartAtLogin)
	f.checkServerURL()
	f.checkQuiet()
}

func severityLabel(s settings.Severity) string {
	for _, l := range severityLabels {
		if l.sev == s {
			return l.label
		}
	}
	return ""
}

func outageLabel(d time.Duration) string {
	switch {
	case d == 0:
		return "Never"
	case d%time.Hour == 0:
		if d == time.Hour {
			return "After 1 hour"
		}
		return fmt.Sprintf("After %d hours", d/time.Hour)
	case d%time.Minute == 0:
		if d == time.Minute {
			return "After 1 minute"
		}
		return fmt.Sprintf("After %d minutes", d/time.Minute)
	}
	return "After " + d.String()
}

func parseOutage(label string) time.Duration {
	for _, d := range outageChoices {
		if outageLabel(d) == label {
			return d
		}
	}
	if d, err := time.ParseDuration(strings.TrimPrefix(label, "After ")); err == nil {
		return d
	}
	var n int
	if _, err := fmt.Sscanf(label, "After %d minutes", &n); err == nil {
		return time.Duration(n) * time.Minute
	}
	if _, err := fmt.Sscanf(label, "After %d hours", &n); err == nil {
		return time.Duration(n) * time.Hour
	}
	return -1 // fails validation
}

// checkServerURL shows the inline error and the unencrypted-token warning.
func (f *form) checkServerURL() {
	raw := f.serverURL.Text
	err := settings.ValidateServerURL(raw)
	if strings.TrimSpace(raw) == "" && f.cur.ServerURL == "" {
		err = nil // a fresh form: no error before the user typed anything
	}
	setError(f.urlError, err)
	if settings.InsecureTokenWarning(raw) {
		if h := hostOf(raw); h != f.consentHost {
			f.consentHost = h
			f.insecureOK.SetChecked(false) // consent was for another host
		}
		f.insecure.SetText(fmt.Sprintf("Not encrypted: ws:// sends your token to %s in the clear, readable "+
			"on the network. Use wss:// if the server supports it.", hostOf(raw)))
		f.insecure.Show()
		f.insecureOK.Show()
	} else {
		f.insecure.Hide()
		f.consentHost = ""
		f.insecureOK.SetChecked(false)
		f.insecureOK.Hide()
	}
}

func hostOf(raw string) string {
	u := settings.TokenUser(raw)
	return u
}

func (f *form) checkQuiet() {
	setError(f.quietErr, f.quietHoursErr())
	if f.quietOn.Checked {
		f.quietStart.Enable()
		f.quietEnd.Enable()
	} else {
		f.quietStart.Disable()
		f.quietEnd.Disable()
	}
}

func (f *form) addRoomFromEntry() {
	name := f.roomEntry.Text
	rooms, err := settings.AddRoom(f.rooms, name)
	if err != nil {
		setError(f.roomError, err)
		return
	}
	setError(f.roomError, nil)
	f.rooms = rooms
	f.roomEntry.SetText("")
	f.rebuildRooms(f.muted.Selected)
}

func (f *form) removeRoom(name string) {
	f.rooms = settings.RemoveRoom(f.rooms, name)
	f.rebuildRooms(f.muted.Selected)
}

// rebuildRooms redraws the room list and the muted-rooms choices (the rooms,
// plus any muted room that is not joined).
func (f *form) rebuildRooms(muted []string) {
	f.roomBox.RemoveAll()
	f.roomRemove = map[string]*widget.Button{}
	if len(f.rooms) == 0 {
		f.roomBox.Add(widget.NewLabel("No rooms yet: add the rooms whose incidents you want."))
	}
	for _, r := range f.rooms {
		r := r
		b := widget.NewButton("Remove", func() { f.removeRoom(r) })
		f.roomRemove[r] = b
		f.roomBox.Add(container.NewBorder(nil, nil, nil, b, widget.NewLabel(r)))
	}
	f.roomBox.Refresh()
	opts := slices.Clone(f.rooms)
	for _, m := range muted {
		if !slices.Contains(opts, m) {
			opts = append(opts, m)
		}
	}
	sel := slices.Clone(muted)
	f.muted.Options = opts
	f.muted.SetSelected(sel)
	f.muted.Refresh()
}

// quietHoursErr is the problem with the quiet hours as typed, as a field
// error: text that is not a time, or a span that starts where it ends.
func (f *form) quietHoursErr() error {
	q, err := settings.ParseQuietHours(f.quietOn.Checked, f.quietStart.Text, f.quietEnd.Text)
	if err != nil {
		return err
	}
	s := settings.Default()
	s.QuietHours = q
	for _, fe := range settings.FieldErrors(s.Validate()) {
		if fe.Field == "QuietHours" {
			return fe
		}
	}
	return nil
}

// collect reads the widgets into Settings (normalized, not validated;
// quiet hours that do not parse are left at their default: onSave checks
// quietHoursErr too).
func (f *form) collect() settings.Settings {
	q, _ := settings.ParseQuietHours(f.quietOn.Checked, f.quietStart.Text, f.quietEnd.Text)
	s := settings.Settings{
		ServerURL:    f.serverURL.Text,
		Rooms:        slices.Clone(f.rooms),
		CatchupURL:   f.catchupURL.Text,
		MutedRooms:   slices.Clone(f.muted.Selected),
		QuietHours:   q,
		OutageNotice: parseOutage(f.outage.Selected),
		StartAtLogin: f.startLogin.Checked,
	}
	for _, l := range severityLabels {
		if l.label == f.minSeverity.Selected {
			s.MinSeverity = l.sev
		}
	}
	return s.Normalize()
}

func (f *form) setStatus(msg string, imp widget.Importance) {
	f.status.Importance = imp
	f.status.SetText(msg)
}

// onSave validates, then stores the token and the autostart entry in the
// background, then applies and persists on the UI goroutine.
func (f *form) onSave() {
	s := f.collect()
	if err := errors.Join(s.Validate(), f.quietHoursErr()); err != nil {
		f.showFieldErrors(err)
		f.setStatus("Not saved: fix the fields marked in red.", widget.DangerImportance)
		return
	}
	f.showFieldErrors(nil)

	var tok *settings.Secret
	if t := strings.TrimSpace(f.token.Text); t != "" && f.tokens != nil {
		sec := settings.Secret(t)
		if err := settings.ValidateToken(sec); err != nil {
			f.setStatus("Not saved: the token is not valid ("+strings.TrimPrefix(err.Error(), "invalid token: ")+").", widget.DangerImportance)
			return
		}
		tok = &sec
	}
	if settings.InsecureTokenWarning(s.ServerURL) && !f.insecureOK.Checked {
		f.setStatus("Not saved: ws:// would send your token unencrypted. Use wss://, or tick \"Send my token unencrypted anyway\".",
			widget.DangerImportance)
		return
	}

	f.mu.Lock()
	old := f.cur.Clone()
	f.mu.Unlock()
	f.save.Disable()
	f.setStatus("Saving…", widget.MediumImportance)

	f.bg.Add(1)
	go func() {
		defer f.bg.Done()
		var notes []string
		imp := widget.SuccessImportance
		if tok != nil {
			ctx, cancel := context.WithTimeout(context.Background(), keyringBudget)
			err := f.tokens.Set(ctx, s.ServerURL, *tok)
			cancel()
			if err != nil {
				notes = append(notes, keyringMessage(err, f.tokens.SessionOnly(s.ServerURL)))
				imp = widget.WarningImportance
			}
		}
		if s.StartAtLogin != old.StartAtLogin || s.StartAtLogin != settings.StartAtLoginEnabled() {
			if err := settings.SetStartAtLogin(s.StartAtLogin, ""); err != nil {
				notes = append(notes, "Start at login: "+err.Error())
				imp = widget.WarningImportance
			}
		}
		f.do(func() { f.finishSave(old, s, tok, notes, imp) })
	}()
}

// finishSave runs on the UI goroutine.
func (f *form) finishSave(old, s settings.Settings, tok *settings.Secret, notes []string, imp widget.Importance) {
	defer f.save.Enable()
	if f.apply != nil {
		if err := f.apply(s.Clone(), tok); err != nil {
			f.setStatus("Not applied: "+err.Error(), widget.DangerImportance)
			return
		}
	}
	if err := settings.Save(f.prefs, s); err != nil {
		f.setStatus("Applied, but not saved: "+err.Error(), widget.DangerImportance)
		return
	}
	f.mu.Lock()
	f.cur = s.Clone()
	f.mu.Unlock()
	if tok != nil {
		f.token.SetText("")
	}
	if tok != nil || settings.Changes(old, s).ServerChanged {
		f.refreshTokenStatus(s.ServerURL)
	}
	f.setStatus(strings.Join(append([]string{"Saved and applied."}, notes...), " "), imp)
}

func (f *form) showFieldErrors(err error) {
	byField := map[string]error{}
	for _, fe := range settings.FieldErrors(err) {
		if _, ok := byField[fe.Field]; !ok {
			byField[fe.Field] = fe
		}
	}
	setError(f.urlError, byField["ServerURL"])
	setError(f.catchupErr, byField["CatchupURL"])
	setError(f.quietErr, byField["QuietHours"])
	roomErr := byField["Rooms"]
	if roomErr == nil {
		roomErr = byField["MutedRooms"]
	}
	if roomErr == nil {
		roomErr = byField["OutageNotice"]
	}
	if roomErr == nil {
		roomErr = byField["MinSeverity"]
	}
	setError(f.roomError, roomErr)
}

// forget deletes the token for the saved server URL.
func (f *form) forget() {
	if f.tokens == nil {
		return
	}
	f.mu.Lock()
	url := f.cur.ServerURL
	f.mu.Unlock()
	f.forgetToken.Disable()
	f.token.SetText("")
	f.bg.Add(1)
	go func() {
		defer f.bg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), keyringBudget)
		err := f.tokens.Delete(ctx, url)
		cancel()
		f.do(func() {
			f.forgetToken.Enable()
			if err != nil {
				f.tokenStatus.Importance = widget.WarningImportance
				f.tokenStatus.SetText("Token forgotten for this session, but the system keyring could not be reached: a stored copy may remain there.")
			} else {
				f.tokenStatus.Importance = widget.MediumImportance
				f.tokenStatus.SetText("Token removed.")
			}
			if f.apply != nil {
				empty := settings.Secret("")
				f.mu.Lock()
				cur := f.cur.Clone()
				f.mu.Unlock()
				if aerr := f.apply(cur, &empty); aerr != nil {
					f.setStatus("Not applied: "+aerr.Error(), widget.DangerImportance)
				}
			}
		})
	}()
}

// refreshTokenStatus asks the keyring, in the background, whether a token
// is stored for url, and says so under the token field.
func (f *form) refreshTokenStatus(url string) {
	if f.tokens == nil {
		return
	}
	f.tokenStatus.SetText("Checking the system keyring…")
	f.bg.Add(1)
	go func() {
		defer f.bg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), keyringBudget)
		_, err := f.tokens.Get(ctx, url)
		cancel()
		session := f.tokens.SessionOnly(url)
		f.do(func() {
			imp := widget.MediumImportance
			var msg string
			switch {
			case err == nil && session:
				msg = "A token is set for this session only: the system keyring could not store it."
				imp = widget.WarningImportance
			case err == nil:
				msg = "A token is stored in the system keyring."
			case errors.Is(err, settings.ErrNoToken):
				msg = "No token stored for this server."
			default:
				msg = keyringMessage(err, false)
				imp = widget.WarningImportance
			}
			f.tokenStatus.Importance = imp
			f.tokenStatus.SetText(msg)
		})
	}()
}

// keyringMessage explains a TokenStore error to the user. stored says
// whether a token was just being saved (and is now held for the session).
func keyringMessage(err error, stored bool) string {
	if msg := settings.TokenProblem(err, stored); msg != "" {
		return msg
	}
	return "The system keyring failed."
}
