package settings_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/settings/keyringtest"
)

// The app's side, at start and when the Settings window applies changes.
func Example() {
	dir, _ := os.MkdirTemp("", "warpdesk-example")
	defer os.RemoveAll(dir)
	// In the app: settings.Open("io.warpdesk.app"), the default path with
	// Fyne's old preferences migrated on the first start.
	prefs, err := settings.OpenFile(filepath.Join(dir, "settings.json"))
	if err != nil {
		fmt.Println(err) // corrupt: moved aside, the defaults are in use
	}

	cur, err := settings.Load(prefs)
	if err != nil {
		fmt.Println("stored settings need fixing:", err)
	}
	if sv, _ := cur.Primary(); sv.IsDemo() {
		fmt.Println("no server configured: demo mode")
	}

	// One TokenStore for the app's lifetime; in the app the zero options
	// (the OS keyring).
	tokens := settings.NewTokenStore(settings.TokenStoreOptions{Keyring: &keyringtest.Memory{}})

	// The Settings window saved new settings and a token: apply them live.
	next := cur.Clone()
	next.Servers[0].URL = "wss://ops.example.com/ws"
	next.Servers[0].Rooms = []string{"#ops", "#payments"}
	_ = tokens.Set(context.Background(), next.Servers[0].URL, "t0ken")
	if err := settings.Save(prefs, next); err != nil {
		fmt.Println(err)
	}
	d := settings.Changes(cur, next)
	sd := d.Servers[0] // what changed for the one server
	fmt.Println("reconnect:", sd.ServerChanged, "join:", sd.RoomsAdded)

	// Before each connect (socket.Options.Handshake, not on the UI goroutine).
	tok, err := tokens.Get(context.Background(), next.Servers[0].URL)
	switch {
	case errors.Is(err, settings.ErrNoToken):
		fmt.Println("connect without a token")
	case err != nil:
		fmt.Println(settings.TokenProblem(err, false))
	default:
		fmt.Printf("send token %v (%d bytes)\n", tok, len(tok.Reveal()))
	}
	// The other process (agent or window) picks the change up.
	other, _ := settings.OpenFile(prefs.Path())
	saved, _ := settings.Load(other)
	fmt.Println("the other process reads:", saved.Servers[0].URL)
	// Output:
	// no server configured: demo mode
	// reconnect: true join: [ops payments]
	// send token [redacted] (5 bytes)
	// the other process reads: wss://ops.example.com/ws
}

// A settings file broken by a hand edit: the defaults are used, the file
// is kept aside for the user, and the next Save writes a fresh one.
func ExampleOpenFile_corrupt() {
	dir, _ := os.MkdirTemp("", "warpdesk-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "settings.json")
	_ = os.WriteFile(path, []byte(`{"settings.serverURL": `), 0o600)

	f, err := settings.OpenFile(path)
	var cerr *settings.CorruptFileError
	if errors.As(err, &cerr) {
		fmt.Println(errors.Is(err, settings.ErrCorruptFile), filepath.Base(cerr.MovedTo) != "")
	}
	s, err := settings.Load(f)
	fmt.Println(s.Servers[0].IsDemo(), err)
	// Output:
	// true true
	// true <nil>
}

func ExampleSettings_Validate() {
	s := settings.Default()
	s.Servers[0].URL = "https://ops.example.com"
	s.Servers[0].Rooms = []string{"#ops", "ops", "two words"}
	for _, fe := range settings.FieldErrors(s.Validate()) {
		fmt.Printf("%s: %s\n", fe.Field, fe.Msg)
	}
	// Output:
	// ServerURL: server URL must start with ws:// or wss://
	// Rooms: room "ops" is listed twice
	// Rooms: room "two words" contains spaces or control characters
}

// A server is removed in Settings: after the user confirms, its keyring
// entry goes, and only its own.
func ExampleTokenChanges() {
	tokens := settings.NewTokenStore(settings.TokenStoreOptions{Keyring: &keyringtest.Memory{}})
	ctx := context.Background()
	old := settings.Default()
	old.Servers = []settings.Server{
		{ID: "s-1", Name: "Production", URL: "wss://ops.example.com/ws"},
		{ID: "s-2", Name: "Staging", URL: "wss://staging.example.com/ws"},
	}
	_ = tokens.Set(ctx, old.Servers[0].URL, "tok-prod")
	_ = tokens.Set(ctx, old.Servers[1].URL, "tok-staging")

	next := old.Clone()
	next.Servers = next.Servers[:1] // Staging removed
	plan := settings.TokenChanges(old, next)
	fmt.Println("delete:", plan.Delete)
	fmt.Println(plan.Apply(ctx, tokens))
	_, err := tokens.Get(ctx, "wss://staging.example.com/ws")
	fmt.Println(errors.Is(err, settings.ErrNoToken))

	// Production moves to another host: its token is asked for again.
	moved := next.Clone()
	moved.Servers[0].URL = "wss://ops2.example.com/ws"
	fmt.Println("enter again:", settings.TokenChanges(next, moved).Reenter)
	// Output:
	// delete: [wss://staging.example.com/ws]
	// <nil>
	// true
	// enter again: [s-1]
}

// Adding a server: a new ID, and the list validated as a whole (the same
// URL twice is refused, with an error under that server's URL field).
func ExampleNewServerID() {
	s := settings.Default()
	s.Servers = []settings.Server{{ID: settings.DefaultServerID, Name: "Production", URL: "wss://ops.example.com/ws"}}
	id := settings.NewServerID(s.Servers)
	s.Servers = append(s.Servers, settings.Server{ID: id, Name: "Staging", URL: "wss://OPS.example.com:443/ws/"})
	for _, fe := range settings.FieldErrors(s.Validate()) {
		fmt.Println(fe.Server == id, fe.Field, errors.Is(fe, settings.ErrDuplicateServer))
	}
	// Output:
	// true ServerURL true
}
