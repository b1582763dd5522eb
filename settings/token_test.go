package settings_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/settings/keyringtest"
)

// fakeKeyring is an in-memory keyring whose calls can be made to fail or
// block.
type fakeKeyring struct {
	keyringtest.Memory
	mu    sync.Mutex
	err   error         // returned by every call when set
	block chan struct{} // calls wait until it is closed, when set
	calls int
}

func newFake() *fakeKeyring { return &fakeKeyring{} }

func (f *fakeKeyring) enter() error {
	f.mu.Lock()
	f.calls++
	block, err := f.block, f.err
	f.mu.Unlock()
	if block != nil {
		<-block
	}
	return err
}

func (f *fakeKeyring) Get(service, user string) (string, error) {
	if err := f.enter(); err != nil {
		return "", err
	}
	return f.Memory.Get(service, user)
}

func (f *fakeKeyring) Set(service, user, pw string) error {
	if err := f.enter(); err != nil {
		return err
	}
	return f.Memory.Set(service, user, pw)
}

func (f *fakeKeyring) Delete(service, user string) error {
	if err := f.enter(); err != nil {
		return err
	}
	return f.Memory.Delete(service, user)
}

// stored is what the keyring holds for user, read past the fault hooks.
func (f *fakeKeyring) stored(user string) string {
	v, _ := f.Memory.Get(settings.KeyringService, user)
	return v
}

// logged collects every error and value a test produced, as an app would
// log them, so the test can check the token is in none of them.
type logged struct {
	buf bytes.Buffer
	log *slog.Logger
}

func newLogged() *logged {
	l := &logged{}
	l.log = slog.New(slog.NewTextHandler(&l.buf, nil))
	return l
}

func (l *logged) add(what string, v ...any) {
	l.log.Info(what, "values", fmt.Sprint(v...), "detail", fmt.Sprintf("%+v %#v", v, v))
}

func (l *logged) checkNo(t *testing.T, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(l.buf.String(), s) {
			t.Fatalf("the token appears in the log:\n%s", l.buf.String())
		}
	}
}

func TestTokenUser(t *testing.T) {
	for url, want := range map[string]string{
		"wss://Ops.Example.com/ws":      "ops.example.com",
		"ws://127.0.0.1:8080/ws":        "127.0.0.1:8080",
		" wss://ops.example.com:443/x ": "ops.example.com:443",
		"":                              "default",
		"not a url":                     "default",
	} {
		if got := settings.TokenUser(url); got != want {
			t.Errorf("TokenUser(%q) = %q, want %q", url, got, want)
		}
	}
}

func TestValidateToken(t *testing.T) {
	for tok, ok := range map[settings.Secret]bool{
		"abc.DEF-123_~+/=":                         true,
		settings.Secret(strings.Repeat("a", 4096)): true,
		"":            false,
		"two words":   false,
		"line\nbreak": false,
		"nul\x00":     false,
		settings.Secret(strings.Repeat("a", 4097)): false,
	} {
		err := settings.ValidateToken(tok)
		if (err == nil) != ok || (err != nil && !errors.Is(err, settings.ErrInvalidToken)) {
			t.Errorf("ValidateToken(len %d) = %v, want ok=%v", len(tok), err, ok)
		}
		if err != nil && len(tok) > 3 && strings.Contains(err.Error(), string(tok)) {
			t.Errorf("error %q contains the token", err)
		}
	}
}

func TestTokenStoreWithFakeKeyring(t *testing.T) {
	ctx := context.Background()
	f := newFake()
	s := settings.NewTokenStore(settings.TokenStoreOptions{Keyring: f})
	const a, b = "wss://a.example.com/ws", "wss://b.example.com/ws"

	if _, err := s.Get(ctx, a); !errors.Is(err, settings.ErrNoToken) || errors.Is(err, settings.ErrKeyringUnavailable) {
		t.Fatalf("Get(empty) = %v, want ErrNoToken only", err)
	}
	if err := s.Set(ctx, a, "token-a"); err != nil {
		t.Fatal(err)
	}
	if err := s.Set(ctx, b, "token-b"); err != nil {
		t.Fatal(err)
	}
	if a, b := f.stored("a.example.com"), f.stored("b.example.com"); a != "token-a" || b != "token-b" {
		t.Fatalf("keyring holds %q and %q", a, b)
	}
	if got, err := s.Get(ctx, a); err != nil || got != "token-a" {
		t.Fatalf("Get(a) = %v, %v", got.Reveal(), err)
	}
	if s.SessionOnly(a) {
		t.Fatal("SessionOnly after a successful Set")
	}
	if err := s.Set(ctx, a, "bad token"); !errors.Is(err, settings.ErrInvalidToken) {
		t.Fatalf("Set(invalid) = %v", err)
	}
	if got, _ := s.Get(ctx, a); got != "token-a" {
		t.Fatal("an invalid Set replaced the token")
	}
	if err := s.Delete(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, a); err != nil {
		t.Fatalf("second Delete = %v, want nil", err)
	}
	if _, err := s.Get(ctx, a); !errors.Is(err, settings.ErrNoToken) {
		t.Fatalf("Get after Delete = %v", err)
	}
	if got, _ := s.Get(ctx, b); got != "token-b" {
		t.Fatal("Delete(a) touched b")
	}
}

