package settingsui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/zalando/go-keyring"

	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/settings/keyringtest"
)

// twoServers is Production (the default ID) and Staging.
func twoServers() settings.Settings {
	s := current()
	s.Servers[0].Name = "Production"
	s.Servers = append(s.Servers, settings.Server{ID: "s-staging", Name: "Staging", URL: "wss://staging.example.com/ws", Rooms: []string{"ops"}})
	return s
}

// Add a server: a new ID, its own URL, rooms and token, stored under its
// own keyring entry; the first server's token is untouched.
func TestAddServer(t *testing.T) {
	h := open(t, current(), nil)
	f := h.f
	_ = h.kr.Set("warpdesk", "ops.example.com", "tok-prod")
	test.Tap(f.addServer)
	if len(f.servers) != 2 || f.sel != 1 || f.serverChoice.Selected != choiceURL || f.serverURL.Text != "" {
		t.Fatalf("after Add: %d servers, editing %d, choice %q url %q", len(f.servers), f.sel, f.serverChoice.Selected, f.serverURL.Text)
	}
	if shown(f.urlError) != "" {
		t.Fatalf("error %q before anything was typed", shown(f.urlError))
	}
	newID := f.servers[1].ID
	if newID == "" || newID == f.servers[0].ID {
		t.Fatalf("new server's ID %q", newID)
	}
	test.Type(f.serverName, "Staging")
	test.Type(f.serverURL, "wss://staging.example.com/ws")
	test.Type(f.roomEntry, "infra")
	test.Tap(f.addRoom)
	test.Type(f.token, "tok-staging")
	h.save(t)
	s, toks := h.got.lastAll(t)
	if len(s.Servers) != 2 || s.Servers[1].ID != newID || s.Servers[1].URL != "wss://staging.example.com/ws" ||
		s.Servers[1].Name != "Staging" || strings.Join(s.Servers[1].Rooms, ",") != "infra" {
		t.Fatalf("applied servers %+v", s.Servers)
	}
	if len(toks) != 1 || toks[newID].Reveal() != "tok-staging" {
		t.Fatalf("tokens applied for %d servers", len(toks))
	}
	if h.kr.get("staging.example.com") != "tok-staging" || h.kr.get("ops.example.com") != "tok-prod" {
		t.Fatal("tokens not each under their own entry")
	}
	if f.token.Text != "" || !strings.Contains(f.tokenStatus.Text, "stored in the system keyring") {
		t.Fatalf("after save: token field %q, status %q", f.token.Text, f.tokenStatus.Text)
	}
	if stored, err := settings.Load(h.app.Preferences()); err != nil || len(stored.Servers) != 2 || stored.Servers[1].ID != newID {
		t.Fatalf("persisted %+v, %v", stored.Servers, err)
	}
}

// Edit another server: the list keeps what was typed in the editor for
// each, Enabled and Muted are per server, and a URL moved to another host
// asks for its token again (its old entry goes).
func TestEditServers(t *testing.T) {
	h := open(t, twoServers(), nil)
	f := h.f
	_ = h.kr.Set("warpdesk", "staging.example.com", "tok-staging")
	test.Type(f.roomEntry, "db")
	test.Tap(f.addRoom)
	test.Tap(f.rows["s-staging"].edit)
	if f.sel != 1 || f.serverURL.Text != "wss://staging.example.com/ws" || f.serverName.Text != "Staging" {
		t.Fatalf("editing %d: %q %q", f.sel, f.serverName.Text, f.serverURL.Text)
	}
	f.serverURL.SetText("wss://stage2.example.com/ws")
	test.Tap(f.rows["s-staging"].muted)
	test.Tap(f.rows[settings.DefaultServerID].enabled)
	h.save(t)
	s, _ := h.got.last(t)
	if strings.Join(s.Servers[0].Rooms, ",") != "ops,payments,db" || !s.Servers[0].Disabled || s.Servers[0].Muted {
		t.Fatalf("first server %+v", s.Servers[0])
	}
	if s.Servers[1].URL != "wss://stage2.example.com/ws" || !s.Servers[1].Muted || s.Servers[1].Disabled {
		t.Fatalf("second server %+v", s.Servers[1])
	}
	if !strings.Contains(f.status.Text, "Enter the token for Staging") || h.kr.get("staging.example.com") != "" {
		t.Fatalf("status %q; old entry %q", f.status.Text, h.kr.get("staging.example.com"))
	}
	if !strings.Contains(f.tokenStatus.Text, "No token stored") {
		t.Fatalf("token status %q", f.tokenStatus.Text)
	}
}

