// Package window is Warpdesk's window process (`warpdesk window`), which
// the agent starts on demand: a Fyne app that renders the agent's
// store.State, received over stdin (package ipc), with the dashboard
// (app.RunWindow) and Settings (settingsui). It keeps no state of its own
// and exits when its window closes, or when the agent goes. See
// docs/ARCHITECTURE.md.
package window

import (
	"flag"
	"log/slog"
	"os"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/warpdesk/warpdesk/app"
	"github.com/warpdesk/warpdesk/app/settingsui"
	"github.com/warpdesk/warpdesk/assets"
	"github.com/warpdesk/warpdesk/internal/buildinfo"
	"github.com/warpdesk/warpdesk/ipc"
	"github.com/warpdesk/warpdesk/settings"
)

// Main runs the window process for args (after the subcommand): -settings
// opens Settings at start, -v logs debug. It returns the exit code.
func Main(args []string) int {
	fs := flag.NewFlagSet("warpdesk window", flag.ContinueOnError)
	openSettings := fs.Bool("settings", false, "open Settings at start")
	verbose := fs.Bool("v", false, "verbose logging")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	lvl := slog.LevelInfo
	if *verbose {
		lvl = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl})).With("process", "window")

	// Stdout is the link to the agent alone: anything else printed there
	// would end it, so stray prints go to stderr.
	link := os.Stdout
	os.Stdout = os.Stderr
	remote := ipc.NewRemote(os.Stdin, link, ipc.Options{})
	defer func() { _ = remote.Close() }()

	fa := fyneapp.NewWithID(buildinfo.ID)
	if fa.Metadata().Name == "" {
		// A plain `go build` binary has no packaged metadata; the fyne.Do
		// migration comes from it.
		fyneapp.SetMetadata(metadata())
	}
	file, err := settings.Open(buildinfo.ID)
	if err != nil {
		log.Warn("settings file", "err", err)
	}
	// Settings are saved to the file both processes read; the agent then
	// reloads it and applies what changed.
	open := settingsui.WindowOpener(fa, file, settings.NewTokenStore(settings.TokenStoreOptions{}), remote.SettingsChanged)
	app.RunWindow(fa, remote, remote, app.WindowOptions{
		Title: buildinfo.Name, OpenSettings: open, Shows: remote.Shows(),
		SettingsShows: remote.SettingsShows(), IncidentShows: remote.IncidentShows(),
		StartWithSettings: *openSettings,
		// The agent learns at once that the window is gone, even while
		// Fyne's shutdown lingers, and starts a new one when asked.
		OnClosed: func() { _ = remote.Close() },
	})
	return 0
}

// metadata is what `fyne package` embeds from FyneApp.toml.
func metadata() fyne.AppMetadata {
	return fyne.AppMetadata{
		ID:         buildinfo.ID,
		Name:       buildinfo.Name,
		Version:    buildinfo.Version,
		Build:      buildinfo.Build,
		Icon:       assets.AppIcon,
		Migrations: map[string]bool{"fyneDo": true},
	}
}
