//go:build linux

package tray

import (
	"bytes"
	"image/color"
	"image/png"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/warpdesk/warpdesk/internal/dbustest"
)

// panel is a minimal desktop panel on a session bus: it owns
// org.kde.StatusNotifierWatcher, takes registrations, and reads and clicks
// the registered item as a tray host does.
//
// It reads the item's properties (GetAll) only when no icon change can be
// under way, and follows the tooltip through PropertiesChanged signals
// otherwise: fyne.io/systray's SetIcon rewrites the pixmap a GetAll reply
// may still be encoding (a library race the race detector reports when
// both ends live in one process).
type panel struct {
	conn    *dbus.Conn
	mu      sync.Mutex
	item    string // the registered item's bus name
	tooltip string // the latest ToolTip signalled
	updates chan uint32
}

func startPanel(t *testing.T, addr string) *panel {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatalf("panel: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	p := &panel{conn: conn, updates: make(chan uint32, 1000)}
	if err := dbustest.ServeWatcher(conn, p); err != nil {
		t.Fatalf("panel: %v", err)
	}
	for _, m := range [][]dbus.MatchOption{
		{dbus.WithMatchInterface("com.canonical.dbusmenu"), dbus.WithMatchMember("LayoutUpdated")},
		{dbus.WithMatchInterface("org.freedesktop.DBus.Properties"), dbus.WithMatchMember("PropertiesChanged")},
	} {
		if err := conn.AddMatchSignal(m...); err != nil {
			t.Fatal(err)
		}
	}
	sigs := make(chan *dbus.Signal, 1000)
	conn.Signal(sigs)
	go p.follow(sigs)
	return p
}

// follow records menu updates and tooltip changes.
func (p *panel) follow(sigs chan *dbus.Signal) {
	for s := range sigs {
		switch {
		case s.Name == "com.canonical.dbusmenu.LayoutUpdated" && len(s.Body) > 0:
			rev, _ := s.Body[0].(uint32)
			select {
			case p.updates <- rev:
			default:
			}
		case s.Name == "org.freedesktop.DBus.Properties.PropertiesChanged" && len(s.Body) > 1:
			changed, _ := s.Body[1].(map[string]dbus.Variant)
			if tt, ok := changed["ToolTip"].Value().([]any); ok && len(tt) == 4 {
				p.mu.Lock()
				p.tooltip, _ = tt[2].(string)
				p.mu.Unlock()
			}
		}
	}
}

// RegisterStatusNotifierItem is the D-Bus method items call; systray
// passes its object path, so the item's name is the caller's.
func (p *panel) RegisterStatusNotifierItem(sender dbus.Sender, _ string) *dbus.Error {
	p.mu.Lock()
	p.item = string(sender)
	p.mu.Unlock()
	return nil
}

// RegisterStatusNotifierHost is part of the interface.
func (p *panel) RegisterStatusNotifierHost(string) *dbus.Error { return nil }

func (p *panel) registered() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.item
}

// shown is what the panel shows for the item.
type shown struct {
	title, tooltip string
	itemIsMenu     bool
	pixels         []byte
	menu           []shownItem
}

type shownItem struct {
	id           int32
	label        string
	enabled, sep bool
}

// firstLine is the menu's first label.
func (s shown) firstLine() string {
	if len(s.menu) == 0 {
		return ""
	}
	return s.menu[0].label
}

func (s shown) find(label string) (shownItem, bool) {
	for _, it := range s.menu {
		if it.label == label {
			return it, true
		}
	}
	return shownItem{}, false
}

// read fetches the item's properties (GetAll) and menu.
func (p *panel) read() (shown, error) {
	var s shown
	if err := p.readProps(&s); err != nil {
		return s, err
	}
	p.mu.Lock()
	p.tooltip = s.tooltip
	p.mu.Unlock()
	return s, p.readMenu(&s)
}

// readQuick is read without GetAll: the tooltip as last signalled.
func (p *panel) readQuick() (shown, error) {
	p.mu.Lock()
	s := shown{tooltip: p.tooltip}
	p.mu.Unlock()
	return s, p.readMenu(&s)
}

