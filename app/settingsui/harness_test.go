package settingsui

import (
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/warpdesk/warpdesk/settings"
)

// applied records every call of the apply callback.
type applied struct {
	calls  []settings.Settings
	tokens []map[string]settings.Secret
	err    error
}

func (a *applied) apply(s settings.Settings, toks map[string]settings.Secret) error {
	if a.err != nil {
		return a.err
	}
	a.calls = append(a.calls, s)
	a.tokens = append(a.tokens, toks)
	return nil
}

// last returns the last settings applied and the token given for their
// first server (nil when none).
func (a *applied) last(t *testing.T) (settings.Settings, *settings.Secret) {
	t.Helper()
	s, toks := a.lastAll(t)
	if tok, ok := toks[first(s).ID]; ok {
		return s, &tok
	}
	return s, nil
}

// lastAll returns the last settings applied and every token given.
func (a *applied) lastAll(t *testing.T) (settings.Settings, map[string]settings.Secret) {
	t.Helper()
	if len(a.calls) == 0 {
		t.Fatal("apply was not called")
	}
	return a.calls[len(a.calls)-1], a.tokens[len(a.tokens)-1]
}

func current() settings.Settings {
	s := settings.Default()
	s.Servers[0].URL = "wss://ops.example.com/ws"
	s.Servers[0].Rooms = []string{"#ops", "payments"}
	return s
}

// uiQueue stands in for the UI goroutine: background jobs post to it with
// do, and the test goroutine runs what they posted in pump. (fyne's test
// driver runs fyne.Do at once on the calling goroutine, which would race
// with the test goroutine.)
type uiQueue struct {
	mu  sync.Mutex
	fns []func()
}

func (q *uiQueue) do(fn func()) {
	q.mu.Lock()
	q.fns = append(q.fns, fn)
	q.mu.Unlock()
}

// pump waits for f's background jobs and runs what they posted, until
// nothing is left.
func (q *uiQueue) pump(f *form) {
	for {
		f.bg.Wait()
		q.mu.Lock()
		fns := q.fns
		q.fns = nil
		q.mu.Unlock()
		if len(fns) == 0 {
			return
		}
		for _, fn := range fns {
			fn()
		}
	}
}

type harness struct {
	ui    *uiQueue
	app   fyne.App
	win   fyne.Window
	f     *form
	kr    *memKeyring
	store *settings.TokenStore
	got   *applied
	probe *fakeProbe
}

// open builds the form in a test app window, with XDG_CONFIG_HOME in a temp
// dir (the autostart entry goes there), and waits for the initial keyring
// check.
func open(t *testing.T, cur settings.Settings, store *settings.TokenStore, mods ...func(*Options)) *harness {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	h := &harness{app: test.NewTempApp(t), got: &applied{}, ui: &uiQueue{}, probe: &fakeProbe{}}
	if store == nil {
		h.kr = newMem()
		store = settings.NewTokenStore(settings.TokenStoreOptions{Keyring: h.kr, Timeout: 200 * time.Millisecond})
	}
	h.store = store
	opts := Options{Prefs: h.app.Preferences(), Tokens: store, Apply: h.got.apply, Probe: h.probe.probe}
	for _, m := range mods {
		m(&opts)
	}
	h.f = newForm(cur, opts, h.ui.do)
	h.win = test.NewTempWindow(t, h.f.content)
	h.ui.pump(h.f)
	return h
}

func (h *harness) save(t *testing.T) {
	t.Helper()
	test.Tap(h.f.save)
	h.ui.pump(h.f)
}

func shown(l *widget.Label) string {
	if !l.Visible() {
		return ""
	}
	return l.Text
}

// questions records the form's yes/no questions and answers them.
type questions struct {
	asked  []string // title and message of each question
	answer bool
}

// questions makes the form ask q instead of a dialog, answering answer
// until the test changes q.answer.
func (h *harness) questions(answer bool) *questions {
	q := &questions{answer: answer}
	h.f.confirm = func(title, msg string, cb func(bool)) {
		q.asked = append(q.asked, title+" "+msg)
		cb(q.answer)
	}
	return q
}
