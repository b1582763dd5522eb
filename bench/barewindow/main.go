// Command barewindow is the baseline of BenchmarkAppIdle: a Fyne window
// with one label and nothing else, built and measured in the same run as
// the Warpdesk binary.
package main

import (
	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := fyneapp.NewWithID("io.warpdesk.bench.barewindow")
	w := a.NewWindow("Bare Fyne window")
	w.SetContent(widget.NewLabel("A bare Fyne window: the baseline for Warpdesk's idle figures."))
	w.Resize(fyne.NewSize(900, 600))
	w.ShowAndRun()
}
