//go:build (linux || freebsd || netbsd || openbsd || illumos) && !nodbus

package notify_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"net"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/internal/dbustest"
	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/notify/notifytest"
	"github.com/warpdesk/warpdesk/ops"
)

// These tests drive the real delivery code (and real beeep) over a private
// session bus into notifytest's fake server, and check what arrives there.

func testIcon(t testing.TB) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 4, 3))
	img.Set(1, 1, color.NRGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// clicks collects OnClick (or OnAcknowledge) calls: the incident's UUID,
// as "server/uuid" when the server is not "".
type clicks struct {
	ch chan string
}

func newClicks() *clicks { return &clicks{ch: make(chan string, 10)} }

func (c *clicks) OnClick(server, id string) {
	if server != "" {
		id = server + "/" + id
	}
	c.ch <- id
}

func (c *clicks) wait(t *testing.T) string {
	t.Helper()
	select {
	case id := <-c.ch:
		return id
	case <-time.After(5 * time.Second):
		t.Fatal("no click callback")
		return ""
	}
}

func TestDBusIncidents(t *testing.T) {
	bus := dbustest.Start(t, dbustest.Session)
	srv := notifytest.Start(t, bus.Address, notifytest.Options{})
	cl := newClicks()
	d := notify.NewDBus(notify.SystemOptions{
		BusAddress: bus.Address, AppIcon: "warpdesk", DesktopEntry: "warpdesk", OnClick: cl.OnClick,
	})
	defer d.Close()
	icon := testIcon(t)
	n := notify.New(d, notify.Options{Icon: icon})
	defer n.Close()

	at := time.Now()
	n.Incident("", ops.Incident{UUID: "c-1", Title: "DB primary down", Severity: "critical", Room: "ops", CreatedAt: at.UnixMilli()})
	n.Incident("", ops.Incident{UUID: "w-1", Title: "Disk 85%", Severity: "warning", Room: "infra", CreatedAt: at.UnixMilli()})
	n.Incident("", ops.Incident{UUID: "i-1", Title: "Deploy done", Severity: "info", Room: "ci", CreatedAt: at.UnixMilli()})
	calls := srv.WaitCalls(t, 3)
	// The server records a call before the client reads its reply; a click
	// in between would name an id the client does not know yet.
	for _, c := range calls {
		for deadline := time.Now().Add(5 * time.Second); !notify.Clickable(d, c.ID); time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the reply to Notify %d was never stored", c.ID)
			}
		}
	}

	want := []struct {
		summary, body string
		urgency       byte
	}{
		{"Critical: DB primary down", "ops · " + at.Format("15:04"), 2},
		{"Warning: Disk 85%", "infra · " + at.Format("15:04"), 1},
		{"Info: Deploy done", "ci · " + at.Format("15:04"), 0},
	}
	for i, c := range calls {
		w := want[i]
		u, ok := c.Urgency()
		if c.Summary != w.summary || c.Body != w.body || !ok || u != w.urgency {
			t.Errorf("call %d: summary %q body %q urgency %d (%v); want %q %q %d", i, c.Summary, c.Body, u, ok, w.summary, w.body, w.urgency)
		}
		if c.AppName != "Warpdesk" || c.AppIcon != "warpdesk" || c.ReplacesID != 0 || !c.HasAction("default") || c.ExpireTimeout != -1 {
			t.Errorf("call %d: %+v", i, c)
		}
		if v, ok := c.Hints["desktop-entry"]; !ok || v.Value() != "warpdesk" {
			t.Errorf("call %d: desktop-entry hint %v", i, v)
		}
		if _, ok := c.Hints["image-data"]; !ok {
			t.Errorf("call %d: no image-data hint for the icon", i)
		}
	}
	// (iiibiiay): width, height, rowstride, alpha, bits, channels, data.
	if f, ok := calls[0].Hints["image-data"].Value().([]any); !ok || len(f) != 7 || f[0] != int32(4) || f[1] != int32(3) || f[3] != true || len(f[6].([]byte)) != 4*3*4 {
		t.Errorf("image-data %v", calls[0].Hints["image-data"])
	}

	// A click on the critical one reports its UUID.
	if err := srv.Click(calls[0].ID); err != nil {
		t.Fatal(err)
	}
	if id := cl.wait(t); id != "c-1" {
		t.Fatalf("OnClick(%q), want c-1", id)
	}
	// A click on another app's notification, or another action, is ignored.
	if err := srv.Invoke(999, "default"); err != nil {
		t.Fatal(err)
	}
	if err := srv.Invoke(calls[1].ID, "snooze"); err != nil {
		t.Fatal(err)
	}
	if err := srv.Click(calls[2].ID); err != nil {
		t.Fatal(err)
	}
	if id := cl.wait(t); id != "i-1" {
		t.Fatalf("OnClick(%q), want i-1 (999 and snooze ignored)", id)
	}
}

