//go:build !((linux || freebsd || openbsd || netbsd) && !android)

package tray

// sessionBus is nil where the tray does not use D-Bus.
func sessionBus() error { return nil }
