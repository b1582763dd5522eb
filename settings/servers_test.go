package settings_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/settings/keyringtest"
)

// two is valid settings with two servers.
func two() settings.Settings {
	s := valid()
	s.Servers = append(s.Servers, settings.Server{ID: "s-b", Name: "Staging", URL: "wss://staging.example.com/ws", Rooms: []string{"ops"}})
	return s
}

// fieldOf returns the first *FieldError in err for server id, or nil.
func fieldOf(err error, id string) *settings.FieldError {
	for _, fe := range settings.FieldErrors(err) {
		if fe.Server == id {
			return fe
		}
	}
	return nil
}

func TestValidateServers(t *testing.T) {
	for _, tc := range []struct {
		name   string
		modify func(*settings.Settings)
		want   error
		field  string
	}{
		{"two servers", func(*settings.Settings) {}, nil, ""},
		{"no servers", func(s *settings.Settings) { s.Servers = nil }, nil, ""},
		{"demo and a server", func(s *settings.Settings) { s.Servers[0].URL = "" }, nil, ""},
		{"same URL", func(s *settings.Settings) { s.Servers[1].URL = s.Servers[0].URL }, settings.ErrDuplicateServer, "ServerURL"},
		{"same URL after normalising", func(s *settings.Settings) { s.Servers[1].URL = " WSS://OPS.example.com:443/ws/ " },
			settings.ErrDuplicateServer, "ServerURL"},
		{"same host, other path: one keyring entry", func(s *settings.Settings) { s.Servers[1].URL = "wss://ops.example.com/other" },
			settings.ErrDuplicateServer, "ServerURL"},
		{"same host, other port", func(s *settings.Settings) { s.Servers[1].URL = "wss://ops.example.com:8443/ws" }, nil, ""},
		{"two demo servers", func(s *settings.Settings) { s.Servers[0].URL, s.Servers[1].URL = "", " " },
			settings.ErrDuplicateServer, "ServerURL"},
		{"same ID", func(s *settings.Settings) { s.Servers[1].ID = s.Servers[0].ID }, settings.ErrInvalidServerID, "ServerID"},
		{"empty ID", func(s *settings.Settings) { s.Servers[1].ID = " " }, settings.ErrInvalidServerID, "ServerID"},
		{"ID too long for the window's commands", func(s *settings.Settings) { s.Servers[1].ID = strings.Repeat("x", settings.MaxServerIDLen+1) },
			settings.ErrInvalidServerID, "ServerID"},
		{"ID with a control character", func(s *settings.Settings) { s.Servers[1].ID = "s-\x1b1" }, settings.ErrInvalidServerID, "ServerID"},
		{"same name", func(s *settings.Settings) { s.Servers[0].Name, s.Servers[1].Name = "Prod", " prod" },
			settings.ErrDuplicateServerName, "ServerName"},
		{"no names", func(s *settings.Settings) { s.Servers[0].Name, s.Servers[1].Name = "", "" }, nil, ""},
		{"name too long", func(s *settings.Settings) { s.Servers[1].Name = string(make([]rune, 65)) },
			settings.ErrInvalidServerName, "ServerName"},
		{"name with a control character", func(s *settings.Settings) { s.Servers[1].Name = "Sta\x1b[2Jging" },
			settings.ErrInvalidServerName, "ServerName"},
		{"second server's URL", func(s *settings.Settings) { s.Servers[1].URL = "https://x" }, settings.ErrInvalidServerURL, "ServerURL"},
		{"second server's rooms", func(s *settings.Settings) { s.Servers[1].Rooms = []string{"a b"} }, settings.ErrRoomWhitespace, "Rooms"},
		{"second server's catch-up", func(s *settings.Settings) { s.Servers[1].CatchupURL = "ftp://x" },
			settings.ErrInvalidCatchupURL, "CatchupURL"},
		{"too many", func(s *settings.Settings) {
			for i := range settings.MaxServers {
				s.Servers = append(s.Servers, settings.Server{ID: settings.NewServerID(s.Servers), URL: "wss://h" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + ".example/ws"})
			}
		}, settings.ErrTooManyServers, "Servers"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := two()
			tc.modify(&s)
			err := s.Validate()
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("Validate() = %v, want %v", err, tc.want)
			}
			fes := settings.FieldErrors(err)
			if len(fes) != 1 || fes[0].Field != tc.field {
				t.Fatalf("field errors %+v, want one for %s", fes, tc.field)
			}
			if tc.field != "Servers" && tc.field != "ServerID" && fes[0].Server != "s-b" {
				t.Fatalf("error names server %q, want the second one (s-b): %v", fes[0].Server, fes[0])
			}
		})
	}
}