func TestTokenStoreErrorsFallBackToMemory(t *testing.T) {
	ctx := context.Background()
	const url, tok = "wss://ops.example.com/ws", "tok-fallback-SECRET"
	for name, backendErr := range map[string]error{
		"locked":  errors.New("failed to unlock correct collection '/org/freedesktop/secrets/collection/login'"),
		"other":   errors.New("something broke while storing " + tok), // a backend that echoes the secret
		"nobus":   errors.New("dbus: couldn't determine address of session bus"),
		"ours":    fmt.Errorf("wrapped: %w", settings.ErrKeyringLocked),
		"toolong": keyring.ErrSetDataTooBig,
	} {
		t.Run(name, func(t *testing.T) {
			logs := newLogged()
			f := newFake()
			f.err = backendErr
			s := settings.NewTokenStore(settings.TokenStoreOptions{Keyring: f})
			err := s.Set(ctx, url, tok)
			logs.add("set", err)
			if name == "toolong" {
				if !errors.Is(err, settings.ErrInvalidToken) || s.SessionOnly(url) {
					t.Fatalf("Set = %v (session %v), want ErrInvalidToken and no fallback", err, s.SessionOnly(url))
				}
				logs.checkNo(t, tok)
				return
			}
			if !errors.Is(err, settings.ErrKeyringUnavailable) {
				t.Fatalf("Set = %v, want ErrKeyringUnavailable", err)
			}
			if (name == "locked" || name == "ours") != errors.Is(err, settings.ErrKeyringLocked) {
				t.Fatalf("Set = %v: ErrKeyringLocked = %v", err, errors.Is(err, settings.ErrKeyringLocked))
			}
			if !s.SessionOnly(url) {
				t.Fatal("token not held for the session")
			}
			got, err := s.Get(ctx, url)
			logs.add("get", got, err)
			if err != nil || got.Reveal() != tok {
				t.Fatalf("Get = %v, want the session token", err)
			}
			err = s.Delete(ctx, url)
			logs.add("delete", err)
			if s.SessionOnly(url) {
				t.Fatal("Delete kept the session token")
			}
			_, err = s.Get(ctx, url)
			logs.add("get", err)
			if !errors.Is(err, settings.ErrKeyringUnavailable) {
				t.Fatalf("Get after Delete = %v", err)
			}
			logs.checkNo(t, tok)
		})
	}
}

