package settingsui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/settings"
)

func TestNewWindow(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	a := test.NewTempApp(t)
	// No token store: no background job, whose fyne.Do the test driver
	// would run on its own goroutine, racing with this one.
	w := NewWindowWith(a, current(), Options{})
	w.Show()
	if w.Title() != "Warpdesk Settings" || w.Content() == nil {
		t.Fatalf("window %q content %v", w.Title(), w.Content())
	}
	var closeBtn *widget.Button
	var find func(o fyne.CanvasObject)
	find = func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Close" {
			closeBtn = b
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, x := range c.Objects {
				find(x)
			}
		}
	}
	find(w.Content())
	if closeBtn == nil || !closeBtn.Visible() {
		t.Fatal("no Close button")
	}
	before := len(a.Driver().AllWindows())
	test.Tap(closeBtn)
	if after := len(a.Driver().AllWindows()); after != before-1 {
		t.Fatalf("Close did not close the window: %d windows, then %d", before, after)
	}
}

func TestFormShowsCurrentSettings(t *testing.T) {
	cur := current()
	cur.MutedRooms = []string{"payments", "#elsewhere"}
	cur.QuietHours = notify.QuietHours{Enabled: true, Start: notify.At(21, 0), End: notify.At(6, 30)}
	cur.OutageNotice = 7 * time.Minute
	cur.MinSeverity = settings.SeverityCritical
	cur.Servers[0].CatchupURL = "https://ops.example.com/api/incidents"
	h := open(t, cur, nil)
	f := h.f
	if f.serverURL.Text != first(cur).URL || f.catchupURL.Text != first(cur).CatchupURL {
		t.Fatal("URLs not shown")
	}
	if !slices.Equal(f.rooms, first(cur.Normalize()).Rooms) || len(f.roomRemove) != 2 {
		t.Fatalf("rooms %v", f.rooms)
	}
	if !slices.Equal(f.muted.Options, []string{"ops", "payments", "elsewhere"}) || !slices.Equal(f.muted.Selected, cur.Normalize().MutedRooms) {
		t.Fatalf("muted options %v selected %v", f.muted.Options, f.muted.Selected)
	}
	if f.minSeverity.Selected != "Critical only" || f.outage.Selected != "After 7 minutes" {
		t.Fatalf("severity %q outage %q", f.minSeverity.Selected, f.outage.Selected)
	}
	if got := f.collect(); fmt.Sprint(got) != fmt.Sprint(cur.Normalize()) {
		t.Fatalf("collect() = %+v\nwant        %+v", got, cur.Normalize())
	}
	if shown(f.urlError) != "" || f.insecure.Visible() {
		t.Fatal("errors shown for valid settings")
	}
	if f.tokenStatus.Text != "No token stored for this server." {
		t.Fatalf("token status %q", f.tokenStatus.Text)
	}
}

func TestServerURLInlineValidation(t *testing.T) {
	h := open(t, current(), nil)
	f := h.f
	f.serverURL.SetText("")
	test.Type(f.serverURL, "http://ops.example.com")
	if !strings.Contains(shown(f.urlError), "ws:// or wss://") {
		t.Fatalf("url error %q", shown(f.urlError))
	}
	f.serverURL.SetText("wss://")
	if !strings.Contains(shown(f.urlError), "needs a host") {
		t.Fatalf("url error %q", shown(f.urlError))
	}
	f.serverURL.SetText("")
	test.Type(f.serverURL, "wss://ops2.example.com/ws")
	if shown(f.urlError) != "" {
		t.Fatalf("error for a good URL: %q", shown(f.urlError))
	}

	// Save refuses an invalid URL and applies nothing.
	f.serverURL.SetText("https://x")
	h.save(t)
	if len(h.got.calls) != 0 || !strings.Contains(f.status.Text, "Not saved") {
		t.Fatalf("saved an invalid URL: status %q", f.status.Text)
	}
	if s, _ := settings.Load(h.app.Preferences()); first(s).URL != "" {
		t.Fatalf("persisted %q", first(s).URL)
	}
}

