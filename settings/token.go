package settings

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/godbus/dbus/v5"
	"github.com/zalando/go-keyring"
)

// Token store sentinels. Errors from TokenStore match them with errors.Is;
// ErrKeyringLocked and ErrKeyringTimeout also match ErrKeyringUnavailable,
// so one check covers "the keyring cannot be used right now". No error
// TokenStore returns contains the token.
var (
	// ErrNoToken: the keyring works but holds no token for this server.
	ErrNoToken = errors.New("no token stored for this server")
	// ErrKeyringUnavailable: no usable keyring (no Secret Service, no
	// session bus, locked, not answering, or another keyring failure).
	ErrKeyringUnavailable = errors.New("system keyring unavailable")
	// ErrKeyringLocked: the keyring is locked and could not be unlocked.
	ErrKeyringLocked = errors.New("system keyring is locked")
	// ErrKeyringTimeout: the keyring did not answer in time (typically a
	// locked keyring waiting on an unlock prompt).
	ErrKeyringTimeout = errors.New("system keyring did not answer in time")
	// ErrInvalidToken: the token is too long or contains control
	// characters or whitespace.
	ErrInvalidToken = errors.New("invalid token")
)

// KeyringService is the keyring service name tokens are stored under.
const KeyringService = "warpdesk"

// DefaultKeyringTimeout bounds each keyring call when
// TokenStoreOptions.Timeout is zero.
const DefaultKeyringTimeout = 3 * time.Second

// MaxTokenLen is the longest token accepted, in bytes.
const MaxTokenLen = 4096

// TokenStoreOptions configures NewTokenStore. The zero value is the OS
// keyring, service "warpdesk", a 3 s bound per call.
type TokenStoreOptions struct {
	// Keyring is the backend; nil means OSKeyring.
	Keyring Keyring
	// Service is the keyring service name; "" means KeyringService.
	Service string
	// Timeout bounds each keyring call; zero means DefaultKeyringTimeout.
	Timeout time.Duration
}

// TokenStore keeps one token per server in the keyring, with an in-memory,
// session-only fallback. It is safe for concurrent use; its methods block
// for at most the timeout (or until ctx ends), never on a keyring prompt, so
// they may be called from any goroutine but the UI's (they do block).
//
// A keyring call that times out keeps running in the background; while it
// is stuck, further calls fail at once with ErrKeyringTimeout instead of
// piling up.
type TokenStore struct {
	kr      Keyring
	service string
	timeout time.Duration

	mu    sync.Mutex
	v     *vault     // behind a pointer so that fmt never prints the tokens
	stuck int        // keyring calls given up on and still running
	idle  *sync.Cond // signalled when stuck drops
}

// vault holds the tokens a TokenStore has in memory. fmt prints a nested
// pointer as an address, and cannot call Secret's methods on unexported
// fields, so the tokens live here, never directly in TokenStore.
type vault struct {
	session map[string]Secret   // tokens the keyring could not take, per user
	seen    map[string]struct{} // every token handled, to scrub from backend errors
}

// NewTokenStore returns a TokenStore; see TokenStoreOptions for defaults.
func NewTokenStore(opts TokenStoreOptions) *TokenStore {
	s := &TokenStore{kr: opts.Keyring, service: opts.Service, timeout: opts.Timeout,
		v: &vault{session: map[string]Secret{}, seen: map[string]struct{}{}}}
	if s.kr == nil {
		s.kr = OSKeyring{}
	}
	if s.service == "" {
		s.service = KeyringService
	}
	if s.timeout <= 0 {
		s.timeout = DefaultKeyringTimeout
	}
	s.idle = sync.NewCond(&s.mu)
	return s
}

// TokenUser is the keyring user a server's token is stored under: the
// server URL's host[:port] in lower case, or "default" when the URL has no
// host.
func TokenUser(serverURL string) string {
	u, err := url.Parse(strings.TrimSpace(serverURL))
	if err != nil || u.Host == "" {
		return "default"
	}
	return strings.ToLower(u.Host)
}

// ValidateToken checks a token before it is stored or sent: not empty, at
// most MaxTokenLen bytes, no whitespace or control characters. The error
// matches ErrInvalidToken and does not contain the token.
func ValidateToken(tok Secret) error {
	switch {
	case tok == "":
		return fmt.Errorf("%w: empty", ErrInvalidToken)
	case len(tok) > MaxTokenLen:
		return fmt.Errorf("%w: longer than %d bytes", ErrInvalidToken, MaxTokenLen)
	case strings.IndexFunc(string(tok), func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar
	}) >= 0:
		return fmt.Errorf("%w: contains spaces or control characters", ErrInvalidToken)
	}
	return nil
}

