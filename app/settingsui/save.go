package settingsui

import (
	"context"
	"errors"
	"slices"
	"strings"

	"fyne.io/fyne/v2/widget"

	"github.com/warpdesk/warpdesk/settings"
)

func (f *form) setStatus(msg string, imp widget.Importance) {
	f.status.Importance = imp
	f.status.SetText(msg)
}

// onSave validates, then stores the tokens and writes the autostart entry
// in the background, then applies and persists on the UI goroutine, and
// only then deletes the keyring entries of removed servers (deleteUnused).
func (f *form) onSave() {
	f.storeEditor()
	s := f.collect()
	if err := errors.Join(f.problems(s), f.quietHoursErr()); err != nil {
		f.refuse(err)
		return
	}
	f.bad = map[string]bool{}
	f.rebuildServers()
	f.showFieldErrors(nil)

	toks, ok := f.tokensToSave(s)
	if !ok {
		return
	}
	for _, sv := range s.Servers {
		if err := settings.CheckTokenRisks(sv.URL, sv.CatchupURL, s.ConfirmedRisks); err != nil {
			f.loadEditor(f.index(sv.ID))
			setError(f.riskErr, errors.New(`Tick "Send my token anyway" to confirm, or use wss:// and https://.`))
			f.setStatus("Not saved: "+err.Error()+".", widget.DangerImportance)
			return
		}
	}

	f.mu.Lock()
	old := f.cur.Clone()
	f.mu.Unlock()
	moved := f.movedHosts(old, s)
	if len(moved) == 0 {
		f.startSave(old, s, toks)
		return
	}
	msg := strings.Join(moved, "; ") + ". A token never follows a server to another host: Warpdesk will ask for the new host's token."
	f.confirm("Delete the old host's token?", msg, func(ok bool) {
		if !ok {
			f.setStatus("Not saved: the tokens are kept.", widget.MediumImportance)
			return
		}
		f.startSave(old, s, toks)
	})
}

// movedHosts says, for each saved server whose URL now names another host
// and whose old host's keyring entry the save would delete, which entry
// goes: "Staging: the token stored for staging.example.com will be
// deleted". Nil without a token store.
func (f *form) movedHosts(old, s settings.Settings) []string {
	if f.opts.Tokens == nil {
		return nil
	}
	plan := settings.TokenChanges(old, s)
	var out []string
	for _, id := range plan.Reenter {
		o, _ := old.Server(id)
		n, _ := s.Server(id)
		if !o.IsDemo() && slices.ContainsFunc(plan.Delete, func(u string) bool { return settings.TokenUser(u) == settings.TokenUser(o.URL) }) {
			out = append(out, n.Label()+": the token stored for "+settings.TokenUser(o.URL)+" will be deleted")
		}
	}
	return out
}

// startSave writes the autostart entry in the background, then applies
// and persists on the UI goroutine (finishSave), which stores the tokens
// only once that succeeded.
func (f *form) startSave(old, s settings.Settings, toks map[string]settings.Secret) {
	f.save.Disable()
	f.setStatus("Saving…", widget.MediumImportance)
	f.bg.Add(1)
	go func() {
		defer f.bg.Done()
		var notes []string
		imp := widget.SuccessImportance
		if s.StartAtLogin != old.StartAtLogin || s.StartAtLogin != settings.StartAtLoginEnabled() {
			if err := settings.SetStartAtLogin(s.StartAtLogin, ""); err != nil {
				notes = append(notes, "Start at login: "+err.Error())
				imp = widget.WarningImportance
			}
		}
		f.do(func() { f.finishSave(old, s, toks, notes, imp) })
	}()
}

// refuse shows why the settings cannot be saved: the first server with a
// problem opens in the editor, every such server is marked in the list,
// and each problem shows under its field.
func (f *form) refuse(err error) {
	f.bad = map[string]bool{}
	for _, fe := range settings.FieldErrors(err) {
		if fe.Server != "" {
			f.bad[fe.Server] = true
		}
	}
	if sv, ok := f.selected(); !ok || !f.bad[sv.ID] {
		for i, sv := range f.servers {
			if f.bad[sv.ID] {
				f.loadEditor(i)
				break
			}
		}
	}
	f.rebuildServers()
	f.showFieldErrors(err)
	msg := "Not saved: fix the fields marked in red."
	for _, fe := range settings.FieldErrors(err) {
		if fe.Field == "Servers" {
			msg = "Not saved: " + fe.Msg + "."
		}
	}
	f.setStatus(msg, widget.DangerImportance)
}

