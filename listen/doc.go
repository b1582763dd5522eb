// Package listen is `warpdesk listen`: the same client as the tray app
// without a screen, for SSH sessions, servers and scripts (like `ntfy
// subscribe`).
//
//	warpdesk listen [-server URL] [-rooms a,b] [-json] [-min-severity warning]
//	                [-demo-token] [-confirm-token-risks] [-max-reconnect-delay 20s] [-v]
//
// It drives one server into a store.Store through a conn.Conn, exactly as
// the agent does (token handshake, room joins, catch-up after every
// connect, retried while it fails), and follows the OS's sleep and network
// state with osenv.Watch. Nothing in its import graph initialises Fyne or
// GL: it needs no DISPLAY, and no session bus unless the token has to come
// from the keyring. Without a system bus the OS watcher falls back to
// wall-clock jumps and says so in one warning.
//
// # Output
//
// stdout has one line per incident event, in the local time zone:
//
//	17:31:42 CRITICAL payments Duplicate charges reported for PayPal
//	17:35:10 ACKED    payments Duplicate charges reported for PayPal (by alice)
//	17:40:03 RESOLVED payments Duplicate charges reported for PayPal
//	16:02:11 WARNING  ops      Disk almost full on db-2 (caught up)
//
// "(caught up)" marks what a catch-up revealed: the incidents open when the
// command starts, and what opened, was acknowledged or was resolved while
// the connection was down. With -json each line is one JSON object, a
// Line, whose field names are stable:
//
//	{"event":"opened","time":"2026-12-01T17:31:42Z","caught_up":false,
//	 "uuid":"…","severity":"critical","room":"payments",
//	 "title":"Duplicate charges reported for PayPal","service":"payments-gateway",
//	 "url":"https://…","description":"…","created_at":"2026-12-01T17:31:42Z"}
//
// event is "opened", "acknowledged" or "resolved"; time is when it happened
// (creation, acknowledgement, or when a resolution was seen), UTC, RFC 3339;
// caught_up is always present; initial is true for the incidents open at
// start; room, service, url, description, acknowledged_by and
// acknowledged_at are left out when empty. -min-severity filters every
// event by its incident's severity.
//
// stderr has what happens to the connection, one line each: connected (with
// how many incidents are open), lost and why, reconnected (with how many
// incidents opened meanwhile), catch-up failures, and warnings.
//
// # Server, rooms and token
//
// As `warpdesk ack` (package internal/termenv): the server is -server, else
// $WARPDESK_SERVER, else the one saved in the app's Settings; the token is
// -demo-token's or $WARPDESK_TOKEN for a server given on the command line,
// otherwise the keyring's entry for the server, read once at start;
// sending it over ws:// to another machine needs -confirm-token-risks or a
// confirmation saved in Settings. The rooms are -rooms, else the saved
// ones; the saved catch-up URL applies to the saved server.
//
// # Exit codes
//
// 0 after SIGINT or SIGTERM; 2 for a bad command line, server URL, room or
// severity, before anything is dialled; 4 for no token, a keyring failure,
// unconfirmed token risks or a token the server rejects (at once, not
// retried); 1 when the connection cannot be set up. A server that cannot
// be reached is retried for ever, and said on stderr.
//
// # Limits
//
// Resolutions and acknowledgements are read from the difference between
// two of the store's States (it has no events for them); one that comes
// with a catch-up is marked caught up. If stdout is not read, the store
// gives the command its newest State in place of the ones it missed, so a
// short-lived incident may then show as opened but never resolved.
package listen
