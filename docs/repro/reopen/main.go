//go:build repro

// Command reopen reproduces Fyne 2.7.1's crash when a window hidden to the
// system tray is shown again by a click on the tray icon (StatusNotifierItem
// Activate). See docs/fyne-reopen-crash.md.
//
// Fyne 2.7.1 registers the window's Show as systray's left-click handler
// (internal/driver/glfw/driver_desktop.go:191). systray calls it on the
// D-Bus dispatch goroutine, and with the fyneDo migration on, Show's
// async.EnsureMain runs it right there: doShowAgain makes the window's GL
// context current and repaints on that goroutine's OS thread while the
// driver's main thread polls GLFW and paints. After a hide longer than the
// texture cache's lifetime (cache.ValidDuration, 1 min, FYNE_CACHE
// overrides it) that repaint first deletes every expired texture, which
// widens the race: SIGSEGV in glDeleteTextures, nil pointers in walkTree,
// X BadValue on X_ShmPutImage.
//
// Run under X11 with a session bus (Xvfb and dbus-run-session suffice):
//
//	FYNE_CACHE=3s go run -tags repro ./docs/repro/reopen -cycles 20 -hide 5s
//
// -via goroutine calls Show from a plain goroutine instead of over D-Bus;
// -via fynedo does it right (fyne.Do) and survives.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
	"github.com/godbus/dbus/v5"
)

func main() {
	cycles := flag.Int("cycles", 20, "hide/show cycles")
	hide := flag.Duration("hide", 75*time.Second, "how long the window stays hidden")
	via := flag.String("via", "sni", "how to show: sni (D-Bus Activate), goroutine, fynedo")
	flag.Parse()

	fyneapp.SetMetadata(fyne.AppMetadata{ID: "io.warpdesk.repro", Name: "Repro",
		Migrations: map[string]bool{"fyneDo": true}})
	a := fyneapp.New()
	w := a.NewWindow("Repro")
	rows := make([]*widget.Label, 40)
	box := container.NewVBox()
	for i := range rows {
		rows[i] = widget.NewLabel("")
		box.Add(rows[i])
	}
	w.SetContent(container.NewVScroll(box))
	w.Resize(fyne.NewSize(500, 600))
	desk, ok := a.(desktop.App)
	if !ok {
		log.Fatal("not a desktop app")
	}
	desk.SetSystemTrayMenu(fyne.NewMenu("Repro"))
	desk.SetSystemTrayWindow(w) // left click = w.Show, on systray's goroutine

	// A stream of updates, as a dashboard under live data has.
	go func() {
		for n := 0; ; n++ {
			time.Sleep(50 * time.Millisecond)
			fyne.Do(func() {
				for i, l := range rows {
					l.SetText(fmt.Sprintf("incident %d: update %d", i, n+i))
				}
			})
		}
	}()
	go cycle(w, *cycles, *hide, *via)
	w.ShowAndRun()
}

// cycle hides w, waits, and shows it again the way via says, n times.
func cycle(w fyne.Window, n int, hide time.Duration, via string) {
	time.Sleep(2 * time.Second)
	for i := 1; i <= n; i++ {
		fyne.DoAndWait(w.Hide)
		time.Sleep(hide)
		log.Printf("cycle %d: show via %s", i, via)
		switch via {
		case "sni":
			activate()
		case "goroutine":
			w.Show() // what systray does in 2.7.1: not on the main thread
		default:
			fyne.Do(w.Show)
		}
		time.Sleep(2 * time.Second)
	}
	log.Printf("survived %d cycles", n)
	fyne.Do(fyne.CurrentApp().Quit)
}

// activate calls our own StatusNotifierItem's Activate over the session
// bus, as a tray host does on a left click.
func activate() {
	conn, err := dbus.SessionBus()
	if err != nil {
		log.Fatal(err)
	}
	name := fmt.Sprintf("org.kde.StatusNotifierItem-%d-1", os.Getpid())
	call := conn.Object(name, "/StatusNotifierItem").Call("org.kde.StatusNotifierItem.Activate", 0, int32(0), int32(0))
	if call.Err != nil {
		log.Fatal(call.Err)
	}
}
