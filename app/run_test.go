package app

import (
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"go.uber.org/goleak"
)

// RunWindow with the test app (whose Run returns at once): the window is
// built and shown, Settings opens at start when asked, and nothing is left
// subscribed or ticking after Run returns.
func TestRunWindowStartsWithSettings(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	fa := test.NewTempApp(t)
	src, opened := &source{}, 0
	RunWindow(fa, src, &commandLog{}, WindowOptions{StartWithSettings: true, Tick: time.Hour,
		OpenSettings: func() { opened++ }})
	if opened != 1 {
		t.Fatalf("Settings opened %d times at start, want 1", opened)
	}
	var titles []string
	for _, w := range fa.Driver().AllWindows() {
		titles = append(titles, w.Title())
	}
	if !slices.Contains(titles, "Warpdesk") {
		t.Fatalf("windows %q, no Warpdesk", titles)
	}
	if len(src.subs) != 0 {
		t.Fatal("still subscribed after RunWindow returned")
	}
}

// hangingApp's Run closes the dashboard as a user would and then, like
// Fyne's shutdown race, does not return until release is closed.
type hangingApp struct {
	fyne.App
	hang       bool
	closeFirst bool
	release    chan struct{}
}

func (a *hangingApp) Run() {
	for _, w := range a.Driver().AllWindows() {
		if w.Title() == "Warpdesk" && a.closeFirst {
			w.Close()
		}
	}
	if a.hang {
		<-a.release
	}
}

// A window process whose Fyne hangs after the window closed ends itself;
// one whose Fyne stops does not.
func TestRunWindowEndsAHungShutdown(t *testing.T) {
	for _, hang := range []bool{true, false} {
		fa := &hangingApp{App: test.NewTempApp(t), hang: hang, closeFirst: true, release: make(chan struct{})}
		exited := make(chan int, 1)
		closed := 0
		opts := WindowOptions{Tick: -1, ExitAfter: 50 * time.Millisecond, OnClosed: func() { closed++ },
			exit: func(code int) { exited <- code; close(fa.release) }}
		RunWindow(fa, &source{}, &commandLog{}, opts)
		if closed != 1 {
			t.Fatalf("hang %v: OnClosed ran %d times", hang, closed)
		}
		select {
		case code := <-exited:
			if !hang || code != 0 {
				t.Fatalf("hang %v: exit(%d)", hang, code)
			}
		case <-time.After(time.Second):
			if hang {
				t.Fatal("a hung shutdown was not ended")
			}
		}
	}
}

// The agent gone (Shows closed), the window process ends rather than
// close its window from code.
func TestRunWindowExitsWhenTheAgentGoes(t *testing.T) {
	fa := &hangingApp{App: test.NewTempApp(t), hang: true, release: make(chan struct{})}
	shows := make(chan struct{})
	exited := make(chan int, 1)
	opts := WindowOptions{Tick: -1, Shows: shows, exit: func(code int) { exited <- code; close(fa.release) }}
	close(shows)
	RunWindow(fa, &source{}, &commandLog{}, opts)
	if code := recvCode(t, exited); code != 0 {
		t.Fatalf("exit(%d)", code)
	}
}

func recvCode(t *testing.T, ch <-chan int) int {
	t.Helper()
	select {
	case c := <-ch:
		return c
	case <-time.After(5 * time.Second):
		t.Fatal("the process was not ended")
		return -1
	}
}