// Get returns the token for serverURL: the session-only one if Set had to
// fall back to memory, otherwise the keyring's. Errors: ErrNoToken,
// ErrKeyringUnavailable (ErrKeyringLocked, ErrKeyringTimeout), or ctx's.
func (s *TokenStore) Get(ctx context.Context, serverURL string) (Secret, error) {
	user := TokenUser(serverURL)
	s.mu.Lock()
	tok, ok := s.v.session[user]
	s.mu.Unlock()
	if ok {
		return tok, nil
	}
	var got string
	err := s.call(ctx, "read", func() error {
		var err error
		got, err = s.kr.Get(s.service, user)
		return err
	})
	if err != nil {
		return "", err
	}
	s.remember(Secret(got))
	return Secret(got), nil
}

// Set stores tok for serverURL in the keyring. When the keyring cannot take
// it, Set keeps tok in memory for this session (Get returns it, SessionOnly
// reports it) and returns an error matching ErrKeyringUnavailable: the app
// can connect now, and should tell the user the token is not saved. An
// invalid token (ValidateToken) is refused and nothing changes.
func (s *TokenStore) Set(ctx context.Context, serverURL string, tok Secret) error {
	if err := ValidateToken(tok); err != nil {
		return err
	}
	user := TokenUser(serverURL)
	s.remember(tok)
	err := s.call(ctx, "save", func() error { return s.kr.Set(s.service, user, tok.Reveal()) })
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case err == nil:
		delete(s.v.session, user)
	case errors.Is(err, ErrKeyringUnavailable) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		s.v.session[user] = tok
	}
	return err
}

// Delete removes the token for serverURL from memory and from the keyring.
// Deleting a token that is not there is not an error; a keyring that cannot
// be reached is (ErrKeyringUnavailable), though the session copy is gone.
func (s *TokenStore) Delete(ctx context.Context, serverURL string) error {
	user := TokenUser(serverURL)
	s.mu.Lock()
	delete(s.v.session, user)
	s.mu.Unlock()
	err := s.call(ctx, "delete", func() error { return s.kr.Delete(s.service, user) })
	if errors.Is(err, ErrNoToken) {
		return nil
	}
	return err
}

// SessionOnly reports whether the token for serverURL is held in memory
// only, because the keyring could not store it.
func (s *TokenStore) SessionOnly(serverURL string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.v.session[TokenUser(serverURL)]
	return ok
}

// String describes the store without its tokens.
func (s *TokenStore) String() string {
	return fmt.Sprintf("settings.TokenStore{service: %q, timeout: %v}", s.service, s.timeout)
}

// GoString is String, for %#v.
func (s *TokenStore) GoString() string { return s.String() }

func (s *TokenStore) remember(tok Secret) {
	if tok == "" {
		return
	}
	s.mu.Lock()
	s.v.seen[string(tok)] = struct{}{}
	s.mu.Unlock()
}

// scrub removes every token the store has handled from msg and bounds it.
func (s *TokenStore) scrub(msg string) string {
	s.mu.Lock()
	for tok := range s.v.seen {
		msg = strings.ReplaceAll(msg, tok, redacted)
	}
	s.mu.Unlock()
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	return msg
}

// Wait blocks until no keyring call that timed out is still running, or ctx
// ends. Tests use it before checking for leaked goroutines; an app can use it
// before exit.
func (s *TokenStore) Wait(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() {
		s.mu.Lock()
		s.idle.Broadcast()
		s.mu.Unlock()
	})
	defer stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.stuck > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		s.idle.Wait()
	}
	return nil
}

// call runs fn on its own goroutine and waits at most the timeout (or until
// ctx ends). Known tokens are scrubbed from any error text.
func (s *TokenStore) call(ctx context.Context, op string, fn func() error) error {
	s.mu.Lock()
	if s.stuck > 0 {
		s.mu.Unlock()
		return &keyringError{op: op, kind: ErrKeyringTimeout, detail: "an earlier keyring call is still waiting"}
	}
	s.mu.Unlock()

	done := make(chan error, 1)
	go func() {
		var err error
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("keyring backend panicked: %v", r)
			}
			done <- err
		}()
		err = fn()
	}()

	timer := time.NewTimer(s.timeout)
	defer timer.Stop()
	select {
	case err := <-done:
		return classify(op, err, s.scrub)
	case <-timer.C:
		s.abandon(done)
		return &keyringError{op: op, kind: ErrKeyringTimeout,
			detail: fmt.Sprintf("no answer within %v; is the keyring locked?", s.timeout)}
	case <-ctx.Done():
		s.abandon(done)
		return fmt.Errorf("keyring %s: %w", op, ctx.Err())
	}
}