// tokensToSave are the tokens typed for the servers of s (none for the
// demo, whose token is built in), each valid; false, with the problem
// shown under the token field of its server, when one is not.
func (f *form) tokensToSave(s settings.Settings) (map[string]settings.Secret, bool) {
	if f.opts.Tokens == nil {
		return nil, true
	}
	var toks map[string]settings.Secret
	for _, sv := range s.Servers {
		tok, ok := f.pending[sv.ID]
		if !ok || sv.IsDemo() {
			continue
		}
		if err := settings.ValidateToken(tok); err != nil {
			f.loadEditor(f.index(sv.ID))
			setError(f.tokenErr, errors.New(settings.TokenProblem(err, false)))
			f.setStatus("Not saved: fix the fields marked in red.", widget.DangerImportance)
			return nil, false
		}
		if toks == nil {
			toks = map[string]settings.Secret{}
		}
		toks[sv.ID] = tok
	}
	return toks, true
}

// storeTokens stores the tokens typed, each under its server's entry,
// off the UI goroutine, and adds to notes what the user should know: a
// token that could not be stored (the settings are saved, that token is
// not), a server moved to another host that needs its token again
// (settings.TokenChanges). It runs only once the settings are applied and
// persisted, so a save that fails leaves no typed token behind; and it
// deletes nothing (deleteUnused does, after it).
func (f *form) storeTokens(old, s settings.Settings, toks map[string]settings.Secret, notes []string, imp widget.Importance) ([]string, widget.Importance) {
	if f.opts.Tokens == nil {
		return notes, imp
	}
	plan := settings.TokenChanges(old, s)
	ctx, cancel := context.WithTimeout(context.Background(), keyringBudget)
	defer cancel()
	for _, sv := range s.Servers {
		tok, ok := toks[sv.ID]
		if !ok {
			if plan.Needed(sv.ID) {
				notes = append(notes, "Enter the token for "+sv.Label()+": it is a new host, and tokens are never carried to another host.")
				imp = widget.WarningImportance
			}
			continue
		}
		if err := f.opts.Tokens.Set(ctx, sv.URL, tok); err != nil {
			notes = append(notes, "The settings are saved, but "+sv.Label()+"'s token is not stored in the system keyring. "+
				keyringMessage(err, f.opts.Tokens.SessionOnly(sv.URL)))
			imp = widget.WarningImportance
		}
	}
	return notes, imp
}

// deleteUnused deletes, off the UI goroutine, the keyring entries that no
// server uses since the save from old to s (removed servers, servers
// moved to another host), and says so when that fails. It runs only once
// s is applied and persisted.
func (f *form) deleteUnused(old, s settings.Settings, status string) {
	plan := settings.TokenChanges(old, s)
	if f.opts.Tokens == nil || len(plan.Delete) == 0 {
		return
	}
	f.bg.Add(1)
	go func() {
		defer f.bg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), keyringBudget)
		err := plan.Apply(ctx, f.opts.Tokens)
		cancel()
		if err == nil {
			return
		}
		f.do(func() {
			f.setStatus(status+" A removed server's token could not be deleted from the system keyring: "+
				keyringMessage(err, false), widget.WarningImportance)
		})
	}()
}

// finishSave runs on the UI goroutine: it applies and persists s, and
// only when both succeeded stores the tokens typed, in the background;
// then saved ends the save.
func (f *form) finishSave(old, s settings.Settings, toks map[string]settings.Secret, notes []string, imp widget.Importance) {
	if f.opts.Apply != nil {
		if err := f.opts.Apply(s.Clone(), toks); err != nil {
			f.save.Enable()
			f.setStatus("Not applied: "+err.Error(), widget.DangerImportance)
			return
		}
	}
	if err := settings.Save(f.opts.Prefs, s); err != nil {
		f.save.Enable()
		f.setStatus("Not saved: "+err.Error(), widget.DangerImportance)
		return
	}
	f.mu.Lock()
	f.cur = s.Clone()
	f.mu.Unlock()
	f.bg.Add(1)
	go func() {
		defer f.bg.Done()
		notes, imp := f.storeTokens(old, s, toks, notes, imp)
		f.do(func() { f.saved(old, s, toks, notes, imp) })
	}()
}

