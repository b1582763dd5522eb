// Package listen is `warpdesk listen`: the same client as the tray app
// without a screen, for SSH sessions, servers and scripts.
//
// It drives one server into a store (package conn), prints one line per
// incident event on stdout (human-readable, or one JSON object per line with
// -json), and reports connection changes on stderr. What a catch-up reveals
// after a reconnect is printed marked as caught up. It takes its token from
// the same sources as the app and watches OS sleep and network changes like
// the agent does, but never needs a DISPLAY or a session bus: nothing in its
// import graph initialises Fyne or GL.
//
// Being written by H11 (issue 13, "Terminal mode").
package listen
