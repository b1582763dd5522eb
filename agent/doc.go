// Package agent is Warpdesk's background process: it holds the settings,
// the token, the connection and the incident store, the notifier, the tray
// and the OS watcher, and it never initialises Fyne's driver. The window
// (package app) runs as a separate process, started on demand. See
// docs/ARCHITECTURE.md.
package agent