func TestDBusEscaping(t *testing.T) {
	const evil = "<b>x</b> & <a href='http://evil'>y</a>"
	for _, tt := range []struct {
		name string
		caps []string
		body string
	}{
		{"body-markup", notifytest.DefaultCapabilities, "&lt;b&gt;x&lt;/b&gt; &amp; &lt;a href='http://evil'&gt;y&lt;/a&gt;"},
		{"plain", []string{"body", "actions"}, evil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bus := dbustest.Start(t, dbustest.Session)
			srv := notifytest.Start(t, bus.Address, notifytest.Options{Capabilities: tt.caps})
			d := notify.NewDBus(notify.SystemOptions{BusAddress: bus.Address})
			defer d.Close()
			n := notify.New(d, notify.Options{})
			defer n.Close()
			n.Incident("", ops.Incident{UUID: "1", Title: evil + "\n\x1b[2J", Severity: "warning", Room: evil})
			c := srv.WaitCalls(t, 1)[0]
			if c.Summary != "Warning: "+evil+" [2J" {
				t.Errorf("summary %q: summaries are plain text, only cleaned", c.Summary)
			}
			if want := tt.body + " · "; c.Body[:len(want)] != want {
				t.Errorf("body %q, want prefix %q", c.Body, want)
			}
			if len(c.Actions) != 0 {
				t.Errorf("actions %v without OnClick", c.Actions)
			}
			if _, ok := c.Hints["image-data"]; ok {
				t.Error("image-data without an icon")
			}
		})
	}
}