func (p *panel) readProps(s *shown) error {
	obj := p.conn.Object(p.registered(), "/StatusNotifierItem")
	var props map[string]dbus.Variant
	if err := obj.Call("org.freedesktop.DBus.Properties.GetAll", 0, "org.kde.StatusNotifierItem").Store(&props); err != nil {
		return err
	}
	s.title, _ = props["Title"].Value().(string)
	s.itemIsMenu, _ = props["ItemIsMenu"].Value().(bool)
	if tt, ok := props["ToolTip"].Value().([]any); ok && len(tt) == 4 {
		s.tooltip, _ = tt[2].(string)
	}
	if px, ok := props["IconPixmap"].Value().([][]any); ok && len(px) > 0 && len(px[0]) == 3 {
		s.pixels, _ = px[0][2].([]byte)
	}
	return nil
}

func (p *panel) readMenu(s *shown) error {
	s.menu = nil
	var rev uint32
	var layout struct {
		ID       int32
		Props    map[string]dbus.Variant
		Children []dbus.Variant
	}
	if err := p.conn.Object(p.registered(), "/StatusNotifierMenu").Call("com.canonical.dbusmenu.GetLayout", 0,
		int32(0), int32(-1), []string{}).Store(&rev, &layout); err != nil {
		return err
	}
	for _, c := range layout.Children {
		f, ok := c.Value().([]any)
		if !ok || len(f) < 2 {
			continue
		}
		it := shownItem{enabled: true}
		it.id, _ = f[0].(int32)
		pm, _ := f[1].(map[string]dbus.Variant)
		if v, ok := pm["label"]; ok {
			it.label, _ = v.Value().(string)
		}
		if v, ok := pm["enabled"]; ok {
			it.enabled, _ = v.Value().(bool)
		}
		if v, ok := pm["type"]; ok {
			it.sep = v.Value() == "separator"
		}
		s.menu = append(s.menu, it)
	}
	return nil
}

// click sends dbusmenu's "clicked" event for the item with the label.
func (p *panel) click(t *testing.T, label string) {
	t.Helper()
	s, err := p.readQuick()
	if err != nil {
		t.Fatal(err)
	}
	it, ok := s.find(label)
	if !ok {
		t.Fatalf("no %q in the menu", label)
	}
	if err := p.conn.Object(p.registered(), "/StatusNotifierMenu").Call("com.canonical.dbusmenu.Event", 0,
		it.id, "clicked", dbus.MakeVariant(""), uint32(time.Now().Unix())).Err; err != nil {
		t.Fatalf("click %q: %v", label, err)
	}
}

// activate is a left click on the icon.
func (p *panel) activate() error {
	return p.conn.Object(p.registered(), "/StatusNotifierItem").Call("org.kde.StatusNotifierItem.Activate", 0,
		int32(0), int32(0)).Err
}

// waitItem waits for the item to register and reads it whole.
func (p *panel) waitItem(t *testing.T) shown {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for p.registered() == "" {
		if time.Now().After(deadline) {
			t.Fatal("no item registered")
		}
		time.Sleep(20 * time.Millisecond)
	}
	s, err := p.read()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// waitShown polls the menu and the signalled tooltip until cond holds,
// then reads the item whole (the change cond saw was made after the icon's).
func (p *panel) waitShown(t *testing.T, what string, cond func(shown) bool) shown {
	t.Helper()
	var last shown
	var err error
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if last, err = p.readQuick(); err == nil && cond(last) {
			if last, err = p.read(); err != nil {
				t.Fatal(err)
			}
			return last
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s; last tooltip %q, menu %v (err %v)", what, last.tooltip, last.menu, err)
	return last
}

// pixmap is the StatusNotifierItem pixmap png must become: ARGB32 in
// network byte order, not premultiplied.
func pixmap(t *testing.T, data []byte) []byte {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	out := make([]byte, 0, b.Dx()*b.Dy()*4)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			out = append(out, c.A, c.R, c.G, c.B)
		}
	}
	return out
}
