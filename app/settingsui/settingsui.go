// Package settingsui is Warpdesk's Settings window (Fyne): the servers
// (a list with Add, Edit and Remove; each one the built-in demo or a URL,
// with its rooms, its API token and "Test connection"; Enabled and Muted per
// server), notification rules (re-alerting and the critical sound
// included) and start at login.
//
// The window owns saving: on Save it validates (each field's problem shows
// under that field and goes once fixed; a server with problems is opened
// in the editor and marked in the list), asks for consent before a token
// would travel unencrypted or to a second host (settings.TokenRisks), writes
// or removes the autostart entry off the UI goroutine, calls Options.Apply
// on the UI goroutine, and, when that succeeds, persists the settings to
// Options.Prefs. Only then does it store each new token in the keyring
// under its server's own entry (off the UI goroutine, bounded by the
// TokenStore's timeout), delete the keyring entries of removed servers
// (settings.TokenChanges; Remove, and a URL moved to another host, ask
// first) and call Options.Saved: a save that fails neither loses a stored
// token nor leaves a typed one behind. A locked or missing keyring is a
// message in the window ("the settings are saved, but Staging's token is
// not"); the token is then held for this session only. "Forget token"
// asks first, then deletes the server's keyring entry at once.
//
// In the window process (docs/ARCHITECTURE.md) the dashboard's Settings
// button and Ctrl+, call the func WindowOpener returns: settings are read
// from and saved to the settings file, and Saved tells the agent
// (store.Commands.SettingsChanged), which reloads them.
package settingsui

import (
	"errors"
	"slices"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/warpdesk/warpdesk/settings"
)

// ApplyFunc applies saved settings to a running app in the same process.
// It runs on the UI goroutine and must not block (see settings.Changes).
// tokens holds, by server ID, the tokens the user changed: the new token
// (already in the TokenStore, in the keyring or for this session only),
// or "" when the user removed it; servers whose token was not touched are
// absent (nil when none was). An error is shown in the window and the
// settings are not persisted, so the user can fix and save again.
type ApplyFunc func(s settings.Settings, tokens map[string]settings.Secret) error

// Options configures the Settings window. The zero value saves to the
// app's preferences, with no token field, nothing applied live and the
// real Probe.
type Options struct {
	// Prefs is where Save persists: the settings file (*settings.File) in
	// the window process. Nil means a.Preferences().
	Prefs settings.Prefs
	// Tokens keeps the token in the keyring; nil disables the token field.
	Tokens *settings.TokenStore
	// Apply, if set, applies saved settings before they are persisted.
	Apply ApplyFunc
	// Saved, if set, runs on the UI goroutine after the settings are
	// persisted (and after the token is stored or forgotten): tell the
	// agent to reload.
	Saved func()
	// Probe tests a connection for the "Test connection" button; nil
	// means Probe.
	Probe ProbeFunc
	// LoadErr is the error reading the settings shown gave, if any. When
	// it matches settings.ErrCorruptFile (a settings file set aside, a
	// servers list that does not read), the window shows the defaults or
	// no servers instead of what was stored, and says so at once, so that
	// a Save replacing it is the user's informed choice. Other errors
	// (stored values that do not validate) show under their fields at
	// Save.
	LoadErr error
}

// keyringBudget bounds one background keyring job, on top of the
// TokenStore's own per-call timeout.
const keyringBudget = 10 * time.Second

// NewWindowWith builds the Settings window for cur (it does not Show it).
// A server's URL is "" for the built-in demo server: never pass the demo's
// own address, which changes on every start.
//
// Call it from the UI goroutine. Keep one window at a time (WindowOpener
// does).
func NewWindowWith(a fyne.App, cur settings.Settings, opts Options) fyne.Window {
	if opts.Prefs == nil {
		opts.Prefs = a.Preferences()
	}
	w := a.NewWindow("Warpdesk Settings")
	f := newForm(cur, opts, fyne.Do)
	f.confirm = func(title, msg string, answer func(bool)) {
		dialog.ShowConfirm(title, msg, answer, w)
	}
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
	w.Resize(fyne.NewSize(640, 800))
	return w
}