// Each server's problems name that server, so a form can put them under
// its own fields.
func TestValidateNamesTheServer(t *testing.T) {
	s := two()
	s.Servers[0].Rooms = []string{"a b"}
	s.Servers[1].URL = "http://x"
	err := s.Validate()
	if fe := fieldOf(err, settings.DefaultServerID); fe == nil || fe.Field != "Rooms" || !errors.Is(fe, settings.ErrInvalidRoom) {
		t.Fatalf("first server: %+v", fe)
	}
	if fe := fieldOf(err, "s-b"); fe == nil || fe.Field != "ServerURL" || !errors.Is(fe, settings.ErrInvalidServerURL) {
		t.Fatalf("second server: %+v", fe)
	}
	if err := s.Servers[1].Validate(); !errors.Is(err, settings.ErrInvalidServerURL) {
		t.Fatalf("Server.Validate = %v", err)
	}
}

func TestNewServerID(t *testing.T) {
	var list []settings.Server
	for range 50 {
		id := settings.NewServerID(list)
		if id == "" || slices.ContainsFunc(list, func(s settings.Server) bool { return s.ID == id }) {
			t.Fatalf("NewServerID = %q, not new among %d", id, len(list))
		}
		list = append(list, settings.Server{ID: id})
	}
}

func TestServerHelpers(t *testing.T) {
	s := two()
	s.Servers[0].Disabled = true
	if p, ok := s.Primary(); !ok || p.ID != "s-b" {
		t.Fatalf("Primary = %+v, %v; want the first enabled (s-b)", p, ok)
	}
	if en := s.Enabled(); len(en) != 1 || en[0].ID != "s-b" {
		t.Fatalf("Enabled = %+v", en)
	}
	s.Servers[1].Disabled = true
	if _, ok := s.Primary(); ok {
		t.Fatal("Primary with every server disabled")
	}
	if sv, ok := s.Server("s-b"); !ok || sv.Label() != "Staging" {
		t.Fatalf("Server(s-b) = %+v, %v", sv, ok)
	}
	for sv, want := range map[*settings.Server]string{
		{URL: "wss://ops.example.com/ws?room=x"}: "wss://ops.example.com/ws",
		{}:                                       settings.DemoLabel,
		{Name: " Prod ", URL: "wss://x/ws"}:      "Prod",
	} {
		if got := sv.Label(); got != want {
			t.Errorf("Label(%+v) = %q, want %q", *sv, got, want)
		}
	}
}

// Confirmations are per host: Normalize keeps every server's, and drops
// those of a host no server uses any more.
func TestConfirmedRisksPerServer(t *testing.T) {
	s := two()
	s.Servers[0].URL = "ws://ops.example.com/ws"
	s.Servers[1].URL = "ws://staging.example.com/ws"
	s.Servers[1].CatchupURL = "http://staging.example.com/api"
	var all []string
	for _, sv := range s.Servers {
		all = append(all, settings.AcceptRisks(settings.TokenRisks(sv.URL, sv.CatchupURL))...)
	}
	s.ConfirmedRisks = append(slices.Clone(all), "cleartext-ws:gone.example.com")
	n := s.Normalize()
	if !slices.Equal(n.ConfirmedRisks, all) {
		t.Fatalf("ConfirmedRisks = %v, want every server's %v", n.ConfirmedRisks, all)
	}
	for _, sv := range n.Servers {
		if err := settings.CheckTokenRisks(sv.URL, sv.CatchupURL, n.ConfirmedRisks); err != nil {
			t.Errorf("%s: %v", sv.URL, err)
		}
	}
	n.Servers = n.Servers[1:]
	if n = n.Normalize(); len(n.ConfirmedRisks) != 2 || slices.Contains(n.ConfirmedRisks, "cleartext-ws:ops.example.com") {
		t.Fatalf("after removing the first server: %v", n.ConfirmedRisks)
	}
}

