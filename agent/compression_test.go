package agent

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/warpdesk/warpdesk/conn"
	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/notify/notifytest"
	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/settings/keyringtest"
)

// *conn.Conn changes compression while it runs.
var _ compressor = (*conn.Conn)(nil)

// offers is a WebSocket server on loopback that records, for each upgrade,
// whether the client offered permessage-deflate.
type offers struct {
	mu  sync.Mutex
	got []bool
}

func (o *offers) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !websocket.IsWebSocketUpgrade(r) {
		http.NotFound(w, r) // the catch-up: failing is fine here
		return
	}
	o.mu.Lock()
	o.got = append(o.got, strings.Contains(r.Header.Get("Sec-WebSocket-Extensions"), "permessage-deflate"))
	o.mu.Unlock()
	up := websocket.Upgrader{EnableCompression: true}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer ws.Close()
	for {
		if _, _, err := ws.ReadMessage(); err != nil {
			return
		}
	}
}

func (o *offers) last() (offered, ok bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.got) == 0 {
		return false, false
	}
	return o.got[len(o.got)-1], true
}

// The Compression setting reaches the wire through a real connection: the
// upgrade offers permessage-deflate when it is on, and a change saved by
// the window redials with the new setting at once.
func TestCompressionReachesTheWire(t *testing.T) {
	srv := &offers{}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	server := "ws" + strings.TrimPrefix(hs.URL, "http") + "/ws"

	prefs := mapPrefs{}
	saved := real(server, "ops")
	_ = settings.Save(prefs, *saved)
	a, err := New(Config{}, Options{
		Prefs: prefs, Tokens: settings.NewTokenStore(settings.TokenStoreOptions{Keyring: &keyringtest.Memory{}}),
		Deliverer: notifytest.DelivererFunc(func(notify.Notification) error { return nil }),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	a.start()
	want := func(offered bool) {
		t.Helper()
		waitFor(t, "an upgrade with the setting", func() bool {
			got, ok := srv.last()
			return ok && got == offered
		})
	}
	want(false)
	for _, on := range []bool{true, false} {
		saved.Compression = on
		_ = settings.Save(prefs, *saved)
		a.SettingsChanged()
		want(on)
	}
}

// The built-in demo server accepts permessage-deflate, so the Settings
// switch takes effect in demo mode too.
func TestBuiltInDemoAcceptsCompression(t *testing.T) {
	a, _, _, _ := newTestAgent(t, nil, Config{})
	a.mu.Lock()
	srv := a.demo
	a.mu.Unlock()
	if srv == nil {
		t.Fatal("no built-in demo server with nothing saved")
	}
	d := websocket.Dialer{EnableCompression: true}
	ws, resp, err := d.Dial(srv.URL(), http.Header{"Authorization": {"Bearer " + srv.Token()}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if !strings.Contains(resp.Header.Get("Sec-WebSocket-Extensions"), "permessage-deflate") {
		t.Fatalf("the built-in demo server did not negotiate deflate: %q", resp.Header.Get("Sec-WebSocket-Extensions"))
	}
}
