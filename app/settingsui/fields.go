package settingsui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2/widget"
	"github.com/warpdesk/warpdesk/settings"
)

// load puts s into the widgets.
func (f *form) load(s settings.Settings) {
	if first(s).IsDemo() {
		f.serverChoice.SetSelected(choiceDemo)
	} else {
		f.serverChoice.SetSelected(choiceURL)
	}
	f.serverURL.SetText(first(s).URL)
	f.catchupURL.SetText(first(s).CatchupURL)
	f.rooms = slices.Clone(first(s).Rooms)
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
	f.criticalsBreak.SetChecked(!s.PauseCriticals)
	f.compression.SetChecked(s.Compression)
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

// usesDemo reports whether the built-in demo server is chosen.
func (f *form) usesDemo() bool { return f.serverChoice.Selected == choiceDemo }

// checkServerURL follows the server choice and the URLs as they are typed:
// each URL's problem under its field, and what sending the token there
// would risk (settings.TokenRisks) with the check that confirms it.
func (f *form) checkServerURL() {
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
	raw := f.serverURL.Text
	var urlErr, cuErr error
	if !demo {
		urlErr = settings.ValidateServerURL(raw)
		if strings.TrimSpace(raw) == "" && first(f.cur).IsDemo() {
			urlErr = nil // just switched from the demo: no error before anything is typed
		}
		cuErr = settings.ValidateCatchupURL(f.catchupURL.Text)
	}
	setError(f.urlError, urlErr)
	setError(f.catchupErr, cuErr)
	f.showRisks()
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
	sv := first(f.cur)
	sv.URL, sv.Rooms, sv.CatchupURL = f.serverURL.Text, slices.Clone(f.rooms), f.catchupURL.Text
	if f.usesDemo() {
		sv.URL, sv.CatchupURL = "", ""
	}
	s := settings.Settings{
		Servers:         append([]settings.Server{sv}, f.cur.Clone().Servers[min(1, len(f.cur.Servers)):]...),
		ReAlert:         f.cur.ReAlert,
		SilentCriticals: f.cur.SilentCriticals,
		ConfirmedRisks:  slices.Clone(f.confirmed),
		MutedRooms:      slices.Clone(f.muted.Selected),
		QuietHours:      q,
		OutageNotice:    parseOutage(f.outage.Selected),
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

// showFieldErrors shows each field's first problem under that field, and
// hides the labels of fields without one.
func (f *form) showFieldErrors(err error) {
	byField := map[string]error{}
	for _, fe := range settings.FieldErrors(err) {
		if _, ok := byField[fe.Field]; !ok {
			byField[fe.Field] = fe
		}
	}
	for field, l := range map[string]*widget.Label{
		"ServerURL": f.urlError, "CatchupURL": f.catchupErr, "Rooms": f.roomError, "MutedRooms": f.mutedErr,
		"MinSeverity": f.sevErr, "QuietHours": f.quietErr, "OutageNotice": f.outageErr,
	} {
		setError(l, byField[field])
	}
}
