package settingsui

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2/widget"

	"github.com/warpdesk/warpdesk/settings"
)

func (f *form) setStatus(msg string, imp widget.Importance) {
	f.status.Importance = imp
	f.status.SetText(msg)
}

// onSave validates, then stores the token and the autostart entry in the
// background, then applies and persists on the UI goroutine.
func (f *form) onSave() {
	s := f.collect()
	var urlErr error
	if !f.usesDemo() {
		urlErr = settings.ValidateServerURL(first(s).URL) // "" is a problem when a server of one's own is chosen
	}
	if err := errors.Join(s.Validate(), urlErr, f.quietHoursErr()); err != nil {
		f.showFieldErrors(err)
		f.setStatus("Not saved: fix the fields marked in red.", widget.DangerImportance)
		return
	}
	f.showFieldErrors(nil)

	var tok *settings.Secret
	if t := strings.TrimSpace(f.token.Text); t != "" && f.opts.Tokens != nil && !f.usesDemo() {
		sec := settings.Secret(t)
		if err := settings.ValidateToken(sec); err != nil {
			setError(f.tokenErr, errors.New(settings.TokenProblem(err, false)))
			f.setStatus("Not saved: fix the fields marked in red.", widget.DangerImportance)
			return
		}
		tok = &sec
	}
	if err := settings.CheckTokenRisks(first(s).URL, first(s).CatchupURL, s.ConfirmedRisks); err != nil {
		setError(f.riskErr, errors.New(`Tick "Send my token anyway" to confirm, or use wss:// and https://.`))
		f.setStatus("Not saved: "+err.Error()+".", widget.DangerImportance)
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
			err := f.opts.Tokens.Set(ctx, first(s).URL, *tok)
			cancel()
			if err != nil {
				notes = append(notes, keyringMessage(err, f.opts.Tokens.SessionOnly(first(s).URL)))
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
	if f.opts.Apply != nil {
		if err := f.opts.Apply(s.Clone(), tok); err != nil {
			f.setStatus("Not applied: "+err.Error(), widget.DangerImportance)
			return
		}
	}
	if err := settings.Save(f.opts.Prefs, s); err != nil {
		f.setStatus("Not saved: "+err.Error(), widget.DangerImportance)
		return
	}
	if f.opts.Saved != nil {
		f.opts.Saved()
	}
	f.mu.Lock()
	f.cur = s.Clone()
	f.mu.Unlock()
	if tok != nil {
		f.token.SetText("")
	}
	if tok != nil || settings.ServerChanges(first(old), first(s)).ServerChanged {
		f.refreshTokenStatus(first(s).URL)
	}
	f.setStatus(strings.Join(append([]string{"Saved and applied."}, notes...), " "), imp)
}

// forget deletes the token for the saved server URL.
func (f *form) forget() {
	if f.opts.Tokens == nil {
		return
	}
	f.mu.Lock()
	url := first(f.cur).URL
	f.mu.Unlock()
	f.forgetToken.Disable()
	f.token.SetText("")
	f.bg.Add(1)
	go func() {
		defer f.bg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), keyringBudget)
		err := f.opts.Tokens.Delete(ctx, url)
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
			if f.opts.Apply != nil {
				empty := settings.Secret("")
				f.mu.Lock()
				cur := f.cur.Clone()
				f.mu.Unlock()
				if aerr := f.opts.Apply(cur, &empty); aerr != nil {
					f.setStatus("Not applied: "+aerr.Error(), widget.DangerImportance)
				}
			}
			if f.opts.Saved != nil {
				f.opts.Saved() // the token changed: the agent reconnects
			}
		})
	}()
}

// refreshTokenStatus asks the keyring, in the background, whether a token
// is stored for url, and says so under the token field.
func (f *form) refreshTokenStatus(url string) {
	if f.opts.Tokens == nil {
		return
	}
	f.tokenStatus.SetText("Checking the system keyring…")
	f.bg.Add(1)
	go func() {
		defer f.bg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), keyringBudget)
		_, err := f.opts.Tokens.Get(ctx, url)
		cancel()
		session := f.opts.Tokens.SessionOnly(url)
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