func TestTokenStoreTimeout(t *testing.T) {
	ctx := context.Background()
	const url, tok = "wss://ops.example.com/ws", "tok-timeout-SECRET"
	f := newFake()
	_ = f.Memory.Set(settings.KeyringService, "ops.example.com", "old")
	f.block = make(chan struct{})
	s := settings.NewTokenStore(settings.TokenStoreOptions{Keyring: f, Timeout: 100 * time.Millisecond})
	released := false
	release := func() {
		if !released {
			released = true
			close(f.block)
			wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			if err := s.Wait(wctx); err != nil {
				t.Errorf("Wait: %v", err)
			}
		}
	}
	t.Cleanup(release)

	start := time.Now()
	_, err := s.Get(ctx, url)
	if el := time.Since(start); el < 90*time.Millisecond || el > 2*time.Second {
		t.Fatalf("Get took %v with a 100ms timeout", el)
	}
	if !errors.Is(err, settings.ErrKeyringTimeout) || !errors.Is(err, settings.ErrKeyringUnavailable) {
		t.Fatalf("Get = %v, want ErrKeyringTimeout and ErrKeyringUnavailable", err)
	}

	// The first call is still stuck: the next ones fail at once, and Set
	// falls back to memory.
	start = time.Now()
	err = s.Set(ctx, url, tok)
	if el := time.Since(start); el > 50*time.Millisecond {
		t.Fatalf("Set behind a stuck call took %v", el)
	}
	if !errors.Is(err, settings.ErrKeyringTimeout) || !s.SessionOnly(url) {
		t.Fatalf("Set = %v (session %v)", err, s.SessionOnly(url))
	}
	if got, err := s.Get(ctx, url); err != nil || got.Reveal() != tok {
		t.Fatalf("Get = %v, want the session token", err)
	}
	f.mu.Lock()
	calls := f.calls
	f.mu.Unlock()
	if calls != 1 {
		t.Fatalf("%d keyring calls; the stuck one should hold the rest back", calls)
	}
	if strings.Contains(err2str(err), tok) {
		t.Fatal("error contains the token")
	}

	// Once the keyring answers, the store uses it again.
	release()
	if err := s.Set(ctx, url, tok); err != nil {
		t.Fatalf("Set after release = %v", err)
	}
	if s.SessionOnly(url) || f.stored("ops.example.com") != tok {
		t.Fatal("token not moved to the keyring")
	}
}