// saved runs on the UI goroutine once the settings are persisted and the
// tokens stored. It tells Options.Saved last, so the agent reloads with
// the tokens in the keyring.
func (f *form) saved(old, s settings.Settings, toks map[string]settings.Secret, notes []string, imp widget.Importance) {
	for id := range toks {
		delete(f.pending, id)
	}
	if sv, ok := f.selected(); ok {
		if _, typed := toks[sv.ID]; typed {
			f.token.SetText("")
		}
		if o, _ := old.Server(sv.ID); typed(toks, sv.ID) || o.URL != sv.URL {
			f.refreshTokenStatus(f.savedURL(sv.ID))
		}
	}
	status := strings.Join(append([]string{"Saved and applied."}, notes...), " ")
	f.setStatus(status, imp)
	f.deleteUnused(old, s, status)
	f.save.Enable()
	if f.opts.Saved != nil {
		f.opts.Saved() // last: the window is done with this save when the agent hears of it
	}
}

func typed(toks map[string]settings.Secret, id string) bool { _, ok := toks[id]; return ok }

// forget asks first, naming the server and the keyring entry, then
// deletes the token stored for the selected server (under the URL it was
// saved with) at once: unlike Remove it does not wait for Save.
func (f *form) forget() {
	sv, ok := f.selected()
	if f.opts.Tokens == nil || !ok {
		return
	}
	id, url := sv.ID, f.savedURL(sv.ID)
	msg := "The token typed for " + sv.Label() + " will be cleared."
	if url != "" {
		msg = "The token stored for " + settings.TokenUser(url) + " will be deleted from the system keyring now. " +
			sv.Label() + " cannot connect until you enter a token again."
	}
	f.confirm("Forget the token of "+sv.Label()+"?", msg, func(yes bool) {
		if yes {
			f.forgetNow(id, url)
		}
	})
}

// forgetNow deletes the token of server id, stored under url ("": none
// stored yet), once the user said yes.
func (f *form) forgetNow(id, url string) {
	delete(f.pending, id)
	f.forgetToken.Disable()
	if sv, ok := f.selected(); ok && sv.ID == id {
		f.token.SetText("")
	}
	if url == "" {
		f.forgetToken.Enable()
		f.tokenStatus.SetText("Token removed.")
		return
	}
	f.bg.Add(1)
	go func() {
		defer f.bg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), keyringBudget)
		err := f.opts.Tokens.Delete(ctx, url)
		cancel()
		f.do(func() { f.forgotten(id, err) })
	}()
}

// forgotten runs on the UI goroutine when forget's keyring job for server
// id ends; it says so under the token field while id is in the editor.
func (f *form) forgotten(id string, err error) {
	f.forgetToken.Enable()
	switch sv, ok := f.selected(); {
	case !ok || sv.ID != id:
		// Another server is in the editor: its token status stands.
	case err != nil:
		f.tokenStatus.Importance = widget.WarningImportance
		f.tokenStatus.SetText("Token forgotten for this session, but the system keyring could not be reached: a stored copy may remain there.")
	default:
		f.tokenStatus.Importance = widget.MediumImportance
		f.tokenStatus.SetText("Token removed.")
	}
	if f.opts.Apply != nil {
		f.mu.Lock()
		cur := f.cur.Clone()
		f.mu.Unlock()
		if aerr := f.opts.Apply(cur, map[string]settings.Secret{id: ""}); aerr != nil {
			f.setStatus("Not applied: "+aerr.Error(), widget.DangerImportance)
		}
	}
	if f.opts.Saved != nil {
		f.opts.Saved() // the token changed: the agent reconnects
	}
}

// refreshTokenStatus asks the keyring, in the background, whether a token
// is stored for url, and says so under the token field.
func (f *form) refreshTokenStatus(url string) {
	if f.opts.Tokens == nil {
		return
	}
	if strings.TrimSpace(url) == "" { // not saved yet, or the demo: nothing stored
		f.tokenStatus.Importance = widget.MediumImportance
		f.tokenStatus.SetText("No token stored for this server.")
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
			if sv, ok := f.selected(); !ok || (f.savedURL(sv.ID) != url) {
				return // another server is in the editor now
			}
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
