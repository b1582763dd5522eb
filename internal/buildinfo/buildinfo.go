// Package buildinfo is Warpdesk's identity, version and build number: the
// one place Go code reads them from. FyneApp.toml, which `fyne package`
// reads, must say the same; TestMatchesFyneApp checks it.
package buildinfo

const (
	// Name is the application's name for people.
	Name = "Warpdesk"
	// ID is the reverse-DNS application id: the D-Bus and desktop-file
	// name, and the installed icon's name (share/pixmaps/<ID>.png).
	ID = "io.warpdesk.app"
	// Version is the release, semantic versioning.
	Version = "0.1.0"
	// Build counts builds of Version; raise it with every package made.
	Build = 2
)
