package settingsui

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/zalando/go-keyring"

	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/settings/keyringtest"
)

// memKeyring is an in-memory keyring (keyringtest.Memory) that can fail
// or block.
type memKeyring struct {
	keyringtest.Memory
	mu    sync.Mutex
	err   error
	block chan struct{}
}

func newMem() *memKeyring { return &memKeyring{} }

func (m *memKeyring) wait() error {
	m.mu.Lock()
	b, err := m.block, m.err
	m.mu.Unlock()
	if b != nil {
		<-b
	}
	return err
}

func (m *memKeyring) Get(svc, user string) (string, error) {
	if err := m.wait(); err != nil {
		return "", err
	}
	return m.Memory.Get(svc, user)
}

func (m *memKeyring) Set(svc, user, pw string) error {
	if err := m.wait(); err != nil {
		return err
	}
	return m.Memory.Set(svc, user, pw)
}

func (m *memKeyring) Delete(svc, user string) error {
	if err := m.wait(); err != nil {
		return err
	}
	return m.Memory.Delete(svc, user)
}

// get is the token stored for user ("" when none).
func (m *memKeyring) get(user string) string {
	v, _ := m.Memory.Get("warpdesk", user)
	return v
}

func TestTokenSavedToKeyring(t *testing.T) {
	h := open(t, current(), nil)
	test.Type(h.f.token, "  tok-new-SECRET \n")
	h.save(t)
	_, tok := h.got.last(t)
	if tok == nil || tok.Reveal() != "tok-new-SECRET" {
		t.Fatalf("apply token %v", tok)
	}
	if h.kr.get("ops.example.com") != "tok-new-SECRET" {
		t.Fatal("token not in the keyring")
	}
	if h.f.token.Text != "" || h.f.tokenStatus.Text != "A token is stored in the system keyring." {
		t.Fatalf("entry %q status %q", h.f.token.Text, h.f.tokenStatus.Text)
	}

	test.Type(h.f.token, "bad token")
	h.save(t)
	if !strings.Contains(shown(h.f.tokenErr), "token is not valid") || len(h.got.calls) != 1 {
		t.Fatalf("token error %q, status %q", shown(h.f.tokenErr), h.f.status.Text)
	}
	h.f.token.SetText("")

	test.Tap(h.f.forgetToken)
	h.ui.pump(h.f)
	if h.kr.get("ops.example.com") != "" || h.f.tokenStatus.Text != "Token removed." {
		t.Fatalf("forget: status %q", h.f.tokenStatus.Text)
	}
	if _, tok := h.got.last(t); tok == nil || *tok != "" {
		t.Fatal("apply not told the token was removed")
	}
}

func TestLockedKeyringIsAMessage(t *testing.T) {
	kr := newMem()
	kr.err = errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'")
	store := settings.NewTokenStore(settings.TokenStoreOptions{Keyring: kr})
	h := open(t, current(), store)
	if !strings.Contains(h.f.tokenStatus.Text, "keyring is locked") || h.f.tokenStatus.Importance != widget.WarningImportance {
		t.Fatalf("token status %q", h.f.tokenStatus.Text)
	}
	test.Type(h.f.token, "tok-session-SECRET")
	h.save(t)
	_, tok := h.got.last(t)
	if tok == nil || tok.Reveal() != "tok-session-SECRET" {
		t.Fatal("the session token was not handed to apply")
	}
	if !strings.Contains(h.f.status.Text, "kept for this session only") || !strings.Contains(h.f.status.Text, "locked") {
		t.Fatalf("status %q", h.f.status.Text)
	}
	if !strings.Contains(h.f.tokenStatus.Text, "this session only") {
		t.Fatalf("token status %q", h.f.tokenStatus.Text)
	}
	if got, err := store.Get(context.Background(), first(current()).URL); err != nil || got.Reveal() != "tok-session-SECRET" {
		t.Fatalf("session token: %v", err)
	}
}

// A keyring that never answers must not freeze the window: the UI goroutine
// returns at once and the store gives up after its timeout.
func TestHungKeyringDoesNotBlockTheUI(t *testing.T) {
	kr := newMem()
	kr.block = make(chan struct{})
	const timeout = 3 * time.Second // well above what building and tapping take
	store := settings.NewTokenStore(settings.TokenStoreOptions{Keyring: kr, Timeout: timeout})
	t.Cleanup(func() {
		close(kr.block)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = store.Wait(ctx)
	})
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	a := test.NewTempApp(t)
	got := &applied{}
	ui := &uiQueue{}
	newForm(current(), Options{Prefs: a.Preferences()}, ui.do) // warm fyne's caches (fonts, theme)
	start := time.Now()
	f := newForm(current(), Options{Prefs: a.Preferences(), Tokens: store, Apply: got.apply}, ui.do)
	if el := time.Since(start); el > timeout/3 {
		t.Fatalf("building the form blocked the UI goroutine for %v", el)
	}
	test.NewTempWindow(t, f.content)
	test.Type(f.token, "tok-hung-SECRET")
	start = time.Now()
	test.Tap(f.save)
	if el := time.Since(start); el > timeout/3 {
		t.Fatalf("Save blocked the UI goroutine for %v", el)
	}
	if f.status.Text != "Saving…" || !f.save.Disabled() {
		t.Fatalf("status %q while saving", f.status.Text)
	}
	ui.pump(f)
	if !strings.Contains(f.tokenStatus.Text, "not answering") && !strings.Contains(f.tokenStatus.Text, "session only") {
		t.Fatalf("token status %q", f.tokenStatus.Text)
	}
	if _, tok := got.last(t); tok == nil || tok.Reveal() != "tok-hung-SECRET" {
		t.Fatal("token not applied for the session")
	}
	if !strings.Contains(f.status.Text, "session only") {
		t.Fatalf("status %q", f.status.Text)
	}
}