func err2str(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestTokenStoreContext(t *testing.T) {
	f := newFake()
	f.block = make(chan struct{})
	s := settings.NewTokenStore(settings.TokenStoreOptions{Keyring: f, Timeout: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := s.Get(ctx, "wss://x/ws")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Get = %v, want the context's error", err)
	}
	close(f.block)
	wctx, wcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer wcancel()
	if err := s.Wait(wctx); err != nil {
		t.Fatal(err)
	}
}

// TestMockKeyring runs the store over go-keyring's own mock. keyring.MockInit
// replaces go-keyring's provider for the rest of the process, so this test
// runs itself in a child process.
func TestMockKeyring(t *testing.T) {
	if os.Getenv("WARPDESK_MOCK_KEYRING_CHILD") != "1" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMockKeyring$", "-test.v", "-test.timeout=60s")
		cmd.Env = append(os.Environ(), "WARPDESK_MOCK_KEYRING_CHILD=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestMockKeyring") {
			t.Fatalf("child: %v\n%s", err, out)
		}
		return
	}
	ctx := context.Background()
	keyring.MockInit()
	s := settings.NewTokenStore(settings.TokenStoreOptions{})
	if err := s.Set(ctx, "wss://x/ws", "tok"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(ctx, "wss://x/ws"); err != nil || got != "tok" {
		t.Fatalf("Get = %v", err)
	}
	if v, _ := keyring.Get(settings.KeyringService, "x"); v != "tok" {
		t.Fatalf("mock keyring holds %q under warpdesk/x", v)
	}

	keyring.MockInitWithError(errors.New("mock: keyring is locked"))
	s = settings.NewTokenStore(settings.TokenStoreOptions{})
	_, err := s.Get(ctx, "wss://x/ws")
	if !errors.Is(err, settings.ErrKeyringLocked) || !errors.Is(err, settings.ErrKeyringUnavailable) {
		t.Fatalf("Get = %v, want ErrKeyringLocked", err)
	}
	if err := s.Set(ctx, "wss://x/ws", "tok2"); !errors.Is(err, settings.ErrKeyringUnavailable) || !s.SessionOnly("wss://x/ws") {
		t.Fatalf("Set = %v", err)
	}
}

// The real Secret Service: gnome-keyring-daemon on a private session bus.
func TestTokenStoreRealKeyring(t *testing.T) {
	svc := keyringtest.Start(t)
	ctx := context.Background()
	logs := newLogged()
	const url, url2 = "wss://ops.example.com/ws", "ws://127.0.0.1:8080/ws"
	const tok, tok2 = "tok-real-7c1d2e3f-SECRET", "tok-real-other-SECRET"

	s := settings.NewTokenStore(settings.TokenStoreOptions{})
	_, err := s.Get(ctx, url)
	logs.add("get", err)
	if !errors.Is(err, settings.ErrNoToken) {
		t.Fatalf("Get on an empty keyring = %v, want ErrNoToken", err)
	}
	for u, tk := range map[string]settings.Secret{url: tok, url2: tok2} {
		err := s.Set(ctx, u, tk)
		logs.add("set", u, tk, err)
		if err != nil {
			t.Fatalf("Set(%s) = %v", u, err)
		}
	}
	if s.SessionOnly(url) {
		t.Fatal("SessionOnly with a working keyring")
	}

	// A fresh store (as at the next start) reads the keyring itself.
	s2 := settings.NewTokenStore(settings.TokenStoreOptions{})
	got, err := s2.Get(ctx, url)
	logs.add("get", got, err)
	if err != nil || got.Reveal() != tok {
		t.Fatalf("Get = %v", err)
	}
	if raw, err := keyring.Get("warpdesk", "ops.example.com"); err != nil || raw != tok {
		t.Fatalf("keyring.Get(warpdesk, ops.example.com) = %v; the app's entry should be there", err)
	}
	if got, _ := s2.Get(ctx, url2); got.Reveal() != tok2 {
		t.Fatal("second server's token mixed up")
	}
	// Replace, then delete.
	if err := s2.Set(ctx, url, tok+"2"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get(ctx, url); got.Reveal() != tok+"2" {
		t.Fatal("Set did not replace the token")
	}
	if err := s2.Delete(ctx, url); err != nil {
		t.Fatal(err)
	}
	_, err = s.Get(ctx, url)
	logs.add("get", err)
	if !errors.Is(err, settings.ErrNoToken) {
		t.Fatalf("Get after Delete = %v", err)
	}
	if err := s.Delete(ctx, url); err != nil {
		t.Fatalf("Delete of a deleted token = %v", err)
	}
	logs.checkNo(t, tok, tok2)
	if bytes.Contains(svc.Files(t), []byte("tok-real")) {
		t.Fatal("the token is on disk in the clear")
	}
}

func TestTokenStoreLockedKeyring(t *testing.T) {
	svc := keyringtest.Start(t)
	ctx := context.Background()
	logs := newLogged()
	const url, tok, tok2 = "wss://ops.example.com/ws", "tok-locked-SECRET", "tok-session-SECRET"
	s := settings.NewTokenStore(settings.TokenStoreOptions{Timeout: 5 * time.Second})
	if err := s.Set(ctx, url, tok); err != nil {
		t.Fatal(err)
	}
	svc.Lock(t)

	start := time.Now()
	_, err := s.Get(ctx, url)
	logs.add("get", err)
	if !errors.Is(err, settings.ErrKeyringLocked) || !errors.Is(err, settings.ErrKeyringUnavailable) {
		t.Fatalf("Get from a locked keyring = %v, want ErrKeyringLocked", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("locked Get took %v", el)
	}
	err = s.Set(ctx, url, tok2)
	logs.add("set", err)
	if !errors.Is(err, settings.ErrKeyringLocked) || !s.SessionOnly(url) {
		t.Fatalf("Set on a locked keyring = %v (session %v)", err, s.SessionOnly(url))
	}
	got, err := s.Get(ctx, url)
	if err != nil || got.Reveal() != tok2 {
		t.Fatalf("Get = %v, want the session token", err)
	}
	logs.checkNo(t, tok, tok2)
}

func TestTokenStoreNoSecretService(t *testing.T) {
	keyringtest.StartBus(t)
	ctx := context.Background()
	const url, tok = "wss://ops.example.com/ws", "tok-absent-SECRET"
	s := settings.NewTokenStore(settings.TokenStoreOptions{})
	start := time.Now()
	_, err := s.Get(ctx, url)
	if !errors.Is(err, settings.ErrKeyringUnavailable) || errors.Is(err, settings.ErrKeyringTimeout) {
		t.Fatalf("Get = %v, want ErrKeyringUnavailable (not a timeout)", err)
	}
	if el := time.Since(start); el > time.Second {
		t.Fatalf("Get took %v; an absent keyring must fail fast", el)
	}
	if !strings.Contains(err.Error(), "no Secret Service") {
		t.Errorf("error %q does not say why", err)
	}
	if err := s.Set(ctx, url, tok); !errors.Is(err, settings.ErrKeyringUnavailable) {
		t.Fatalf("Set = %v", err)
	}
	if got, err := s.Get(ctx, url); err != nil || got.Reveal() != tok {
		t.Fatalf("session fallback: Get = %v", err)
	}
	if strings.Contains(fmt.Sprintf("%v %+v %#v", s, s, s), tok) {
		t.Fatal("the store prints the token")
	}
}

func TestTokenStoreNoSessionBus(t *testing.T) {
	if _, err := exec.LookPath("dbus-launch"); err == nil {
		t.Skip("dbus-launch is installed: godbus would autolaunch a session bus")
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	run := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", run)
	s := settings.NewTokenStore(settings.TokenStoreOptions{})
	_, err := s.Get(context.Background(), "wss://x/ws")
	if !errors.Is(err, settings.ErrKeyringUnavailable) || errors.Is(err, settings.ErrKeyringTimeout) {
		t.Fatalf("Get = %v, want ErrKeyringUnavailable", err)
	}
}

func TestTokenStoreDaemonNeverUnlocked(t *testing.T) {
	keyringtest.StartLocked(t)
	ctx := context.Background()
	const url, tok = "wss://ops.example.com/ws", "tok-neverunlocked-SECRET"
	s := settings.NewTokenStore(settings.TokenStoreOptions{})
	_, err := s.Get(ctx, url)
	if !errors.Is(err, settings.ErrKeyringLocked) {
		t.Fatalf("Get = %v, want ErrKeyringLocked", err)
	}
	err = s.Set(ctx, url, tok)
	if !errors.Is(err, settings.ErrKeyringLocked) || !s.SessionOnly(url) {
		t.Fatalf("Set = %v", err)
	}
	if strings.Contains(err.Error(), tok) {
		t.Fatal("error contains the token")
	}
	if got, err := s.Get(ctx, url); err != nil || got.Reveal() != tok {
		t.Fatalf("session Get = %v", err)
	}
}

func TestMemoryKeyringAndTokenProblem(t *testing.T) {
	var k keyringtest.Memory
	s := settings.NewTokenStore(settings.TokenStoreOptions{Keyring: &k})
	ctx := context.Background()
	if err := s.Set(ctx, "wss://x/ws", "tok-mem-SECRET"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(fmt.Sprintf("%v %+v %#v", &k, &k, &k), "tok-mem") {
		t.Fatal("keyringtest.Memory prints its contents")
	}
	if err := s.Delete(ctx, "wss://x/ws"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "wss://x/ws"); !errors.Is(err, settings.ErrNoToken) {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		err     error
		session bool
		want    string
	}{
		{nil, false, ""},
		{fmt.Errorf("x: %w", settings.ErrNoToken), false, ""},
		{settings.ErrKeyringLocked, true, "kept for this session only: the system keyring is locked"},
		{settings.ErrKeyringTimeout, false, "Cannot read the token: the system keyring is not answering"},
		{settings.ErrKeyringUnavailable, false, "no system keyring"},
		{context.DeadlineExceeded, false, "took too long"},
		{settings.ErrInvalidToken, false, "not valid"},
	} {
		if got := settings.TokenProblem(tc.err, tc.session); !strings.Contains(got, tc.want) || (tc.want == "") != (got == "") {
			t.Errorf("TokenProblem(%v, %v) = %q, want %q", tc.err, tc.session, got, tc.want)
		}
	}
}

func TestTokenFunc(t *testing.T) {
	var k keyringtest.Memory
	s := settings.NewTokenStore(settings.TokenStoreOptions{Keyring: &k})
	ctx := context.Background()
	url := "wss://a.example.com/ws"
	fn := s.TokenFunc(func() string { return url })
	if tok, err := fn(ctx); tok != "" || err != nil {
		t.Fatalf("no token: %q, %v", tok, err)
	}
	_ = s.Set(ctx, "wss://a.example.com/ws", "tok-a")
	_ = s.Set(ctx, "wss://b.example.com/ws", "tok-b")
	if tok, err := fn(ctx); tok != "tok-a" || err != nil {
		t.Fatalf("a: %q, %v", tok, err)
	}
	url = "wss://b.example.com/ws"
	if tok, _ := fn(ctx); tok != "tok-b" {
		t.Fatalf("after a server change: %q", tok)
	}
	f := newFake()
	f.err = errors.New("failed to unlock")
	locked := settings.NewTokenStore(settings.TokenStoreOptions{Keyring: f}).TokenFunc(func() string { return url })
	if _, err := locked(ctx); !errors.Is(err, settings.ErrKeyringLocked) {
		t.Fatalf("locked: %v", err)
	}
}
