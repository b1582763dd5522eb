package settings_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/warpdesk/warpdesk/settings"
)

func TestResolveToken(t *testing.T) {
	const (
		demoURL = "ws://127.0.0.1:40001/ws"
		cli     = "wss://ops.example.com/ws"
		later   = "wss://other.example.com/ws"
	)
	env := settings.TokenOrigin{CommandLineServer: cli, EnvToken: "env-secret"}
	for _, tc := range []struct {
		name   string
		origin settings.TokenOrigin
		server string
		want   settings.TokenSource
		token  settings.Secret
	}{
		{"nothing given", settings.TokenOrigin{}, cli, settings.FromKeyring, ""},
		{"env for the command line's server", env, cli, settings.FromEnvironment, "env-secret"},
		{"env, same server spelled differently", env, " WSS://OPS.example.com:443/ws/ ", settings.FromEnvironment, "env-secret"},
		{"env never follows a server chosen later", env, later, settings.FromKeyring, ""},
		{"env not for another path", env, "wss://ops.example.com/other", settings.FromKeyring, ""},
		{"env not for ws:// of the same host", env, "ws://ops.example.com/ws", settings.FromKeyring, ""},
		{"env without -server is bound to nothing", settings.TokenOrigin{EnvToken: "env-secret"}, cli, settings.FromKeyring, ""},
		{"demo server", settings.TokenOrigin{DemoServerURL: demoURL, DemoToken: "demo", EnvToken: "env-secret"}, demoURL,
			settings.FromDemoServer, "demo"},
		{"-demo-token for its server", settings.TokenOrigin{CommandLineServer: cli, DemoFlag: true, DemoFlagToken: "demo", EnvToken: "e"},
			cli, settings.FromDemoFlag, "demo"},
		{"-demo-token not for another", settings.TokenOrigin{CommandLineServer: cli, DemoFlag: true, DemoFlagToken: "demo"},
			later, settings.FromKeyring, ""},
		{"demo server URL empty never matches", settings.TokenOrigin{DemoToken: "demo"}, "", settings.FromKeyring, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := settings.ResolveToken(tc.origin, tc.server)
			if got.Source != tc.want || got.Token != tc.token {
				t.Fatalf("ResolveToken = %v %q, want %v %q", got.Source, got.Token.Reveal(), tc.want, tc.token.Reveal())
			}
		})
	}
}

func TestTokenOriginWarningsNeverHoldTheToken(t *testing.T) {
	const tok = "s3cr3t-env-token"
	for _, tc := range []struct {
		o    settings.TokenOrigin
		want string
	}{
		{settings.TokenOrigin{EnvToken: tok}, "ignored"},
		{settings.TokenOrigin{EnvToken: tok, CommandLineServer: "wss://ops.example.com/ws?x=1"}, "comes from $WARPDESK_TOKEN"},
		{settings.TokenOrigin{EnvToken: tok, CommandLineServer: "wss://ops.example.com/ws", DemoFlag: true}, "-demo-token is given"},
		{settings.TokenOrigin{DemoFlag: true}, "without -server"},
		{settings.TokenOrigin{}, ""},
	} {
		w := strings.Join(tc.o.Warnings(), "\n")
		if !strings.Contains(w, tc.want) || (tc.want == "" && w != "") {
			t.Errorf("Warnings(%+v) = %q, want %q", tc.o, w, tc.want)
		}
		if strings.Contains(w, tok) || strings.Contains(fmt.Sprintf("%v %+v %#v", tc.o, tc.o, tc.o), tok) {
			t.Errorf("the token leaks: %q", w)
		}
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"wss://u:p@ops.example.com/ws?token=abc#frag": "wss://ops.example.com/ws",
		"ws://127.0.0.1:8088/ws":                      "ws://127.0.0.1:8088/ws",
		"ws://%zz":                                    "(invalid URL)",
	} {
		if got := settings.RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// Issue 15 item 3: a token in the URL would be saved in the settings file.
func TestURLWithCredentialsIsRefused(t *testing.T) {
	for _, tc := range []struct {
		url      string
		catchup  bool
		sentinel error
	}{
		{"wss://ops.example.com/ws?token=abc", false, settings.ErrInvalidServerURL},
		{"wss://ops.example.com/ws?room=x&access_token=abc", false, settings.ErrInvalidServerURL},
		{"wss://ops.example.com/ws?API_KEY=abc", false, settings.ErrInvalidServerURL},
		{"wss://me:pw@ops.example.com/ws", false, settings.ErrInvalidServerURL},
		{"wss://tok@ops.example.com/ws", false, settings.ErrInvalidServerURL},
		{"https://ops.example.com/api/incidents?token=abc", true, settings.ErrInvalidCatchupURL},
		{"https://me:pw@ops.example.com/api/incidents", true, settings.ErrInvalidCatchupURL},
	} {
		var err error
		if tc.catchup {
			err = settings.ValidateCatchupURL(tc.url)
		} else {
			err = settings.ValidateServerURL(tc.url)
		}
		if !errors.Is(err, tc.sentinel) || !errors.Is(err, settings.ErrCredentialsInURL) {
			t.Errorf("%s: err = %v, want %v and ErrCredentialsInURL", tc.url, err, tc.sentinel)
			continue
		}
		if !strings.Contains(err.Error(), "token field") || strings.Contains(err.Error(), "abc") || strings.Contains(err.Error(), "pw") {
			t.Errorf("%s: message %q should point to the Token field without the secret", tc.url, err)
		}
		s := valid()
		if tc.catchup {
			s.Servers[0].CatchupURL = tc.url
		} else {
			s.Servers[0].URL = tc.url
		}
		p := mapPrefs{}
		if err := settings.Save(p, s); err == nil || len(p) != 0 {
			t.Errorf("%s: saved (%v)", tc.url, err)
		}
	}
	for _, ok := range []string{"wss://ops.example.com/ws?room=ops", "ws://127.0.0.1:8088/ws?v=2"} {
		if err := settings.ValidateServerURL(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
}

func TestRoomsAreNormalized(t *testing.T) {
	rooms, err := settings.AddRoom(nil, "#ops")
	if err != nil || len(rooms) != 1 || rooms[0] != "ops" {
		t.Fatalf("AddRoom(#ops) = %v, %v; want [ops]", rooms, err)
	}
	if _, err := settings.AddRoom(rooms, "ops"); !errors.Is(err, settings.ErrRoomDuplicate) {
		t.Fatalf("AddRoom(ops) next to #ops = %v, want ErrRoomDuplicate", err)
	}
	if _, err := settings.AddRoom(nil, "#"); !errors.Is(err, settings.ErrRoomEmpty) {
		t.Fatalf("AddRoom(#) = %v, want ErrRoomEmpty", err)
	}
	s := valid()
	s.Servers[0].Rooms = []string{"#ops", "ops"}
	if err := s.Validate(); !errors.Is(err, settings.ErrRoomDuplicate) {
		t.Fatalf("Validate(#ops, ops) = %v, want ErrRoomDuplicate", err)
	}
	s.Servers[0].Rooms, s.MutedRooms = []string{"#ops", " payments"}, []string{"#ops"}
	n := s.Normalize()
	if strings.Join(n.Servers[0].Rooms, ",") != "ops,payments" || n.MutedRooms[0] != "ops" {
		t.Fatalf("Normalize: rooms %v muted %v", n.Servers[0].Rooms, n.MutedRooms)
	}
	if got := settings.RemoveRoom(n.Servers[0].Rooms, "#ops"); len(got) != 1 || got[0] != "payments" {
		t.Fatalf("RemoveRoom(#ops) = %v", got)
	}
}
