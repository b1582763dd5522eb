package agent

import (
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/conn"
	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/notify/notifytest"
	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/settings/keyringtest"
)

// A settings file that cannot be read back (corrupted by hand or by a
// crash elsewhere) changes nothing in force: the agent must not take the
// defaults the failed reload leaves behind for a user's edit, which would
// switch a real server to the demo and leave its rooms.
func TestSettingsChangedKeepsSettingsWhenTheFileIsCorrupt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	file, err := settings.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := settings.Save(file, *real("wss://ops.example.com/ws", "ops")); err != nil {
		t.Fatal(err)
	}
	link := &fakeLink{}
	a, err := New(Config{}, Options{
		Prefs:     file,
		Tokens:    settings.NewTokenStore(settings.TokenStoreOptions{Keyring: &keyringtest.Memory{}}),
		Deliverer: notifytest.DelivererFunc(func(notify.Notification) error { return nil }),
		Dial: func(_ conn.Sink, o conn.Options) (Link, error) {
			link.opts, link.server, link.rooms = o, o.Server, o.Rooms
			return link, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	if link.server != "wss://ops.example.com/ws" {
		t.Fatalf("dialled %q", link.server)
	}
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	a.SettingsChanged()
	link.mu.Lock()
	defer link.mu.Unlock()
	if link.server != "wss://ops.example.com/ws" || !slices.Equal(link.rooms, []string{"ops"}) {
		t.Fatalf("after a corrupt file: server %q, rooms %v (calls %v)", link.server, link.rooms, link.calls)
	}
}

// swapPrefs is the settings file as another process writes it: Reload
// reads it anew, and a read of the key gateKey (the last Load reads) can
// be held, so a test can stop a reload half-way.
type swapPrefs struct {
	path string
	cur  atomic.Pointer[settings.File]
	hold atomic.Pointer[chan struct{}] // closed to let the held read go
	held chan struct{}
}

const gateKey = settings.KeyConfirmedRisks

func (p *swapPrefs) Reload() error {
	f, err := settings.OpenFile(p.path)
	if err == nil {
		p.cur.Store(f)
	}
	return err
}

func (p *swapPrefs) f() *settings.File                  { return p.cur.Load() }
func (p *swapPrefs) Int(k string) int                   { return p.f().Int(k) }
func (p *swapPrefs) SetInt(k string, v int)             { p.f().SetInt(k, v) }
func (p *swapPrefs) Bool(k string) bool                 { return p.f().Bool(k) }
func (p *swapPrefs) SetBool(k string, v bool)           { p.f().SetBool(k, v) }
func (p *swapPrefs) String(k string) string             { return p.f().String(k) }
func (p *swapPrefs) SetString(k string, v string)       { p.f().SetString(k, v) }
func (p *swapPrefs) SetStringList(k string, v []string) { p.f().SetStringList(k, v) }
func (p *swapPrefs) RemoveValue(k string)               { p.f().RemoveValue(k) }
func (p *swapPrefs) StringList(k string) []string {
	if h := p.hold.Swap(nil); h != nil && k == gateKey {
		close(p.held)
		<-*h
	} else if h != nil {
		p.hold.Store(h)
	}
	return p.f().StringList(k)
}

// Two saves told one right after the other (Save, then a forgotten token)
// end with the file's last settings in force: a reload that read the
// older file must not be applied after the one that read the newer.
func TestSettingsChangedInOrder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	window, err := settings.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := *real("wss://ops.example.com/ws", "ops")
	if err := settings.Save(window, s); err != nil {
		t.Fatal(err)
	}
	prefs := &swapPrefs{path: path, held: make(chan struct{})}
	if err := prefs.Reload(); err != nil {
		t.Fatal(err)
	}
	a, err := New(Config{}, Options{
		Prefs:     prefs,
		Tokens:    settings.NewTokenStore(settings.TokenStoreOptions{Keyring: &keyringtest.Memory{}}),
		Deliverer: notifytest.DelivererFunc(func(notify.Notification) error { return nil }),
		Dial:      func(conn.Sink, conn.Options) (Link, error) { return &fakeLink{}, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	save := func(reAlert time.Duration) {
		s.ReAlert = reAlert
		if err := settings.Save(window, s); err != nil {
			t.Fatal(err)
		}
	}

	save(7 * time.Minute)
	release := make(chan struct{})
	prefs.hold.Store(&release)
	first := make(chan struct{})
	go func() { defer close(first); a.SettingsChanged() }()
	<-prefs.held // the first has read the file of 7 min, not yet applied it
	save(9 * time.Minute)
	second := make(chan struct{})
	go func() { defer close(second); a.SettingsChanged() }()
	select {
	case <-second: // applied ahead of the first: the bug
	case <-time.After(500 * time.Millisecond): // waits its turn
	}
	close(release)
	<-first
	<-second
	a.mu.Lock()
	got := a.cur.ReAlert
	a.mu.Unlock()
	if got != 9*time.Minute {
		t.Fatalf("re-alert %v in force, the file says 9m0s: the older reload was applied last", got)
	}
}
