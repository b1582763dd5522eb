package settingsui

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2/widget"
	"github.com/warpdesk/warpdesk/settings"
)

// load puts s into the widgets: the global ones, the servers list, and
// the first server in the editor.
func (f *form) load(s settings.Settings) {
	f.muted.Options = nil
	f.minSeverity.SetSelected(severityLabel(s.MinSeverity))
	f.quietOn.SetChecked(s.QuietHours.Enabled)
	f.quietStart.SetText(s.QuietHours.Start.String())
	f.quietEnd.SetText(s.QuietHours.End.String())
	setChoices(f.outage, outageChoices, s.OutageNotice, outageLabel)
	setChoices(f.reAlert, reAlertChoices, s.ReAlert, reAlertLabel)
	f.criticalsBreak.SetChecked(!s.PauseCriticals)
	f.sound.SetChecked(!s.SilentCriticals)
	f.compression.SetChecked(s.Compression)
	f.startLogin.SetChecked(s.StartAtLogin)
	sel := -1
	if len(f.servers) > 0 {
		sel = 0
	}
	f.loadEditor(sel)
	f.rebuildRooms(slices.Clone(s.MutedRooms))
	f.checkQuiet()
}

// setChoices offers choices (and cur, when it is not among them) in sel,
// labelled by label, with cur selected.
func setChoices(sel *widget.Select, choices []time.Duration, cur time.Duration, label func(time.Duration) string) {
	opts := make([]string, 0, len(choices)+1)
	for _, d := range choices {
		opts = append(opts, label(d))
	}
	if !slices.Contains(choices, cur) {
		opts = append(opts, label(cur))
	}
	sel.SetOptions(opts)
	sel.SetSelected(label(cur))
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

func reAlertLabel(d time.Duration) string {
	if d == 0 {
		return "Never"
	}
	return "Every" + strings.TrimPrefix(outageLabel(d), "After")
}

func parseReAlert(label string) time.Duration {
	if label == "Never" {
		return 0
	}
	return parseOutage("After" + strings.TrimPrefix(label, "Every"))
}

// usesDemo reports whether the built-in demo server is chosen.
func (f *form) usesDemo() bool { return f.serverChoice.Selected == choiceDemo }

// checkServerURL follows the server choice, the name and the URLs as they
// are typed: each one's problem under its field (a duplicate of another
// server's URL or name included), and what sending the token there would
// risk (settings.TokenRisks) with the check that confirms it.
func (f *form) checkServerURL() {
	sv, ok := f.selected()
	if f.loading || !ok {
		return
	}
	demo := f.usesDemo()
	for _, w := range []interface {
		Enable()
		Disable()
	}{f.serverURL, f.catchupURL, f.testBtn} {
		if demo {
			w.Disable()
		} else {
			w.Enable()
		}
	}
	if f.opts.Tokens != nil {
		if demo { // the demo's token is built in
			f.token.Disable()
			f.forgetToken.Disable()
		} else {
			f.token.Enable()
			f.forgetToken.Enable()
		}
	}
	byField := map[string]error{}
	for _, fe := range settings.FieldErrors(f.problems(settings.Settings{Servers: f.editedServers(), MinSeverity: settings.SeverityInfo})) {
		if fe.Server == sv.ID && byField[fe.Field] == nil {
			byField[fe.Field] = fe
		}
	}
	urlErr := byField["ServerURL"]
	if !demo && strings.TrimSpace(f.serverURL.Text) == "" && !f.bad[sv.ID] {
		urlErr = nil // nothing typed yet: no error before the first Save
	}
	setError(f.urlError, urlErr)
	setError(f.catchupErr, byField["CatchupURL"])
	setError(f.nameErr, byField["ServerName"])
	f.showRisks()
}

// wantsURL reports whether server id is to be a server of one's own (not
// the demo): the editor's choice for the selected server.
func (f *form) wantsURL(id string) bool {
	if sv, ok := f.selected(); ok && sv.ID == id {
		return !f.usesDemo()
	}
	return f.ownURL[id]
}

// editorServer is the selected server as the editor shows it now.
func (f *form) editorServer() settings.Server {
	sv, _ := f.selected()
	sv = sv.Clone()
	sv.Name, sv.URL, sv.CatchupURL = f.serverName.Text, f.serverURL.Text, f.catchupURL.Text
	if f.usesDemo() {
		sv.URL, sv.CatchupURL = "", ""
	}
	sv.Rooms = slices.Clone(f.rooms)
	return sv
}

// editedServers is the list with the editor's values for the selected
// server.
func (f *form) editedServers() []settings.Server {
	list := settings.Settings{Servers: f.servers}.Clone().Servers
	if f.sel >= 0 && f.sel < len(list) {
		list[f.sel] = f.editorServer()
	}
	return list
}

// problems validates s and adds what Validate cannot see: a server whose
// choice is a URL of one's own but has none yet (Validate would take it
// for the demo server).
func (f *form) problems(s settings.Settings) error {
	noURL := map[string]bool{}
	for _, sv := range s.Servers {
		if sv.IsDemo() && f.wantsURL(sv.ID) {
			noURL[sv.ID] = true
		}
	}
	var errs []error
	for _, fe := range settings.FieldErrors(s.Validate()) {
		if noURL[fe.Server] && errors.Is(fe, settings.ErrDuplicateServer) {
			continue // not a second demo: a URL still to enter
		}
		errs = append(errs, fe)
	}
	for _, sv := range s.Servers {
		var fe *settings.FieldError
		if noURL[sv.ID] && errors.As(settings.ValidateServerURL(""), &fe) {
			fe.Server = sv.ID
			errs = append(errs, fe)
		}
	}
	return errors.Join(errs...)
}

// risks are what the user must confirm before the token goes to the URLs
// in the form; none for the demo.
func (f *form) risks() []settings.Risk {
	if f.usesDemo() || settings.ValidateServerURL(f.serverURL.Text) != nil {
		return nil
	}
	return settings.TokenRisks(f.serverURL.Text, f.catchupURL.Text)
}

// showRisks shows the risks of the URLs as typed, ticked when every one of
// them is confirmed: a confirmation is for its host only.
func (f *form) showRisks() {
	risks := f.risks()
	if len(risks) == 0 {
		f.insecure.Hide()
		f.syncing = true
		f.insecureOK.SetChecked(false)
		f.syncing = false
		f.insecureOK.Hide()
		setError(f.riskErr, nil)
		return
	}
	msgs := make([]string, len(risks))
	for i, r := range risks {
		msgs[i] = r.Message()
	}
	f.insecure.SetText("Before your token is sent: " + strings.Join(msgs, "; ") + ".")
	f.insecure.Show()
	f.syncing = true
	f.insecureOK.SetChecked(len(settings.Unconfirmed(risks, f.confirmed)) == 0)
	f.syncing = false
	f.insecureOK.Show()
	if f.insecureOK.Checked {
		setError(f.riskErr, nil)
	}
}

// confirmRisks records the user's answer for the risks shown now.
func (f *form) confirmRisks(on bool) {
	if f.syncing {
		return
	}
	keys := settings.AcceptRisks(f.risks())
	f.confirmed = slices.DeleteFunc(f.confirmed, func(k string) bool { return slices.Contains(keys, k) })
	if on {
		f.confirmed = append(f.confirmed, keys...)
		setError(f.riskErr, nil)
	}
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
		Servers:         f.editedServers(),
		ConfirmedRisks:  slices.Clone(f.confirmed),
		MutedRooms:      slices.Clone(f.muted.Selected),
		QuietHours:      q,
		OutageNotice:    parseOutage(f.outage.Selected),
		ReAlert:         parseReAlert(f.reAlert.Selected),
		SilentCriticals: !f.sound.Checked,
		PauseCriticals:  !f.criticalsBreak.Checked,
		Compression:     f.compression.Checked,
		StartAtLogin:    f.startLogin.Checked,
	}
	for _, l := range severityLabels {
		if l.label == f.minSeverity.Selected {
			s.MinSeverity = l.sev
		}
	}
	return s.Normalize()
}

// showFieldErrors shows each field's first problem under that field (the
// selected server's, and the global ones), and hides the labels of fields
// without one.
func (f *form) showFieldErrors(err error) {
	sv, _ := f.selected()
	byField := map[string]error{}
	for _, fe := range settings.FieldErrors(err) {
		if fe.Server != "" && fe.Server != sv.ID {
			continue
		}
		if _, ok := byField[fe.Field]; !ok {
			byField[fe.Field] = fe
		}
	}
	for field, l := range map[string]*widget.Label{
		"ServerURL": f.urlError, "CatchupURL": f.catchupErr, "Rooms": f.roomError, "ServerName": f.nameErr,
		"MutedRooms": f.mutedErr, "MinSeverity": f.sevErr, "QuietHours": f.quietErr, "OutageNotice": f.outageErr,
		"ReAlert": f.reAlertErr,
	} {
		setError(l, byField[field])
	}
}