func TestInsecureTokenNeedsConsent(t *testing.T) {
	h := open(t, current(), nil)
	f := h.f
	f.serverURL.SetText("ws://ops.example.com:8080/ws")
	if !f.insecure.Visible() || !strings.Contains(f.insecure.Text, "ops.example.com:8080") || !f.insecureOK.Visible() {
		t.Fatalf("no warning for ws:// to a remote host: %q", f.insecure.Text)
	}
	test.Type(f.token, "tok-insecure")
	h.save(t)
	if len(h.got.calls) != 0 || !strings.Contains(f.status.Text, "unencrypted") {
		t.Fatalf("saved without consent; status %q", f.status.Text)
	}
	if h.kr.get("ops.example.com:8080") != "" {
		t.Fatal("token stored without consent")
	}
	test.Tap(f.insecureOK)
	h.save(t)
	s, tok := h.got.last(t)
	if first(s).URL != "ws://ops.example.com:8080/ws" || tok == nil || tok.Reveal() != "tok-insecure" {
		t.Fatalf("apply(%+v, %v)", s, tok)
	}

	// Loopback over ws:// is fine without a warning.
	f.serverURL.SetText("ws://127.0.0.1:9000/ws")
	if f.insecure.Visible() || f.insecureOK.Visible() || f.insecureOK.Checked {
		t.Fatal("warning for loopback")
	}
}

func TestRoomsAddRemoveAndApplyLive(t *testing.T) {
	h := open(t, current(), nil)
	f := h.f
	old := current()

	for _, tc := range []struct {
		name string
		want error
	}{
		{"", settings.ErrRoomEmpty},
		{"   ", settings.ErrRoomEmpty},
		{"two words", settings.ErrRoomWhitespace},
		{strings.Repeat("x", 65), settings.ErrRoomTooLong},
		{"#ops", settings.ErrRoomDuplicate},
	} {
		f.roomEntry.SetText("")
		test.Type(f.roomEntry, tc.name)
		test.Tap(f.addRoom)
		want := map[error]string{settings.ErrRoomEmpty: "is empty", settings.ErrRoomWhitespace: "spaces",
			settings.ErrRoomTooLong: "longer than 64", settings.ErrRoomDuplicate: "already in the list"}[tc.want]
		if !strings.Contains(shown(f.roomError), want) {
			t.Errorf("adding %q: error %q, want %q", tc.name, shown(f.roomError), want)
		}
		if len(f.rooms) != 2 {
			t.Fatalf("adding %q changed the rooms: %v", tc.name, f.rooms)
		}
	}

	f.roomEntry.SetText("")
	test.Type(f.roomEntry, "#infra")
	test.Tap(f.addRoom)
	if shown(f.roomError) != "" || f.roomEntry.Text != "" {
		t.Fatalf("error %q entry %q", shown(f.roomError), f.roomEntry.Text)
	}
	test.Type(f.roomEntry, "#db")
	f.roomEntry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})              // Enter adds too
	if !slices.Equal(f.rooms, []string{"ops", "payments", "infra", "db"}) { // "#" is not part of a name
		t.Fatalf("rooms %v", f.rooms)
	}
	test.Tap(f.roomRemove["ops"])
	if !slices.Equal(f.rooms, []string{"payments", "infra", "db"}) || f.roomRemove["ops"] != nil {
		t.Fatalf("rooms after remove %v", f.rooms)
	}
	if !slices.Equal(f.muted.Options, f.rooms) {
		t.Fatalf("muted options %v do not follow the rooms", f.muted.Options)
	}
	f.muted.SetSelected([]string{"infra"})
	f.minSeverity.SetSelected("Everything (info and up)")
	f.outage.SetSelected("Never")

	h.save(t)
	s, tok := h.got.last(t)
	if tok != nil {
		t.Fatal("token passed although the field was empty")
	}
	d := settings.Changes(old, s)
	if sd := settings.ServerChanges(first(old), first(s)); !slices.Equal(sd.RoomsAdded, []string{"infra", "db"}) ||
		!slices.Equal(sd.RoomsRemoved, []string{"ops"}) || sd.ServerChanged || !d.RulesChanged {
		t.Fatalf("Changes = %+v", d)
	}
	if !slices.Equal(s.MutedRooms, []string{"infra"}) || s.MinSeverity != settings.SeverityInfo || s.OutageNotice != 0 {
		t.Fatalf("rules %+v", s)
	}
	if !strings.HasPrefix(f.status.Text, "Saved and applied.") {
		t.Fatalf("status %q", f.status.Text)
	}
	stored, err := settings.Load(h.app.Preferences())
	if err != nil || fmt.Sprint(stored) != fmt.Sprint(s) {
		t.Fatalf("persisted %+v, %v\nwant %+v", stored, err, s)
	}

	// A second save with a new server URL reconnects.
	f.serverURL.SetText("wss://other.example.com/ws")
	h.save(t)
	s2, _ := h.got.last(t)
	if d := settings.ServerChanges(first(s), first(s2)); !d.ServerChanged || len(d.RoomsAdded) != 0 {
		t.Fatalf("Changes = %+v", d)
	}
}