func TestDBusSummaryReplaces(t *testing.T) {
	bus := dbustest.Start(t, dbustest.Session)
	srv := notifytest.Start(t, bus.Address, notifytest.Options{})
	d := notify.NewDBus(notify.SystemOptions{BusAddress: bus.Address})
	defer d.Close()
	summary := notify.Notification{Summary: "5 new incidents", Tag: "summary"}
	deliver := func() notifytest.Call {
		t.Helper()
		before := len(srv.Calls())
		if err := d.Deliver(summary); err != nil {
			t.Fatal(err)
		}
		return srv.WaitCalls(t, before+1)[before]
	}
	first := deliver()
	second := deliver()
	if second.ReplacesID != first.ID || second.ID != first.ID {
		t.Fatalf("second summary: replaces %d id %d, want %d", second.ReplacesID, second.ID, first.ID)
	}
	if err := srv.Dismiss(first.ID, 2); err != nil {
		t.Fatal(err)
	}
	// Once the user dismissed it (NotificationClosed), the deliverer
	// forgets it, and the next summary is a new notification.
	deadline := time.Now().Add(5 * time.Second)
	for notify.TagID(d, "summary") != 0 {
		if time.Now().After(deadline) {
			t.Fatal("NotificationClosed not seen")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if c := deliver(); c.ReplacesID != 0 || c.ID == first.ID {
		t.Fatalf("after dismissal: %+v", c)
	}
}

func TestDBusHungServer(t *testing.T) {
	bus := dbustest.Start(t, dbustest.Session)
	notifytest.Start(t, bus.Address, notifytest.Options{Delay: time.Hour})
	d := notify.NewDBus(notify.SystemOptions{BusAddress: bus.Address, Timeout: 100 * time.Millisecond})
	defer d.Close()
	start := time.Now()
	err := d.Deliver(notify.Notification{Summary: "x"})
	if err == nil || errors.Is(err, notify.ErrNoBus) || time.Since(start) > 2*time.Second {
		t.Fatalf("Deliver to a hung server: %v after %v", err, time.Since(start))
	}
}

func TestDBusNoBus(t *testing.T) {
	d := notify.NewDBus(notify.SystemOptions{BusAddress: "unix:path=" + t.TempDir() + "/none"})
	defer d.Close()
	if err := d.Deliver(notify.Notification{Summary: "x"}); !errors.Is(err, notify.ErrNoBus) {
		t.Fatalf("err %v, want ErrNoBus", err)
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	d2 := notify.NewDBus(notify.SystemOptions{})
	defer d2.Close()
	if err := d2.Deliver(notify.Notification{Summary: "x"}); !errors.Is(err, notify.ErrNoBus) {
		t.Fatalf("no address: err %v, want ErrNoBus", err)
	}
}

// A bus that accepts but never answers (a wedged dbus-daemon) costs one
// Timeout, not a stuck delivery goroutine.
func TestDBusHungBus(t *testing.T) {
	sock := t.TempDir() + "/bus"
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := l.Accept()
		if err == nil {
			accepted <- c
		}
		close(accepted)
	}()
	defer func() {
		l.Close()
		if c, ok := <-accepted; ok {
			c.Close()
		}
	}()
	d := notify.NewDBus(notify.SystemOptions{BusAddress: "unix:path=" + sock, Timeout: 100 * time.Millisecond})
	defer d.Close()
	start := time.Now()
	if err := d.Deliver(notify.Notification{Summary: "x"}); !errors.Is(err, notify.ErrNoBus) || time.Since(start) > 2*time.Second {
		t.Fatalf("Deliver on a wedged bus: %v after %v", err, time.Since(start))
	}
}

// The bus goes away (logout, crash) and comes back: the deliverer dials
// again, from the environment.
func TestDBusReconnects(t *testing.T) {
	bus1 := dbustest.Start(t, dbustest.Session)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", bus1.Address)
	srv1 := notifytest.Start(t, bus1.Address, notifytest.Options{})
	d := notify.NewDBus(notify.SystemOptions{})
	defer d.Close()
	if err := d.Deliver(notify.Notification{Summary: "one"}); err != nil {
		t.Fatal(err)
	}
	srv1.WaitCalls(t, 1)
	bus1.Stop()

	bus2 := dbustest.Start(t, dbustest.Session)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", bus2.Address)
	srv2 := notifytest.Start(t, bus2.Address, notifytest.Options{})
	var err error
	for range 50 { // the first try may still see the dead connection
		if err = d.Deliver(notify.Notification{Summary: "two"}); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	if c := srv2.WaitCalls(t, 1)[0]; c.Summary != "two" {
		t.Fatalf("%+v", c)
	}
}

// TestBeeep sends through the real beeep (which uses the process-wide
// session bus connection, so every beeep case shares this one bus) and
// checks what beeep can and cannot carry.
func TestBeeep(t *testing.T) {
	bus := dbustest.Start(t, dbustest.Session)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", bus.Address)
	srv := notifytest.Start(t, bus.Address, notifytest.Options{})
	icon := testIcon(t)

	t.Run("deliver", func(t *testing.T) {
		srv.Reset()
		b := notify.NewBeeep("Warpdesk", "")
		for _, n := range []notify.Notification{
			{Summary: "Critical: DB down", Body: "ops · 10:00 & <more>", Urgency: notify.Critical, Icon: icon},
			{Summary: "Info: no icon", Body: "ci", Urgency: notify.Low},
			{Summary: "Warning: bad icon", Body: "x", Urgency: notify.Normal, Icon: []byte("not a png")},
		} {
			if err := b.Deliver(n); err != nil {
				t.Fatalf("beeep %q: %v", n.Summary, err)
			}
		}
		calls := srv.WaitCalls(t, 3)
		c := calls[0]
		u, _ := c.Urgency()
		if c.AppName != "Warpdesk" || c.Summary != "Critical: DB down" || c.Body != "ops · 10:00 &amp; &lt;more&gt;" || u != 1 {
			t.Fatalf("beeep call %+v (urgency %d)", c, u)
		}
		if _, ok := c.Hints["image-data"]; !ok {
			t.Error("beeep dropped the PNG icon")
		}
		for _, c := range calls[1:] {
			if u, _ := c.Urgency(); u != 1 || len(c.Actions) != 0 || c.AppIcon != "" {
				t.Errorf("beeep: %+v: always normal, no actions, icon fallback \"\"", c)
			}
		}
	})

	t.Run("system falls back when the D-Bus path is unavailable", func(t *testing.T) {
		srv.Reset()
		s := notify.NewSystem(notify.SystemOptions{BusAddress: "unix:path=" + t.TempDir() + "/none"})
		defer s.Close()
		if err := s.Deliver(notify.Notification{Summary: "via beeep", Urgency: notify.Critical}); err != nil {
			t.Fatal(err)
		}
		if c := srv.WaitCalls(t, 1)[0]; c.Summary != "via beeep" || c.AppName != notify.DefaultAppName {
			t.Fatalf("%+v", c)
		}
	})

	t.Run("system prefers D-Bus", func(t *testing.T) {
		srv.Reset()
		s := notify.NewSystem(notify.SystemOptions{})
		defer s.Close()
		if err := s.Deliver(notify.Notification{Summary: "low", Urgency: notify.Low}); err != nil {
			t.Fatal(err)
		}
		if u, _ := srv.WaitCalls(t, 1)[0].Urgency(); u != 0 {
			t.Fatalf("urgency %d: low urgency needs the D-Bus path", u)
		}
	})
}
