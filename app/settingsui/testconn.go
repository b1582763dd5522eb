package settingsui

import (
	"context"
	"errors"
	"slices"
	"strings"

	"fyne.io/fyne/v2/widget"

	"github.com/warpdesk/warpdesk/settings"
)

// testConnection dials the selected server's URLs in the form with the
// token in the form (or, when none is typed, the one stored for that
// server, if the URL still names its host: a token never goes to another
// host) through Options.Probe, in the background and bounded, and says
// the outcome under the button, unless another server or URL is in the
// editor by then (the outcome would read as theirs). The token goes
// nowhere Save would not send it: the same consent is needed first.
func (f *form) testConnection() {
	if f.usesDemo() {
		return
	}
	url, cu := strings.TrimSpace(f.serverURL.Text), strings.TrimSpace(f.catchupURL.Text)
	if err := errors.Join(settings.ValidateServerURL(url), settings.ValidateCatchupURL(cu)); err != nil {
		f.checkServerURL()
		f.showTest(widget.DangerImportance, "Not tested: fix the URL first.")
		return
	}
	typed := settings.Secret(strings.TrimSpace(f.token.Text))
	if typed != "" {
		if err := settings.ValidateToken(typed); err != nil {
			setError(f.tokenErr, errors.New(settings.TokenProblem(err, false)))
			f.showTest(widget.DangerImportance, "Not tested: the token is not valid.")
			return
		}
	}
	if err := settings.CheckTokenRisks(url, cu, f.confirmed); err != nil {
		setError(f.riskErr, errors.New(`Tick "Send my token anyway" to confirm, or use wss:// and https://.`))
		f.showTest(widget.DangerImportance, "Not tested: "+err.Error()+".")
		return
	}
	rooms := slices.Clone(f.rooms)
	tokens, probe := f.opts.Tokens, f.opts.Probe
	sv, _ := f.selected()
	saved := f.savedURL(sv.ID)
	f.testBtn.Disable()
	f.showTest(widget.MediumImportance, "Testing the connection…")
	f.bg.Add(1)
	go func() {
		defer f.bg.Done()
		tok := typed
		if tok == "" && tokens != nil && saved != "" && settings.TokenUser(saved) == settings.TokenUser(url) {
			ctx, cancel := context.WithTimeout(context.Background(), keyringBudget)
			tok, _ = tokens.Get(ctx, saved) // none stored, or no keyring: test without
			cancel()
		}
		ctx, cancel := context.WithTimeout(context.Background(), ProbeTimeout)
		res := probe(ctx, url, cu, rooms, tok)
		cancel()
		f.do(func() {
			f.testBtn.Enable()
			if now, ok := f.selected(); !ok || now.ID != sv.ID || strings.TrimSpace(f.serverURL.Text) != url ||
				strings.TrimSpace(f.catchupURL.Text) != cu {
				f.testResult.Hide() // another server or URL is in the editor: the outcome is not its
				return
			}
			imp := widget.DangerImportance
			if res.OK {
				imp = widget.SuccessImportance
			}
			f.showTest(imp, res.Message)
		})
	}()
}

func (f *form) showTest(imp widget.Importance, msg string) {
	f.testResult.Importance = imp
	f.testResult.SetText(msg)
	f.testResult.Show()
}
