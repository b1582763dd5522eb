// Package settings is Warpdesk's configuration: the Settings model and its
// validation, the settings file both processes read, the diff the app
// applies live, the XDG autostart entry, the API token in the OS keyring,
// where a connection's token comes from, and what must be confirmed before
// it is sent.
//
// It is pure Go and imports nothing from Fyne: persistence goes through the
// small Prefs interface, which *File and fyne.Preferences satisfy.
//
// # The settings file
//
// Open (or OpenFile) reads os.UserConfigDir()/warpdesk/settings.json, one
// JSON object of the Prefs keys, and on the first start copies in what an
// older Warpdesk kept in Fyne's preferences file. Writes are atomic (a
// temporary file renamed over the old one) and Save writes once, so the
// background agent and the window process can share it: the window saves,
// the agent calls Reload. A corrupt file is moved aside, never overwritten,
// and reported as a *CorruptFileError (ErrCorruptFile); the defaults are
// used meanwhile.
//
// # Servers
//
// Settings.Servers lists the ops servers to watch (Server: ID, name, URL,
// rooms, catch-up URL, Disabled, Muted); a Server with URL "" is the
// built-in demo server (IsDemo), at most one. Default has one server, the
// demo. A settings file of the single-server version (settings.version 1)
// loads as one server with its URL, rooms and catch-up URL and ID
// DefaultServerID, so the token stored for that URL is found as before.
// NewServerID makes the ID of a server the user adds; Changes matches
// servers by ID.
//
// # Validation
//
// Settings.Validate returns every problem at once (errors.Join of
// *FieldError), each matching a sentinel with errors.Is: ErrInvalidServerURL,
// ErrInvalidRoom (and the finer ErrRoomEmpty, ErrRoomWhitespace,
// ErrRoomTooLong, ErrRoomDuplicate), ErrInvalidCatchupURL,
// ErrInvalidSeverity, ErrInvalidQuietHours, ErrInvalidOutageNotice,
// ErrInvalidReAlert, and for the list ErrDuplicateServer (same URL, same
// keyring entry, or a second demo), ErrDuplicateServerName,
// ErrInvalidServerID, ErrTooManyServers; a server's errors carry its ID
// (FieldError.Server). The
// messages are written for people and can be shown next to the field.
// ValidateServerURL and ValidateRoom check one value, for inline errors while
// typing.
//
// # Applying changes live
//
// Changes(old, new) says what the app must do now: connect to the servers
// added, drop the ones removed, and per server (ServerDiff) join the rooms
// added, leave the rooms removed, reconnect when its URL changed.
//
// # The token
//
// The token is a Secret: fmt, slog and encoding/json print it as
// "[redacted]"; only Secret.Reveal gives the value. It is never part of
// Settings, so it never reaches the preferences file. TokenStore keeps it in
// the OS keyring (github.com/zalando/go-keyring: Secret Service, Keychain,
// Credential Manager). Every keyring call is bounded by a timeout, because a
// locked keyring can block on an unlock prompt forever. When the keyring is
// locked, missing or not answering, TokenStore holds the token in memory for
// this session only and says so with an error matching
// ErrKeyringUnavailable; no error it returns ever contains the token.
// Tokens are keyed by the server URL's host[:port] (TokenUser), one entry
// per server (Validate refuses two servers on one entry); TokenChanges says
// what a save must do in the keyring: delete the entries of removed
// servers, and ask again for the token of a server moved to another host
// (a token is never carried to another host).
// TokenFunc adapts the store to the app's token callback, and TokenProblem
// turns its errors into one sentence for the window and the status bar.
// Tests keep their tokens out of the real keyring with keyringtest.Memory.
//
// # Where the token comes from, and where it may go
//
// ResolveToken says which token goes to a server: the built-in demo's, the
// command line's (-demo-token, $WARPDESK_TOKEN) for the -server of the
// same command line only, else the keyring's. URLs that carry credentials
// (?token=, access_token=, user-info) fail validation with
// ErrCredentialsInURL. TokenRisks lists what the user must confirm before
// the token is sent (ws:// or http:// to another machine, a catch-up host
// that is not the server's); Settings.ConfirmedRisks keeps the answers per
// host, CheckTokenRisks refuses the rest, the same on every path.
//
// # Testing
//
// Package settings/keyringtest runs a real gnome-keyring-daemon on a private
// session bus (Start, StartLocked, StartBus for "no Secret Service").
package settings