func TestApplyErrorIsShownAndNotPersisted(t *testing.T) {
	h := open(t, current(), nil)
	h.got.err = errors.New("socket closed")
	h.f.roomEntry.SetText("#new")
	test.Tap(h.f.addRoom)
	h.save(t)
	if !strings.Contains(h.f.status.Text, "socket closed") {
		t.Fatalf("status %q", h.f.status.Text)
	}
	if s, _ := settings.Load(h.app.Preferences()); slices.Contains(first(s).Rooms, "new") {
		t.Fatal("persisted although apply failed")
	}
	if h.f.save.Disabled() {
		t.Fatal("Save stays disabled")
	}
}

func TestQuietHoursAndStartAtLogin(t *testing.T) {
	h := open(t, current(), nil)
	f := h.f
	if !f.quietStart.Disabled() {
		t.Fatal("quiet hour entries enabled while quiet hours are off")
	}
	test.Tap(f.quietOn)
	f.quietStart.SetText("")
	test.Type(f.quietStart, "25:00")
	if !strings.Contains(shown(f.quietErr), "quiet hours start") {
		t.Fatalf("quiet error %q", shown(f.quietErr))
	}
	h.save(t)
	if len(h.got.calls) != 0 {
		t.Fatal("saved invalid quiet hours")
	}
	f.quietStart.SetText("23:15")
	if shown(f.quietErr) != "" {
		t.Fatalf("quiet error %q", shown(f.quietErr))
	}
	test.Tap(f.startLogin)
	h.save(t)
	s, _ := h.got.last(t)
	if !s.QuietHours.Enabled || s.QuietHours.Start != notify.At(23, 15) || !s.StartAtLogin {
		t.Fatalf("saved %+v", s)
	}
	path, _ := settings.AutostartPath()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no autostart entry: %v", err)
	}
	test.Tap(f.startLogin)
	h.save(t)
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("autostart entry not removed: %v", err)
	}
}

func TestConsentIsPerHost(t *testing.T) {
	h := open(t, current(), nil)
	f := h.f
	f.serverURL.SetText("ws://a.example.com/ws")
	test.Tap(f.insecureOK)
	f.serverURL.SetText("ws://a.example.com/ws2")
	if !f.insecureOK.Checked {
		t.Fatal("consent dropped for the same host")
	}
	f.serverURL.SetText("ws://b.example.com/ws")
	if f.insecureOK.Checked {
		t.Fatal("consent for a.example.com carried over to b.example.com")
	}
}

func TestServerChangeRefreshesTokenStatus(t *testing.T) {
	h := open(t, current(), nil)
	if err := h.store.Set(context.Background(), "wss://other.example.com/ws", "tok-other"); err != nil {
		t.Fatal(err)
	}
	if h.f.tokenStatus.Text != "No token stored for this server." {
		t.Fatalf("status %q", h.f.tokenStatus.Text)
	}
	h.f.serverURL.SetText("wss://other.example.com/ws")
	h.save(t)
	if h.f.tokenStatus.Text != "A token is stored in the system keyring." {
		t.Fatalf("status after server change %q", h.f.tokenStatus.Text)
	}
}

func TestOpenerKeepsOneWindow(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	a := test.NewTempApp(t)
	builds := 0
	open := opener(a, func() (settings.Settings, error) { builds++; return current(), nil }, Options{})
	before := len(a.Driver().AllWindows())
	open()
	open()
	if builds != 1 || len(a.Driver().AllWindows()) != before+1 {
		t.Fatalf("%d builds, %d windows", builds, len(a.Driver().AllWindows())-before)
	}
	ws := a.Driver().AllWindows()
	ws[len(ws)-1].Close()
	open()
	if builds != 2 || len(a.Driver().AllWindows()) != before+1 {
		t.Fatalf("after close: %d builds, %d windows", builds, len(a.Driver().AllWindows())-before)
	}
	ws = a.Driver().AllWindows()
	ws[len(ws)-1].Close()
}
