package settingsui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// "Forget token" asks first, naming the server, as Remove does: No keeps
// the stored token and the one typed; Yes deletes the server's keyring
// entry (only its own) and tells Apply.
func TestForgetTokenAsksFirst(t *testing.T) {
	h := open(t, twoServers(), nil)
	f := h.f
	_ = h.kr.Set("warpdesk", "ops.example.com", "tok-prod")
	_ = h.kr.Set("warpdesk", "staging.example.com", "tok-staging")
	test.Tap(f.rows["s-staging"].edit)
	h.ui.pump(f)
	test.Type(f.token, "tok-typed")
	q := h.questions(false)
	test.Tap(f.forgetToken)
	h.ui.pump(f)
	if len(q.asked) != 1 || !strings.Contains(q.asked[0], "Staging") || !strings.Contains(q.asked[0], "staging.example.com") {
		t.Fatalf("asked %q, want one question naming Staging and its host", q.asked)
	}
	if h.kr.get("staging.example.com") != "tok-staging" || len(h.got.calls) != 0 {
		t.Fatalf("No: keyring %q, %d applies; want the token kept and nothing applied", h.kr.get("staging.example.com"), len(h.got.calls))
	}
	if f.token.Text != "tok-typed" || f.forgetToken.Disabled() {
		t.Fatalf("No: the typed token %q lost, or Forget disabled", f.token.Text)
	}

	q.answer = true
	test.Tap(f.forgetToken)
	h.ui.pump(f)
	if len(q.asked) != 2 || h.kr.get("staging.example.com") != "" || f.tokenStatus.Text != "Token removed." {
		t.Fatalf("Yes: asked %d, keyring %q, status %q", len(q.asked), h.kr.get("staging.example.com"), f.tokenStatus.Text)
	}
	if h.kr.get("ops.example.com") != "tok-prod" {
		t.Fatal("another server's token was deleted")
	}
	if _, toks := h.got.lastAll(t); len(toks) != 1 || toks["s-staging"] != "" {
		t.Fatalf("apply told %v, want Staging's token removed", toks)
	}
}
