package settingsui

// The editor's work on the keyring and the network that ends after the
// user moved on: a save that fails, a URL moved to another host, a test or
// a forget still running when another server is opened.

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// A save that is not applied (or not persisted) deletes no keyring entry:
// the removed server is still in the saved settings, and its token with
// it. The next save that succeeds deletes it.
func TestRemovedServersTokenKeptWhenSaveFails(t *testing.T) {
	h := open(t, twoServers(), nil)
	f := h.f
	_ = h.kr.Set("warpdesk", "staging.example.com", "tok-staging")
	f.confirm = func(_, _ string, cb func(bool)) { cb(true) }
	test.Tap(f.rows["s-staging"].remove)
	h.got.err = errors.New("the agent refused")
	h.save(t)
	if !strings.Contains(f.status.Text, "Not applied") {
		t.Fatalf("status %q", f.status.Text)
	}
	if h.kr.get("staging.example.com") != "tok-staging" {
		t.Fatal("the removed server's token was deleted although the save failed")
	}
	h.got.err = nil
	h.save(t)
	if h.kr.get("staging.example.com") != "" {
		t.Fatal("the removed server's token outlived the save that succeeded")
	}
	if !strings.HasPrefix(f.status.Text, "Saved and applied.") {
		t.Fatalf("status %q", f.status.Text)
	}
}

// A server moved to another host loses its keyring entry at Save (a token
// never follows to another host): Save asks first, naming the host whose
// token goes, and No saves nothing and keeps the token (a typo in the
// host would otherwise cost the token).
func TestMovingAServerToAnotherHostAsksBeforeItsTokenGoes(t *testing.T) {
	h := open(t, twoServers(), nil)
	f := h.f
	_ = h.kr.Set("warpdesk", "staging.example.com", "tok-staging")
	q := h.questions(false)
	test.Tap(f.rows["s-staging"].edit)
	f.serverURL.SetText("wss://stagging.example.com/ws")
	h.save(t)
	if len(q.asked) != 1 || !strings.Contains(q.asked[0], "staging.example.com") {
		t.Fatalf("asked %q, want one question naming the host whose token goes", q.asked)
	}
	if len(h.got.calls) != 0 || h.kr.get("staging.example.com") != "tok-staging" {
		t.Fatalf("No: %d applies, token kept %v", len(h.got.calls), h.kr.get("staging.example.com") == "tok-staging")
	}
	if !strings.Contains(f.status.Text, "Not saved") {
		t.Fatalf("status %q", f.status.Text)
	}
	q.answer = true
	h.save(t)
	if s, _ := h.got.last(t); s.Servers[1].URL != "wss://stagging.example.com/ws" || h.kr.get("staging.example.com") != "" {
		t.Fatalf("Yes: applied %q, old entry %q", s.Servers[1].URL, h.kr.get("staging.example.com"))
	}
}

// A test still running when another server is opened in the editor (or
// the URL is edited) says nothing there: its outcome is another server's.
func TestTestResultStaysWithItsServer(t *testing.T) {
	h := open(t, twoServers(), nil)
	f := h.f
	h.probe.res = ProbeResult{OK: true, Message: "Connected."}
	test.Tap(f.testBtn) // Production
	test.Tap(f.rows["s-staging"].edit)
	h.ui.pump(f)
	if shown(f.testResult) != "" {
		t.Fatalf("Staging in the editor shows Production's test: %q", shown(f.testResult))
	}
	if f.testBtn.Disabled() {
		t.Fatal("Test connection stays disabled")
	}
	test.Tap(f.testBtn) // Staging
	f.serverURL.SetText("wss://stage2.example.com/ws")
	h.ui.pump(f)
	if shown(f.testResult) != "" {
		t.Fatalf("the edited URL shows the old URL's test: %q", shown(f.testResult))
	}
}

// "Forget token" still running when another server is opened in the
// editor says "Token removed." about the server whose token it removed,
// not under the other one.
func TestForgetSaysSoForItsServerOnly(t *testing.T) {
	h := open(t, twoServers(), nil)
	f := h.f
	_ = h.kr.Set("warpdesk", "ops.example.com", "tok-prod")
	_ = h.kr.Set("warpdesk", "staging.example.com", "tok-staging")
	test.Tap(f.forgetToken) // Production's
	f.bg.Wait()             // deleted; "Token removed." waits on the UI queue
	test.Tap(f.rows["s-staging"].edit)
	f.bg.Wait() // Staging's token found
	// The keyring answered Staging's question first: its answer is drawn,
	// then the forget's.
	h.ui.mu.Lock()
	fns := h.ui.fns
	h.ui.fns = nil
	h.ui.mu.Unlock()
	if len(fns) != 2 {
		t.Fatalf("%d jobs waiting for the UI, want the forget's and the token check's", len(fns))
	}
	fns[1]()
	fns[0]()
	h.ui.pump(f)
	if h.kr.get("ops.example.com") != "" || h.kr.get("staging.example.com") != "tok-staging" {
		t.Fatal("the wrong token went")
	}
	if !strings.Contains(f.tokenStatus.Text, "stored in the system keyring") {
		t.Fatalf("Staging in the editor: token status %q", f.tokenStatus.Text)
	}
}
