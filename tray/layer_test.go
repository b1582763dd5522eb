package tray

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// waitFor polls cond until it holds, failing the test after a generous bound.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// startFake runs the layer on a fake host.
func startFake(t *testing.T, s store.State, opt Options) (*Tray, *fakeHost, *fakeSource) {
	t.Helper()
	src, h := newSource(s), &fakeHost{}
	tr := newTray(src, opt, h)
	tr.apply(tr.opt.Now())
	tr.run(src)
	t.Cleanup(tr.Close)
	return tr, h, src
}

func liveWith(incs ...store.Incident) store.State {
	return store.State{Link: store.LinkLive, Knowledge: store.Current, Incidents: incs}
}

func TestLayerFollowsTheSource(t *testing.T) {
	_, h, src := startFake(t, store.State{}, newRecorder().options())
	tooltip, menu, _ := h.view()
	if tooltip != TextUnknown || !strings.HasPrefix(menu[0], TextUnknown) {
		t.Fatalf("at start: tooltip %q, menu %v", tooltip, menu)
	}
	if string(h.icon) != string(IconUnknown.PNG(false)) {
		t.Error("at start: not the unknown icon")
	}

	src.Set(liveWith(threeOneCritical...))
	waitFor(t, "the live tooltip", func() bool { tt, _, _ := h.view(); return tt == "Live — 3 active, 1 critical" })
	_, before, builds := h.view()

	// A storm of count changes, one every 100 ms: the tooltip follows each
	// at once, the menu's first line at most once per MenuEvery, in place.
	start, labels := time.Now(), h.labelSets()
	st := liveWith(threeOneCritical...)
	for range 10 {
		st.Incidents = append(slices.Clone(st.Incidents), store.Incident{Incident: ops.Incident{Severity: ops.Warning}})
		src.Set(st)
		want := fmt.Sprintf("Live — %d active, 1 critical", len(st.Incidents))
		waitFor(t, want, func() bool { tt, _, _ := h.view(); return tt == want })
		time.Sleep(100 * time.Millisecond)
	}
	waitFor(t, "the storm's last first line", func() bool {
		_, m, _ := h.view()
		return strings.HasPrefix(m[0], "Live — 13 active, 1 critical#")
	})
	if n, most := h.labelSets()-labels, int(time.Since(start)/MenuEvery)+2; n > most {
		t.Errorf("the first line changed %d times in %v, want at most %d", n, time.Since(start), most)
	}
	_, after, builds2 := h.view()
	if builds2 != builds {
		t.Errorf("the menu was rebuilt %d times for label changes", builds2-builds)
	}
	if strings.Join(before[1:], " ") != strings.Join(after[1:], " ") {
		t.Errorf("items other than the first line changed:\n%v\n%v", before, after)
	}

	// Pausing changes what the menu offers: rebuilt at once.
	s := liveWith(threeOneCritical...)
	s.PausedUntil = time.Now().Add(time.Hour)
	src.Set(s)
	waitFor(t, "Resume in the menu", func() bool {
		_, m, _ := h.view()
		return slices.ContainsFunc(m, func(l string) bool { return strings.HasPrefix(l, LabelResume+"#") })
	})
	if string(h.icon) != string(IconCritical.PNG(true)) {
		t.Error("paused with a critical: not the critical icon with the pause badge")
	}
}

func TestLayerPauseEndsByItself(t *testing.T) {
	s := liveWith()
	s.PausedUntil = time.Now().Add(300 * time.Millisecond)
	_, h, _ := startFake(t, s, newRecorder().options())
	if tt, _, _ := h.view(); !strings.Contains(tt, "paused until") {
		t.Fatalf("tooltip %q does not say paused", tt)
	}
	waitFor(t, "the pause to end without a new State", func() bool {
		tt, m, _ := h.view()
		return tt == "Live — no active incidents" && slices.ContainsFunc(m, func(l string) bool {
			return strings.HasPrefix(l, LabelPauseHour+"#")
		})
	})
}

