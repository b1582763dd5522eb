// Command barewindow is the baseline of BenchmarkAppIdle: a Fyne window
// with one label and nothing else, built and measured in the same run as
// the Warpdesk binary. With -tick it also sets the label to the time of
// day that often, which measures what one redraw per tick costs.
package main

import (
	"flag"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	tick := flag.Duration("tick", 0, "set the label to the time this often (0: never)")
	flag.Parse()
	a := fyneapp.NewWithID("io.warpdesk.bench.barewindow")
	w := a.NewWindow("Bare Fyne window")
	l := widget.NewLabel("A bare Fyne window: the baseline for Warpdesk's idle figures.")
	w.SetContent(l)
	w.Resize(fyne.NewSize(900, 600))
	if *tick > 0 {
		go func() {
			for now := range time.Tick(*tick) {
				fyne.Do(func() { l.SetText(now.Format("15:04:05")) })
			}
		}()
	}
	w.ShowAndRun()
}
