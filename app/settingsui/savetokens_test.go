package settingsui

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// A token typed is written to the keyring only once the settings are
// applied and saved: a save that fails leaves nothing behind; one that
// succeeds stores it before Options.Saved tells the agent, which reads
// the token from the keyring when it reloads.
func TestTokenStoredOnlyAfterTheSave(t *testing.T) {
	var atSaved []string
	h := open(t, current(), nil)
	h.f.opts.Saved = func() { atSaved = append(atSaved, h.kr.get("ops.example.com")) }
	test.Type(h.f.token, "tok-typed-SECRET")
	h.got.err = errors.New("the agent refused")
	h.save(t)
	if !strings.HasPrefix(h.f.status.Text, "Not applied") {
		t.Fatalf("status %q", h.f.status.Text)
	}
	if got := h.kr.get("ops.example.com"); got != "" {
		t.Fatalf("keyring holds %q after a failed save", got)
	}
	if _, err := h.store.Get(t.Context(), "wss://ops.example.com/ws"); err == nil {
		t.Fatal("the store holds the token of a failed save")
	}
	if len(atSaved) != 0 || h.f.save.Disabled() || h.f.token.Text != "tok-typed-SECRET" {
		t.Fatalf("Saved called %d times, Save disabled %v, typed token %q", len(atSaved), h.f.save.Disabled(), h.f.token.Text)
	}

	h.got.err = nil
	h.save(t)
	if h.kr.get("ops.example.com") != "tok-typed-SECRET" || h.f.status.Text != "Saved and applied." {
		t.Fatalf("after the save: keyring %v, status %q", h.kr.get("ops.example.com") != "", h.f.status.Text)
	}
	if len(atSaved) != 1 || atSaved[0] != "tok-typed-SECRET" {
		t.Fatal("Saved was told before the token was in the keyring")
	}
}

// The settings are saved but the token cannot be stored: the window says
// exactly that.
func TestTokenWriteFailsAfterTheSave(t *testing.T) {
	h := open(t, twoServers(), nil)
	test.Tap(h.f.rows["s-staging"].edit)
	h.ui.pump(h.f)
	test.Type(h.f.token, "tok-staging-SECRET")
	h.kr.mu.Lock()
	h.kr.err = errors.New("the keyring fell over")
	h.kr.mu.Unlock()
	h.save(t)
	if len(h.got.calls) != 1 {
		t.Fatalf("%d applies", len(h.got.calls))
	}
	st := h.f.status.Text
	if !strings.Contains(st, "The settings are saved, but Staging's token is not") || h.f.status.Importance != widget.WarningImportance {
		t.Fatalf("status %q (%v)", st, h.f.status.Importance)
	}
}