func TestLayerClicks(t *testing.T) {
	rec := newRecorder()
	_, h, src := startFake(t, liveWith(threeOneCritical...), rec.options())
	click := func(label string) {
		t.Helper()
		if !h.click(label) {
			t.Fatalf("could not click %q", label)
		}
	}
	for _, tc := range []struct{ label, want string }{
		{LabelOpen, "open"},
		{LabelSettings, "settings"},
		{LabelAckCritical, "ack all critical"},
		{LabelQuit, "quit"},
	} {
		click(tc.label)
		if got := rec.next(5 * time.Second); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.label, got, tc.want)
		}
	}

	// Reconnect now is disabled while live: a click that crossed the
	// update does nothing.
	click(LabelReconnect)
	click(LabelOpen)
	if got := rec.next(5 * time.Second); got != "open" {
		t.Errorf("a disabled Reconnect now did %q", got)
	}

	before := time.Now()
	click(LabelPauseHour)
	got := rec.next(5 * time.Second)
	until, err := time.Parse(time.RFC3339, strings.TrimPrefix(got, "pause "))
	if err != nil || until.Before(before.Add(time.Hour).Truncate(time.Second)) || until.After(time.Now().Add(time.Hour)) {
		t.Errorf("Pause for 1 hour did %q", got)
	}

	down := liveWith(threeOneCritical...)
	down.Link, down.Knowledge = store.LinkReconnecting, store.Stale
	src.Set(down)
	waitFor(t, "Reconnect now enabled", func() bool {
		_, m, _ := h.view()
		return slices.ContainsFunc(m, func(l string) bool { return strings.HasPrefix(l, LabelReconnect) && !strings.HasSuffix(l, "(off)") })
	})
	click(LabelReconnect)
	if got := rec.next(5 * time.Second); got != "reconnect" {
		t.Errorf("Reconnect now did %q", got)
	}

	paused := down
	paused.PausedUntil = time.Now().Add(time.Hour)
	src.Set(paused)
	waitFor(t, "Resume", func() bool { _, m, _ := h.view(); return strings.Contains(strings.Join(m, "|"), LabelResume) })
	click(LabelResume)
	if got := rec.next(5 * time.Second); got != "pause "+(time.Time{}).Format(time.RFC3339) {
		t.Errorf("Resume did %q", got)
	}
}

func TestLayerMissingCallbacksDisableItems(t *testing.T) {
	_, h, _ := startFake(t, store.State{}, Options{})
	_, m, _ := h.view()
	for _, l := range m[1:] {
		if l != "---" && !strings.HasSuffix(l, "(off)") {
			t.Errorf("%s is enabled with nothing to do", l)
		}
	}
}

func TestCloseUnsubscribesAndStops(t *testing.T) {
	tr, h, src := startFake(t, store.State{}, newRecorder().options())
	tr.Close()
	tr.Close()
	if n := src.Subscribers(); n != 0 {
		t.Errorf("%d subscriptions left after Close", n)
	}
	src.Set(liveWith()) // nobody applies it
	time.Sleep(50 * time.Millisecond)
	if tt, _, _ := h.view(); tt != TextUnknown {
		t.Errorf("a State applied after Close: %q", tt)
	}
}

// TestWithTheRealStore closes the loop through the real store: a click
// becomes a Command, the store publishes the change, the tray shows it.
func TestWithTheRealStore(t *testing.T) {
	st := store.New(store.Options{})
	t.Cleanup(st.Close) // after the tray's Close (Cleanups run last first)
	opt := newRecorder().options()
	opt.Commands = st
	h := &fakeHost{}
	tr := newTray(st, opt, h)
	tr.apply(time.Now())
	tr.run(st)
	t.Cleanup(tr.Close)

	h.click(LabelPauseHour)
	waitFor(t, "the store's pause in the tooltip", func() bool {
		tt, _, _ := h.view()
		return strings.HasPrefix(tt, TextUnknown+" · notifications paused until ")
	})
	waitFor(t, "the paused unknown icon", func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		return string(h.icon) == string(IconUnknown.PNG(true))
	})
	waitFor(t, "Resume", func() bool { _, m, _ := h.view(); return strings.Contains(strings.Join(m, "|"), LabelResume) })
	h.click(LabelResume)
	waitFor(t, "the pause gone", func() bool { tt, _, _ := h.view(); return tt == TextUnknown })
}