// form is the window's state. Its widgets are unexported fields so the
// package's tests can drive them with fyne's test driver.
type form struct {
	opts Options
	do   func(func()) // runs a function on the UI goroutine: fyne.Do

	mu        sync.Mutex // guards cur, read from background jobs
	cur       settings.Settings
	bg        sync.WaitGroup // background keyring / file / probe jobs, for tests
	confirmed []string       // settings.Risk keys the user confirmed
	syncing   bool           // showRisks is setting insecureOK, not the user
	loading   bool           // loadEditor is filling the editor, not the user
	// confirm asks a yes/no question (a dialog on the window; tests
	// answer it themselves).
	confirm func(title, msg string, answer func(bool))

	servers []settings.Server          // the list as edited
	sel     int                        // the server in the editor; -1 none
	pending map[string]settings.Secret // tokens typed, by server ID, not saved yet
	ownURL  map[string]bool            // servers whose choice is a URL of one's own, by ID
	bad     map[string]bool            // servers with problems at the last Save, by ID
	rows    map[string]*serverRow
	rooms   []string // the selected server's rooms as edited

	serverBox      *fyne.Container
	addServer      *widget.Button
	editorTitle    *widget.Label
	serverName     *widget.Entry
	nameErr        *widget.Label
	serverChoice   *widget.RadioGroup // choiceDemo or choiceURL
	serverURL      *widget.Entry
	urlError       *widget.Label
	insecure       *widget.Label // the risks of sending the token, when any
	insecureOK     *widget.Check // confirms them
	riskErr        *widget.Label
	catchupURL     *widget.Entry
	catchupErr     *widget.Label
	testBtn        *widget.Button
	testResult     *widget.Label
	roomEntry      *widget.Entry
	addRoom        *widget.Button
	roomError      *widget.Label
	roomBox        *fyne.Container
	roomRemove     map[string]*widget.Button
	token          *widget.Entry
	tokenErr       *widget.Label
	tokenStatus    *widget.Label
	forgetToken    *widget.Button
	minSeverity    *widget.Select
	sevErr         *widget.Label
	muted          *widget.CheckGroup
	mutedErr       *widget.Label
	quietOn        *widget.Check
	quietStart     *widget.Entry
	quietEnd       *widget.Entry
	quietErr       *widget.Label
	outage         *widget.Select
	outageErr      *widget.Label
	reAlert        *widget.Select
	reAlertErr     *widget.Label
	sound          *widget.Check // the opposite of settings.SilentCriticals
	criticalsBreak *widget.Check // the opposite of settings.PauseCriticals
	compression    *widget.Check
	startLogin     *widget.Check
	save           *widget.Button
	closeBtn       *widget.Button
	status         *widget.Label

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

var reAlertChoices = []time.Duration{0, time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute,
	15 * time.Minute, 30 * time.Minute, time.Hour}

// The two answers of the server choice.
const (
	choiceDemo = "Use the built-in demo server"
	choiceURL  = "Use my server"
)

func newForm(cur settings.Settings, opts Options, do func(func())) *form {
	if opts.Probe == nil {
		opts.Probe = Probe
	}
	cur = cur.Normalize()
	f := &form{opts: opts, do: do, cur: cur.Clone(), servers: cur.Clone().Servers, sel: -1,
		pending: map[string]settings.Secret{}, ownURL: map[string]bool{}, bad: map[string]bool{},
		confirmed: slices.Clone(cur.ConfirmedRisks)}
	f.confirm = func(_, _ string, answer func(bool)) { answer(true) } // NewWindowWith asks
	for _, sv := range cur.Servers {
		f.ownURL[sv.ID] = !sv.IsDemo()
	}
	f.serverWidgets()
	f.ruleWidgets()

	f.save = widget.NewButton("Save", f.onSave)
	f.save.Importance = widget.HighImportance
	f.closeBtn = widget.NewButton("Close", nil) // shown by NewWindowWith
	f.closeBtn.Hide()
	f.status = widget.NewLabel("")
	f.status.Wrapping = fyne.TextWrapWord

	f.load(cur)
	f.layout()
	if errors.Is(opts.LoadErr, settings.ErrCorruptFile) {
		f.setStatus("The stored settings could not be read, so they are not shown here: "+
			opts.LoadErr.Error()+". Save replaces them with what this window shows.", widget.WarningImportance)
	}
	if opts.Tokens == nil {
		f.token.Disable()
		f.forgetToken.Disable()
		f.tokenStatus.SetText("No token store: the token cannot be changed here.")
	}
	return f
}

// serverWidgets makes the server, token and room widgets.
func (f *form) serverWidgets() {
	f.serverBox = container.NewVBox()
	f.addServer = widget.NewButton("Add server", f.addNewServer)
	f.editorTitle = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	f.serverName = widget.NewEntry()
	f.serverName.SetPlaceHolder("e.g. Production (optional)")
	f.nameErr = errorLabel()
	f.serverName.OnChanged = func(string) { f.checkServerURL() }
	f.serverChoice = widget.NewRadioGroup([]string{choiceDemo, choiceURL}, func(string) { f.checkServerURL() })
	f.serverChoice.Required = true
	f.serverURL = widget.NewEntry()
	f.serverURL.SetPlaceHolder("wss://ops.example.com/ws")
	f.urlError = errorLabel()
	f.insecure = widget.NewLabel("")
	f.insecure.Importance = widget.WarningImportance
	f.insecure.Wrapping = fyne.TextWrapWord
	f.insecureOK = widget.NewCheck("Send my token anyway", f.confirmRisks)
	f.riskErr = errorLabel()
	f.serverURL.OnChanged = func(string) { f.checkServerURL() }

	f.catchupURL = widget.NewEntry()
	f.catchupURL.SetPlaceHolder("derived from the server URL")
	f.catchupErr = errorLabel()
	f.catchupURL.OnChanged = func(string) { f.checkServerURL() }
	f.testBtn = widget.NewButton("Test connection", f.testConnection)
	f.testResult = widget.NewLabel("")
	f.testResult.Wrapping = fyne.TextWrapWord
	f.testResult.Hide()

	f.roomEntry = widget.NewEntry()
	f.roomEntry.SetPlaceHolder("room name, e.g. ops")
	f.roomEntry.OnSubmitted = func(string) { f.addRoomFromEntry() }
	f.roomEntry.OnChanged = func(string) { setError(f.roomError, nil) }
	f.addRoom = widget.NewButton("Add", f.addRoomFromEntry)
	f.roomError = errorLabel()
	f.roomBox = container.NewVBox()
	f.roomRemove = map[string]*widget.Button{}

	f.token = widget.NewPasswordEntry()
	f.token.SetPlaceHolder("paste a new token; empty keeps the current one")
	f.token.OnChanged = func(string) { setError(f.tokenErr, nil) }
	f.tokenErr = errorLabel()
	f.tokenStatus = widget.NewLabel("")
	f.tokenStatus.Wrapping = fyne.TextWrapWord
	f.forgetToken = widget.NewButton("Forget token", f.forget)
}

// ruleWidgets makes the notification-rule, compression and start-at-login
// widgets.
func (f *form) ruleWidgets() {
	labels := make([]string, len(severityLabels))
	for i, s := range severityLabels {
		labels[i] = s.label
	}
	f.minSeverity = widget.NewSelect(labels, func(string) { setError(f.sevErr, nil) })
	f.sevErr = errorLabel()
	f.muted = widget.NewCheckGroup(nil, func([]string) { setError(f.mutedErr, nil) })
	f.mutedErr = errorLabel()
	f.quietOn = widget.NewCheck("Quiet hours: only critical incidents notify", func(bool) { f.checkQuiet() })
	f.quietStart = widget.NewEntry()
	f.quietStart.SetPlaceHolder("22:00")
	f.quietEnd = widget.NewEntry()
	f.quietEnd.SetPlaceHolder("07:00")
	f.quietErr = errorLabel()
	f.quietStart.OnChanged = func(string) { f.checkQuiet() }
	f.quietEnd.OnChanged = func(string) { f.checkQuiet() }
	f.outage = widget.NewSelect(nil, func(string) { setError(f.outageErr, nil) })
	f.outageErr = errorLabel()
	f.reAlert = widget.NewSelect(nil, func(string) { setError(f.reAlertErr, nil) })
	f.reAlertErr = errorLabel()
	f.sound = widget.NewCheck("Critical notifications ask for a sound", nil)
	f.criticalsBreak = widget.NewCheck("Critical incidents notify even while notifications are paused", nil)
	f.compression = widget.NewCheck("Compress traffic with the server (permessage-deflate, if the server offers it)", nil)
	f.startLogin = widget.NewCheck("Start Warpdesk when I log in", nil)
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