// abandon counts a call as stuck until it returns.
func (s *TokenStore) abandon(done <-chan error) {
	s.mu.Lock()
	s.stuck++
	s.mu.Unlock()
	go func() {
		<-done
		s.mu.Lock()
		s.stuck--
		s.idle.Broadcast()
		s.mu.Unlock()
	}()
}

// keyringError is a keyring failure: kind is one of the sentinels, detail a
// scrubbed description of the cause.
type keyringError struct {
	op     string
	kind   error
	detail string
}

func (e *keyringError) Error() string {
	msg := "keyring " + e.op + ": " + e.kind.Error()
	if e.detail != "" {
		msg += " (" + e.detail + ")"
	}
	return msg
}

func (e *keyringError) Unwrap() []error {
	if e.kind == ErrKeyringLocked || e.kind == ErrKeyringTimeout {
		return []error{e.kind, ErrKeyringUnavailable}
	}
	return []error{e.kind}
}

// classify maps a go-keyring error onto the sentinels. The cause is kept as
// text only, with token removed, never as a wrapped error whose message
// could carry it.
func classify(op string, err error, scrub func(string) string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, keyring.ErrNotFound) {
		return &keyringError{op: op, kind: ErrNoToken}
	}
	if errors.Is(err, keyring.ErrSetDataTooBig) {
		return &keyringError{op: op, kind: ErrInvalidToken, detail: "too large for this keyring"}
	}
	if errors.Is(err, ErrKeyringLocked) || errors.Is(err, ErrKeyringTimeout) || errors.Is(err, ErrKeyringUnavailable) || errors.Is(err, ErrNoToken) {
		// A backend that already speaks our language (tests, wrappers).
		for _, k := range []error{ErrKeyringLocked, ErrKeyringTimeout, ErrNoToken, ErrKeyringUnavailable} {
			if errors.Is(err, k) {
				return &keyringError{op: op, kind: k, detail: scrub(err.Error())}
			}
		}
	}
	detail := scrub(err.Error())
	var derr dbus.Error
	if errors.As(err, &derr) {
		switch derr.Name {
		case "org.freedesktop.DBus.Error.ServiceUnknown", "org.freedesktop.DBus.Error.NameHasNoOwner",
			"org.freedesktop.DBus.Error.UnknownObject", "org.freedesktop.DBus.Error.UnknownMethod":
			return &keyringError{op: op, kind: ErrKeyringUnavailable, detail: "no Secret Service on the session bus"}
		case "org.freedesktop.Secret.Error.IsLocked":
			return &keyringError{op: op, kind: ErrKeyringLocked, detail: detail}
		case "org.freedesktop.DBus.Error.NoReply", "org.freedesktop.DBus.Error.Timeout":
			return &keyringError{op: op, kind: ErrKeyringTimeout, detail: detail}
		}
	}
	if strings.Contains(detail, "failed to unlock") || strings.Contains(strings.ToLower(detail), "locked") {
		return &keyringError{op: op, kind: ErrKeyringLocked, detail: detail}
	}
	if strings.Contains(detail, "session bus") || strings.Contains(detail, "dbus:") {
		return &keyringError{op: op, kind: ErrKeyringUnavailable, detail: "no session bus: " + detail}
	}
	return &keyringError{op: op, kind: ErrKeyringUnavailable, detail: detail}
}

// TokenFunc adapts the store to a token callback of the shape
// func(ctx) (string, error), as app.Config.Token takes. serverURL is called
// on every use, so the callback follows a server changed in Settings. It
// returns the token; "" and a nil error when none is stored (connect without
// authentication); the store's error otherwise (ErrKeyringUnavailable and
// friends: show TokenProblem in the status bar). Each call is bounded by the
// store's timeout and by ctx.
func (s *TokenStore) TokenFunc(serverURL func() string) func(ctx context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		tok, err := s.Get(ctx, serverURL())
		if errors.Is(err, ErrNoToken) {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		return tok.Reveal(), nil
	}
}
