package settingsui

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/warpdesk/warpdesk/settings"
)

// fakeProbe records what "Test connection" would send and answers res.
type fakeProbe struct {
	mu    sync.Mutex
	calls []probeCall
	res   ProbeResult
}

type probeCall struct {
	url, catchup string
	token        settings.Secret
}

func (p *fakeProbe) probe(_ context.Context, url, catchup string, _ []string, tok settings.Secret) ProbeResult {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = append(p.calls, probeCall{url, catchup, tok})
	return p.res
}

func (p *fakeProbe) last(t *testing.T) probeCall {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.calls) == 0 {
		t.Fatal("nothing was probed")
	}
	return p.calls[len(p.calls)-1]
}

// Issue 9 item 7: the demo is a choice, never its random port shown and
// saved as if it were the user's server.
func TestDemoIsAChoiceNotAURL(t *testing.T) {
	h := open(t, settings.Default(), nil)
	f := h.f
	if f.serverChoice.Selected != choiceDemo || f.serverURL.Text != "" || !f.serverURL.Disabled() || !f.testBtn.Disabled() {
		t.Fatalf("demo settings: choice %q url %q (disabled %v)", f.serverChoice.Selected, f.serverURL.Text, f.serverURL.Disabled())
	}
	if shown(f.urlError) != "" {
		t.Fatalf("error for the demo: %q", shown(f.urlError))
	}
	h.save(t)
	if s, _ := h.got.last(t); !first(s).IsDemo() {
		t.Fatalf("applied %q for the demo", first(s).URL)
	}
	if s, err := settings.Load(h.app.Preferences()); err != nil || !first(s).IsDemo() {
		t.Fatalf("persisted %q, %v", first(s).URL, err)
	}

	// A server of one's own: the URL is needed, and its error goes once typed.
	f.serverChoice.SetSelected(choiceURL)
	if f.serverURL.Disabled() || shown(f.urlError) != "" {
		t.Fatal("the URL field is not ready, or complains before anything was typed")
	}
	h.save(t)
	if !strings.Contains(shown(f.urlError), "enter the server URL") {
		t.Fatalf("url error %q after saving without a URL", shown(f.urlError))
	}
	test.Type(f.serverURL, "wss://ops.example.com/ws")
	if shown(f.urlError) != "" {
		t.Fatalf("url error %q stays after the fix", shown(f.urlError))
	}
	h.save(t)
	if s, _ := settings.Load(h.app.Preferences()); first(s).URL != "wss://ops.example.com/ws" {
		t.Fatalf("persisted %q", first(s).URL)
	}
}

// Each problem shows under its own field and goes once that field is fixed.
func TestFieldErrorsUnderTheirFields(t *testing.T) {
	cur := current()
	cur.Servers[0].Rooms = []string{"ops", "#ops", "payments"}
	h := open(t, cur, nil)
	f := h.f
	f.serverURL.SetText("https://ops.example.com")
	f.catchupURL.SetText("ftp://x")
	f.quietOn.SetChecked(true)
	f.quietStart.SetText("25:00")
	h.save(t)
	for name, l := range map[string]*widget.Label{"server URL": f.urlError, "catch-up URL": f.catchupErr,
		"rooms": f.roomError, "quiet hours": f.quietErr} {
		if shown(l) == "" {
			t.Errorf("no error under the %s field", name)
		}
	}
	if len(h.got.calls) != 0 {
		t.Fatal("applied invalid settings")
	}
	f.serverURL.SetText("wss://ops.example.com/ws")
	if shown(f.urlError) != "" || shown(f.catchupErr) == "" {
		t.Fatalf("after fixing the URL: url %q, catch-up %q", shown(f.urlError), shown(f.catchupErr))
	}
	f.catchupURL.SetText("")
	if shown(f.catchupErr) != "" {
		t.Fatalf("catch-up error %q stays after the fix", shown(f.catchupErr))
	}
	test.Tap(f.roomRemove["ops"])
	if shown(f.roomError) != "" {
		t.Fatalf("room error %q stays after removing the duplicate", shown(f.roomError))
	}
	f.quietStart.SetText("22:00")
	if shown(f.quietErr) != "" {
		t.Fatalf("quiet error %q stays", shown(f.quietErr))
	}
	test.Type(f.token, "two words")
	h.save(t)
	if !strings.Contains(shown(f.tokenErr), "not valid") {
		t.Fatalf("token error %q", shown(f.tokenErr))
	}
	test.Type(f.token, "x")
	if shown(f.tokenErr) != "" {
		t.Fatal("token error stays while typing")
	}
}

