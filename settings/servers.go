package settings

// Server is one ops server Warpdesk watches (issue 12: several at once).
//
// CONTRACT SKETCH: Settings.Servers becomes the list of these, migrated from
// the single-server fields (ServerURL, Rooms, CatchupURL) on first start.
type Server struct {
	// ID is the server's stable key, made once when the server is added
	// and never reused: store.ServerState.ID, the incidents' Server, the
	// per-server commands. Renaming or editing a server keeps it.
	ID string
	// Name is what the user calls it ("Production"); "" shows the URL.
	Name string
	// URL is the WebSocket URL, ws:// or wss://; "" is the built-in demo
	// server (at most one).
	URL string
	// Rooms are joined after every connect, in this order.
	Rooms []string
	// CatchupURL overrides the catch-up URL; "" derives it from URL.
	CatchupURL string
	// Disabled servers are kept in the list but not connected. Named for
	// the exception so that the zero value is a watched server.
	Disabled bool
	// Muted servers are watched and shown but never notify.
	Muted bool
}
