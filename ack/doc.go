// Package ack is the `warpdesk ack` command: acknowledge incidents from a
// terminal, over the same WebSocket and with the same token as the app,
// without a screen (nothing here imports Fyne or needs a session bus).
//
//	warpdesk ack [-server URL] [-demo-token] [-timeout 10s] UUID…
//
// It connects, sends one incident.acknowledge request (ops.Acknowledge,
// through socket.Call) per UUID, and prints one line per acknowledged
// incident on stdout:
//
//	acknowledged 5b0c… as alice at 2026-12-01T20:31:42Z
//
// "as" names the user the server knows the token as, or whoever
// acknowledged the incident first: acknowledging again is harmless and
// answers with the first acknowledgement. Problems go to stderr, one line
// each, and the exit code says what kind they were (ExitOK…ExitAuth), so
// scripts can tell "no such incident" from "cannot reach the server".
//
// The server is -server, else $WARPDESK_SERVER, else the one saved in the
// app's Settings. The token comes from where the app takes it
// (settings.ResolveToken): -demo-token or $WARPDESK_TOKEN for a server
// given on the command line, otherwise the OS keyring entry the app saved
// for that server. Sending it over ws:// to another machine needs
// -confirm-token-risks or a confirmation saved in Settings, as in the app.
//
// -timeout bounds the whole command: connecting, and every answer. A server
// that refuses the token ends it at once; a connection lost before an
// answer is retried (acknowledging is idempotent) within the timeout.
package ack