// testdata/settings-v1.json is a settings file as the single-server version
// wrote it (settings.Save at 3be6f27): it becomes Servers[0] with the same
// URL, rooms and catch-up URL, its confirmations still apply, and the token
// that version stored under TokenUser(its URL) is found unchanged.
func TestLoadMigratesSingleServerFile(t *testing.T) {
	path := copyV1(t)
	f := openFile(t, path)
	got, err := settings.Load(f)
	if err != nil {
		t.Fatalf("Load = %v", err)
	}
	want := settings.Default()
	want.Servers = []settings.Server{{ID: settings.DefaultServerID, URL: "ws://ops.example.com:8080/ws",
		Rooms: []string{"ops", "payments"}, CatchupURL: "http://ops.example.com:8080/api/incidents"}}
	want.MinSeverity, want.MutedRooms, want.PauseCriticals = settings.SeverityCritical, []string{"payments"}, true
	want.ConfirmedRisks = []string{"cleartext-ws:ops.example.com:8080", "cleartext-http:ops.example.com:8080"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Load = %+v\n want %+v", got, want)
	}
	if got.ReAlert != settings.DefaultReAlert || got.SilentCriticals {
		t.Fatalf("re-alert %v, silent %v: want the defaults", got.ReAlert, got.SilentCriticals)
	}
	sv := got.Servers[0]
	if err := settings.CheckTokenRisks(sv.URL, sv.CatchupURL, got.ConfirmedRisks); err != nil {
		t.Fatalf("confirmations lost: %v", err)
	}

	// The old version's keyring entry: service "warpdesk", user host:port.
	kr := &keyringtest.Memory{}
	_ = kr.Set(settings.KeyringService, "ops.example.com:8080", "tok-v1")
	tokens := settings.NewTokenStore(settings.TokenStoreOptions{Keyring: kr})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if tok, err := tokens.Get(ctx, sv.URL); err != nil || tok.Reveal() != "tok-v1" {
		t.Fatalf("token of the migrated server: %v", err)
	}

	// Every process agrees on the migrated server's ID until it is saved,
	// and a save writes the new format only.
	again, _ := settings.Load(openFile(t, path))
	if again.Servers[0].ID != got.Servers[0].ID {
		t.Fatalf("ID %q, then %q", got.Servers[0].ID, again.Servers[0].ID)
	}
	if err := settings.Save(f, got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{settings.KeyServerURL, settings.KeyRooms, settings.KeyCatchupURL} {
		if slices.Contains(openFile(t, path).Keys(), k) {
			t.Errorf("old key %s kept after Save", k)
		}
	}
	loadEqual(t, openFile(t, path), got)
}

// A servers list that is not JSON: no servers, and a clear error.
func TestLoadCorruptServersList(t *testing.T) {
	p := mapPrefs{}
	if err := settings.Save(p, two()); err != nil {
		t.Fatal(err)
	}
	p.SetString(settings.KeyServers, "[{")
	got, err := settings.Load(p)
	if !errors.Is(err, settings.ErrCorruptFile) || len(got.Servers) != 0 {
		t.Fatalf("Load = %+v, %v", got.Servers, err)
	}
}

// The notifier gets the re-alert interval, the sound hint unless
// SilentCriticals, and the muted servers' IDs.
func TestRulesCarryReAlertSoundAndMutedServers(t *testing.T) {
	s := two()
	r := s.Rules()
	if r.ReAlert != settings.DefaultReAlert || !r.CriticalSound || len(r.MutedServers) != 0 {
		t.Fatalf("defaults: %+v", r)
	}
	s.ReAlert, s.SilentCriticals, s.Servers[1].Muted = 0, true, true
	r = s.Rules()
	if r.ReAlert != 0 || r.CriticalSound || !slices.Equal(r.MutedServers, []string{"s-b"}) {
		t.Fatalf("changed: %+v", r)
	}
}