// Remove asks first and says the token goes; No keeps the server; Yes
// removes it, and the save deletes its keyring entry only.
func TestRemoveServerAsksAndDeletesItsToken(t *testing.T) {
	h := open(t, twoServers(), nil)
	f := h.f
	_ = h.kr.Set("warpdesk", "ops.example.com", "tok-prod")
	_ = h.kr.Set("warpdesk", "staging.example.com", "tok-staging")
	q := h.questions(false)
	test.Tap(f.rows["s-staging"].remove)
	if len(q.asked) != 1 || !strings.Contains(q.asked[0], "Remove Staging?") || !strings.Contains(q.asked[0], "token will be deleted") {
		t.Fatalf("asked %q", q.asked)
	}
	if len(f.servers) != 2 {
		t.Fatal("removed without a yes")
	}
	q.answer = true
	test.Tap(f.rows["s-staging"].remove)
	if len(f.servers) != 1 || f.rows["s-staging"] != nil {
		t.Fatalf("still listed: %+v", f.servers)
	}
	if h.kr.get("staging.example.com") == "" {
		t.Fatal("token deleted before Save")
	}
	h.save(t)
	if s, _ := h.got.last(t); len(s.Servers) != 1 || s.Servers[0].ID != settings.DefaultServerID {
		t.Fatalf("applied %+v", s.Servers)
	}
	if h.kr.get("staging.example.com") != "" || h.kr.get("ops.example.com") != "tok-prod" {
		t.Fatalf("keyring after save: staging %q, prod kept %v", h.kr.get("staging.example.com"), h.kr.get("ops.example.com") == "tok-prod")
	}

	// The last server removed: nothing to edit, nothing watched.
	test.Tap(f.rows[settings.DefaultServerID].remove)
	if f.sel != -1 || !f.serverURL.Disabled() {
		t.Fatalf("no server: editing %d", f.sel)
	}
	h.save(t)
	if s, _ := h.got.last(t); len(s.Servers) != 0 {
		t.Fatalf("applied %+v", s.Servers)
	}
}

// Two servers with the same URL: the error shows under the URL field as it
// is typed and at Save, and goes once fixed; a duplicate name too.
func TestDuplicateServerRefused(t *testing.T) {
	h := open(t, twoServers(), nil)
	f := h.f
	test.Tap(f.rows["s-staging"].edit)
	f.serverURL.SetText(" WSS://ops.example.com/ws ")
	if !strings.Contains(shown(f.urlError), "already in the list") {
		t.Fatalf("url error %q", shown(f.urlError))
	}
	test.Tap(f.rows[settings.DefaultServerID].edit) // the problem stays with its server
	h.save(t)
	if len(h.got.calls) != 0 {
		t.Fatal("saved a duplicate")
	}
	if f.sel != 1 || !strings.Contains(shown(f.urlError), "already in the list") || !strings.HasPrefix(f.rows["s-staging"].label.Text, "⚠") {
		t.Fatalf("after save: editing %d, error %q, row %q", f.sel, shown(f.urlError), f.rows["s-staging"].label.Text)
	}
	f.serverURL.SetText("wss://staging.example.com/ws")
	if shown(f.urlError) != "" {
		t.Fatalf("error %q stays after the fix", shown(f.urlError))
	}
	f.serverName.SetText("production")
	if !strings.Contains(shown(f.nameErr), "already named") {
		t.Fatalf("name error %q", shown(f.nameErr))
	}
	f.serverName.SetText("Staging")
	if shown(f.nameErr) != "" {
		t.Fatal("name error stays")
	}
	h.save(t)
	if len(h.got.calls) != 1 || strings.HasPrefix(f.rows["s-staging"].label.Text, "⚠") {
		t.Fatalf("not saved after the fix: %q", f.status.Text)
	}
}

// The built-in demo is a server choice, and only one server can be it.
func TestOneDemoServer(t *testing.T) {
	s := twoServers()
	s.Servers[0].URL = ""
	h := open(t, s, nil)
	f := h.f
	if f.serverChoice.Selected != choiceDemo {
		t.Fatalf("choice %q", f.serverChoice.Selected)
	}
	test.Tap(f.rows["s-staging"].edit)
	f.serverChoice.SetSelected(choiceDemo)
	if !strings.Contains(shown(f.urlError), "demo server is already") {
		t.Fatalf("url error %q", shown(f.urlError))
	}
	f.serverChoice.SetSelected(choiceURL)
	if shown(f.urlError) != "" {
		t.Fatalf("error %q stays", shown(f.urlError))
	}
}

// Re-alerting and the critical sound are settings of their own.
func TestReAlertAndSound(t *testing.T) {
	h := open(t, current(), nil)
	f := h.f
	if f.reAlert.Selected != "Every 5 minutes" || !f.sound.Checked {
		t.Fatalf("defaults: %q, sound %v", f.reAlert.Selected, f.sound.Checked)
	}
	f.reAlert.SetSelected("Every 15 minutes")
	test.Tap(f.sound)
	h.save(t)
	if s, _ := h.got.last(t); s.ReAlert != 15*time.Minute || !s.SilentCriticals {
		t.Fatalf("applied re-alert %v silent %v", s.ReAlert, s.SilentCriticals)
	}
	f.reAlert.SetSelected("Never")
	h.save(t)
	if s, _ := settings.Load(h.app.Preferences()); s.ReAlert != 0 {
		t.Fatalf("persisted re-alert %v", s.ReAlert)
	}
}