func TestTestConnection(t *testing.T) {
	h := open(t, current(), nil)
	f := h.f
	h.probe.res = ProbeResult{OK: true, Message: "Connected: the server accepted the token; 2 open incidents."}

	// ws:// to another host: not even a test sends the token unconfirmed.
	f.serverURL.SetText("ws://ops.example.com/ws")
	test.Type(f.token, "typed-token")
	test.Tap(f.testBtn)
	h.ui.pump(f)
	if len(h.probe.calls) != 0 || !strings.Contains(shown(f.testResult), "Not tested") || shown(f.riskErr) == "" {
		t.Fatalf("tested without consent: %q", shown(f.testResult))
	}
	test.Tap(f.insecureOK)
	test.Tap(f.testBtn)
	h.ui.pump(f)
	if c := h.probe.last(t); c.url != "ws://ops.example.com/ws" || c.token != "typed-token" {
		t.Fatalf("probed %+v", c)
	}
	if got := shown(f.testResult); got != h.probe.res.Message || f.testResult.Importance != widget.SuccessImportance {
		t.Fatalf("result %q (%v)", got, f.testResult.Importance)
	}

	// Nothing typed: the token stored for that server.
	f.token.SetText("")
	f.serverURL.SetText("wss://ops.example.com/ws")
	if err := h.store.Set(context.Background(), "wss://ops.example.com/ws", "stored-token"); err != nil {
		t.Fatal(err)
	}
	h.probe.res = ProbeResult{Message: "The server rejected the token (close 4401)."}
	test.Tap(f.testBtn)
	h.ui.pump(f)
	if c := h.probe.last(t); c.token != "stored-token" {
		t.Fatalf("probed with %q", c.token.Reveal())
	}
	if shown(f.testResult) != h.probe.res.Message || f.testResult.Importance != widget.DangerImportance {
		t.Fatalf("result %q", shown(f.testResult))
	}
}

// The button against a real server on loopback, with the real Probe.
func TestTestConnectionRealServer(t *testing.T) {
	srv := startDemo(t, "right-token")
	h := open(t, current(), nil, func(o *Options) { o.Probe = Probe })
	f := h.f
	f.serverURL.SetText(srv.URL())
	for tok, want := range map[string]string{"right-token": "accepted the token", "wrong-token": "rejected the token"} {
		f.token.SetText(tok)
		test.Tap(f.testBtn)
		h.ui.pump(f)
		if !strings.Contains(shown(f.testResult), want) {
			t.Errorf("token %s: result %q, want %q", tok, shown(f.testResult), want)
		}
	}
}

// The window process's opener: settings come from and go to the settings
// file, and the agent is told after each save.
func TestWindowOpener(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	path := t.TempDir() + "/settings.json"
	file, err := settings.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	saved := make(chan struct{}, 4)
	openSettings := WindowOpener(a, file, nil, func() { saved <- struct{}{} })
	before := len(a.Driver().AllWindows())
	openSettings()
	openSettings() // brings the same window forward
	wins := a.Driver().AllWindows()
	if len(wins) != before+1 {
		t.Fatalf("%d windows opened, want 1", len(wins)-before)
	}
	w := wins[len(wins)-1]
	t.Cleanup(w.Close)
	save := findButton(w.Content(), "Save")
	if save == nil {
		t.Fatal("no Save button")
	}
	test.Tap(save)
	select {
	case <-saved:
	case <-time.After(10 * time.Second):
		t.Fatal("the agent was not told after Save")
	}
	other, err := settings.OpenFile(path)
	if err != nil || other.Int(settings.KeyVersion) == 0 {
		t.Fatalf("nothing in the settings file: %v", err)
	}
	if s, err := settings.Load(other); err != nil || !first(s).IsDemo() {
		t.Fatalf("the file holds %+v, %v", s, err)
	}
}

func findButton(o fyne.CanvasObject, text string) *widget.Button {
	b, _ := findObject(o, func(x fyne.CanvasObject) bool { b, ok := x.(*widget.Button); return ok && b.Text == text }).(*widget.Button)
	return b
}

// findObject finds the first object under o that match accepts.
func findObject(o fyne.CanvasObject, match func(fyne.CanvasObject) bool) fyne.CanvasObject {
	if match(o) {
		return o
	}
	var objs []fyne.CanvasObject
	switch c := o.(type) {
	case *fyne.Container:
		objs = c.Objects
	case *container.Scroll:
		objs = []fyne.CanvasObject{c.Content}
	}
	for _, x := range objs {
		if found := findObject(x, match); found != nil {
			return found
		}
	}
	return nil
}

// A settings file that does not read (not JSON: set aside; a servers list
// that is not one) opens Settings on the defaults or on no servers: the
// window says so at once, before a Save replaces what was stored.
func TestWindowOpenerSaysTheStoredSettingsDidNotRead(t *testing.T) {
	for name, content := range map[string]string{
		"not JSON":           "{not json",
		"servers not a list": `{"settings.version":2,"settings.servers":"wss://ops.example.com/ws"}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv("XDG_CONFIG_HOME", t.TempDir())
			path := t.TempDir() + "/settings.json"
			file, _ := settings.OpenFile(path) // nothing there yet
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			a := test.NewTempApp(t)
			WindowOpener(a, file, nil, nil)()
			wins := a.Driver().AllWindows()
			w := wins[len(wins)-1]
			t.Cleanup(w.Close)
			if l := findLabel(w.Content(), "corrupt"); l == nil || l.Importance != widget.WarningImportance {
				t.Fatal("the window does not say that the stored settings could not be read")
			}
		})
	}
}

// findLabel finds a label whose text contains part.
func findLabel(o fyne.CanvasObject, part string) *widget.Label {
	l, _ := findObject(o, func(x fyne.CanvasObject) bool {
		l, ok := x.(*widget.Label)
		return ok && strings.Contains(l.Text, part)
	}).(*widget.Label)
	return l
}
