package tray

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/warpdesk/warpdesk/store"
	"github.com/warpdesk/warpdesk/store/storetest"
)

// fakeSource is a store.Source a test sets States on.
type fakeSource = storetest.Source

func newSource(s store.State) *fakeSource { return storetest.NewSource(s) }

// recorder records commands and callbacks as words on a channel.
type recorder struct{ got chan string }

func newRecorder() *recorder { return &recorder{got: make(chan string, 100)} }

func (r *recorder) Acknowledge(_, uuid string) { r.got <- "ack " + uuid }
func (r *recorder) AcknowledgeAllCritical(server string) {
	r.got <- strings.TrimSpace("ack all critical " + server)
}
func (r *recorder) Reconnect(server string) {
	if server == "" {
		r.got <- "reconnect"
		return
	}
	r.got <- "reconnect " + server
}
func (r *recorder) SettingsChanged()         { r.got <- "settings changed" }
func (r *recorder) Pause(until time.Time)    { r.got <- "pause " + until.Format(time.RFC3339) }
func (r *recorder) callback(w string) func() { return func() { r.got <- w } }
func (r *recorder) options() Options {
	return Options{Commands: r, Open: r.callback("open"), Settings: r.callback("settings"), Quit: r.callback("quit")}
}

// next waits for the next recorded word.
func (r *recorder) next(timeout time.Duration) string {
	select {
	case w := <-r.got:
		return w
	case <-time.After(timeout):
		return "(nothing)"
	}
}

// fakeHost is a tray host that records what the layer shows.
type fakeHost struct {
	mu      sync.Mutex
	icon    []byte
	icons   int // how many times the icon was set
	tooltip string
	tips    int         // how many times the tooltip was set
	menu    []*fakeItem // nil entries are separators
	builds  int         // how many times the menu was built from scratch
	labels  int         // how many times an item's label was set
	nextID  int
}

type fakeItem struct {
	h        *fakeHost
	id       int
	label    string
	disabled bool
	clicked  chan struct{}
}

func (h *fakeHost) SetIcon(i Icon, paused bool) {
	h.mu.Lock()
	h.icon = i.PNG(paused)
	h.icons++
	h.mu.Unlock()
}

func (h *fakeHost) SetTooltip(s string) {
	h.mu.Lock()
	h.tooltip = s
	h.tips++
	h.mu.Unlock()
}

func (h *fakeHost) Add(label string, disabled bool) hostItem {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.menu) == 0 {
		h.builds++
	}
	h.nextID++
	it := &fakeItem{h: h, id: h.nextID, label: label, disabled: disabled, clicked: make(chan struct{})}
	h.menu = append(h.menu, it)
	return it
}

func (h *fakeHost) AddSeparator() { h.mu.Lock(); h.menu = append(h.menu, nil); h.mu.Unlock() }

func (h *fakeHost) Reset() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, it := range h.menu {
		if it != nil {
			close(it.clicked)
		}
	}
	h.menu = nil
}

func (it *fakeItem) SetLabel(s string) {
	it.h.mu.Lock()
	it.label = s
	it.h.labels++
	it.h.mu.Unlock()
}
func (it *fakeItem) SetDisabled(d bool)       { it.h.mu.Lock(); it.disabled = d; it.h.mu.Unlock() }
func (it *fakeItem) Clicked() <-chan struct{} { return it.clicked }

func (h *fakeHost) labelSets() int { h.mu.Lock(); defer h.mu.Unlock(); return h.labels }

// view returns the tooltip and the menu as "label#id" items.
func (h *fakeHost) view() (tooltip string, menu []string, builds int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, it := range h.menu {
		if it == nil {
			menu = append(menu, "---")
			continue
		}
		s := fmt.Sprintf("%s#%d", it.label, it.id)
		if it.disabled {
			s += "(off)"
		}
		menu = append(menu, s)
	}
	return h.tooltip, menu, h.builds
}

// click clicks the item with the label, as systray does: a send that is
// dropped when nobody listens. It reports whether someone took it.
func (h *fakeHost) click(label string) bool {
	h.mu.Lock()
	var ch chan struct{}
	for _, it := range h.menu {
		if it != nil && it.label == label {
			ch = it.clicked
		}
	}
	h.mu.Unlock()
	if ch == nil {
		return false
	}
	select {
	case ch <- struct{}{}:
		return true
	case <-time.After(5 * time.Second):
		return false
	}
}