// A settings file of the single-server version opens as one server with
// its URL and rooms, and the token that version stored shows as stored.
func TestSingleServerFileOpensAsOneServer(t *testing.T) {
	data, err := os.ReadFile("../../settings/testdata/settings-v1.json")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	file, err := settings.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cur, err := settings.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	kr := newMem()
	_ = kr.Set("warpdesk", "ops.example.com:8080", "tok-v1") // where the old version put it
	store := settings.NewTokenStore(settings.TokenStoreOptions{Keyring: kr, Timeout: 2 * time.Second})
	h := open(t, cur, store, func(o *Options) { o.Prefs = file })
	f := h.f
	if len(f.servers) != 1 || f.serverURL.Text != "ws://ops.example.com:8080/ws" || strings.Join(f.rooms, ",") != "ops,payments" {
		t.Fatalf("servers %+v, url %q rooms %v", f.servers, f.serverURL.Text, f.rooms)
	}
	if !strings.Contains(f.tokenStatus.Text, "stored in the system keyring") || f.token.Text != "" {
		t.Fatalf("token status %q, field %q", f.tokenStatus.Text, f.token.Text)
	}
	if !f.insecureOK.Checked { // the old version's confirmation still holds
		t.Fatal("confirmation lost")
	}
	h.save(t)
	if s, err := settings.Load(file); err != nil || len(s.Servers) != 1 || s.Servers[0].ID != settings.DefaultServerID {
		t.Fatalf("saved %+v, %v", s.Servers, err)
	}
	if kr.get("ops.example.com:8080") != "tok-v1" {
		t.Fatal("the token was lost")
	}
}

// The real Secret Service: two servers' tokens typed in the window are two
// entries; removing one server (and saving) deletes its entry only.
func TestServerTokensRealKeyring(t *testing.T) {
	keyringtest.Start(t)
	store := settings.NewTokenStore(settings.TokenStoreOptions{})
	h := open(t, twoServers(), store)
	f := h.f
	f.confirm = func(_, _ string, answer func(bool)) { answer(true) }
	test.Type(f.token, "tok-prod-SECRET")
	test.Tap(f.rows["s-staging"].edit)
	test.Type(f.token, "tok-staging-SECRET")
	h.save(t)
	if !strings.HasPrefix(f.status.Text, "Saved and applied.") {
		t.Fatalf("status %q", f.status.Text)
	}
	for user, want := range map[string]string{"ops.example.com": "tok-prod-SECRET", "staging.example.com": "tok-staging-SECRET"} {
		if got, err := keyring.Get("warpdesk", user); err != nil || got != want {
			t.Fatalf("entry %s: %v (right token: %v)", user, err, got == want)
		}
	}
	test.Tap(f.rows["s-staging"].remove)
	h.save(t)
	if _, err := keyring.Get("warpdesk", "staging.example.com"); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("removed server's entry: %v, want it gone", err)
	}
	if got, err := keyring.Get("warpdesk", "ops.example.com"); err != nil || got != "tok-prod-SECRET" {
		t.Fatalf("the other server's entry: %v", err)
	}
	if err := store.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// Without a token store the token field stays off whichever server is in
// the editor.
func TestNoTokenStoreForEveryServer(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	f := newForm(twoServers(), Options{Prefs: test.NewTempApp(t).Preferences()}, func(fn func()) { fn() })
	test.Tap(f.rows["s-staging"].edit)
	if !f.token.Disabled() || !f.forgetToken.Disabled() {
		t.Fatal("token field enabled without a token store")
	}
}

// Test connection tests the server in the editor with its own token: the
// one stored for it, never another server's, and none once its URL names
// another host (a token is never carried to another host).
func TestTestConnectionPerServer(t *testing.T) {
	h := open(t, twoServers(), nil)
	f := h.f
	ctx := context.Background()
	_ = h.store.Set(ctx, "wss://ops.example.com/ws", "tok-prod")
	_ = h.store.Set(ctx, "wss://staging.example.com/ws", "tok-staging")
	h.probe.res = ProbeResult{OK: true, Message: "Connected."}
	test.Tap(f.rows["s-staging"].edit)
	test.Tap(f.testBtn)
	h.ui.pump(f)
	if c := h.probe.last(t); c.url != "wss://staging.example.com/ws" || c.token != "tok-staging" {
		t.Fatalf("probed %s with the right token: %v", c.url, c.token == "tok-staging")
	}
	f.serverURL.SetText("wss://staging.example.com/v2/ws") // same host: same token
	test.Tap(f.testBtn)
	h.ui.pump(f)
	if c := h.probe.last(t); c.token != "tok-staging" {
		t.Fatal("same host, but the stored token was not used")
	}
	f.serverURL.SetText("wss://elsewhere.example.com/ws")
	test.Tap(f.testBtn)
	h.ui.pump(f)
	if c := h.probe.last(t); c.url != "wss://elsewhere.example.com/ws" || c.token != "" {
		t.Fatalf("a stored token went to another host (%s)", c.url)
	}
}