// No Secret Service on the (private) session bus.
func TestMissingKeyringIsAMessage(t *testing.T) {
	keyringtest.StartBus(t)
	h := open(t, current(), settings.NewTokenStore(settings.TokenStoreOptions{}))
	if !strings.Contains(h.f.tokenStatus.Text, "no system keyring") {
		t.Fatalf("token status %q", h.f.tokenStatus.Text)
	}
	test.Type(h.f.token, "tok-missing-SECRET")
	h.save(t)
	if _, tok := h.got.last(t); tok == nil {
		t.Fatal("not applied")
	}
	if !strings.Contains(h.f.status.Text, "session only") {
		t.Fatalf("status %q", h.f.status.Text)
	}
}

// The real thing: gnome-keyring on a private bus; afterwards the token is in
// the keyring and nowhere in the preferences or the log.
func TestRealKeyringAndNoLeaks(t *testing.T) {
	keyringtest.Start(t)
	const tok = "tok-real-ui-5a4b3c2d-SECRET"
	var logBuf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logBuf, nil))
	store := settings.NewTokenStore(settings.TokenStoreOptions{})
	h := open(t, current(), store)
	h.got.err = nil
	f := h.f
	test.Type(f.token, tok)
	f.roomEntry.SetText("#infra")
	test.Tap(f.addRoom)
	h.save(t)
	s, got := h.got.last(t)
	log.Info("applied", "settings", s, "token", got, "status", f.status.Text, "tokenStatus", f.tokenStatus.Text)
	if got == nil || got.Reveal() != tok {
		t.Fatal("token not applied")
	}
	if f.status.Text != "Saved and applied." {
		t.Fatalf("status %q", f.status.Text)
	}
	if v, err := keyring.Get("warpdesk", "ops.example.com"); err != nil || v != tok {
		t.Fatalf("keyring: %v", err)
	}
	// A fresh store, as at the app's next start, loads it.
	if v, err := settings.NewTokenStore(settings.TokenStoreOptions{}).Get(context.Background(), first(s).URL); err != nil || v.Reveal() != tok {
		t.Fatalf("load at start: %v", err)
	}

	rv, ok := h.app.Preferences().(interface{ ReadValues(func(map[string]any)) })
	if !ok {
		t.Fatal("cannot read the preferences")
	}
	var prefsJSON []byte
	rv.ReadValues(func(m map[string]any) { prefsJSON, _ = json.Marshal(m) })
	if !bytes.Contains(prefsJSON, []byte(`infra`)) {
		t.Fatalf("settings not persisted: %s", prefsJSON)
	}
	if bytes.Contains(prefsJSON, []byte(tok)) || bytes.Contains(prefsJSON, []byte("SECRET")) {
		t.Fatalf("the token is in the preferences: %s", prefsJSON)
	}
	log.Info("prefs", "json", string(prefsJSON), "entry", f.token.Text)
	if strings.Contains(logBuf.String(), tok) {
		t.Fatalf("the token is in the log: %s", logBuf.String())
	}

}

func TestForgetWithLockedKeyring(t *testing.T) {
	kr := newMem()
	store := settings.NewTokenStore(settings.TokenStoreOptions{Keyring: kr})
	h := open(t, current(), store)
	kr.mu.Lock()
	kr.err = errors.New("failed to unlock correct collection")
	kr.mu.Unlock()
	test.Tap(h.f.forgetToken)
	h.ui.pump(h.f)
	if !strings.Contains(h.f.tokenStatus.Text, "could not be reached") || h.f.forgetToken.Disabled() {
		t.Fatalf("token status %q", h.f.tokenStatus.Text)
	}
}

func TestNoTokenStore(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	a := test.NewTempApp(t)
	got := &applied{}
	ui := &uiQueue{}
	f := newForm(current(), Options{Prefs: a.Preferences(), Apply: got.apply}, ui.do)
	test.NewTempWindow(t, f.content)
	if !f.token.Disabled() || !f.forgetToken.Disabled() {
		t.Fatal("token field enabled without a token store")
	}
	test.Tap(f.save)
	ui.pump(f)
	if _, tok := got.last(t); tok != nil {
		t.Fatal("a token was applied without a store")
	}
}
