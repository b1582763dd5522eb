package settings_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/settings"
)

func valid() settings.Settings {
	s := settings.Default()
	s.Servers[0].URL = "wss://ops.example.com/ws"
	s.Servers[0].Rooms = []string{"#ops", "payments"}
	return s
}

// Default is the built-in demo server: valid, so a first start or a saved
// demo choice is no "problem".
func TestDefaultIsTheDemo(t *testing.T) {
	s := settings.Default()
	if err := s.Validate(); err != nil || len(s.Servers) != 1 || !s.Servers[0].IsDemo() || s.Servers[0].ID == "" {
		t.Fatalf("Default() = %+v, Validate() = %v; want one valid demo server with an ID", s.Servers, err)
	}
	if err := valid().Validate(); err != nil {
		t.Fatalf("valid settings: %v", err)
	}
}

func TestValidateServerURL(t *testing.T) {
	for _, tc := range []struct {
		url  string
		ok   bool
		want string // part of the message
	}{
		{"ws://127.0.0.1:8080/ws", true, ""},
		{"wss://ops.example.com/ws", true, ""},
		{"WSS://Ops.Example.com", true, ""},
		{"  wss://ops.example.com/ws  ", true, ""},
		{"ws://[::1]:9000/ws?x=1", true, ""},
		{"", false, "enter the server URL"},
		{"   ", false, "enter the server URL"},
		{"http://ops.example.com/ws", false, "ws:// or wss://"},
		{"https://ops.example.com", false, "ws:// or wss://"},
		{"ops.example.com", false, "ws:// or wss://"},
		{"ws://", false, "needs a host"},
		{"ws:///path", false, "needs a host"},
		{"wss:ops.example.com", false, "needs a host"},
		{"ws://:8080/ws", false, "needs a host"},
		{"wss://user:pw@ops.example.com/ws", false, "token field"},
		{"wss://ops.example.com/ws#x", false, "fragment"},
		{"wss://ops.example.com:0/ws", false, "port"},
		{"wss://ops.example.com:70000/ws", false, "port"},
		{"wss://ops.example.com:abc/ws", false, "not a valid URL"},
		{"ws://bad host/ws", false, "not a valid URL"},
	} {
		err := settings.ValidateServerURL(tc.url)
		if tc.ok {
			if err != nil {
				t.Errorf("ValidateServerURL(%q) = %v, want nil", tc.url, err)
			}
			continue
		}
		if !errors.Is(err, settings.ErrInvalidServerURL) {
			t.Errorf("ValidateServerURL(%q) = %v, want ErrInvalidServerURL", tc.url, err)
			continue
		}
		var fe *settings.FieldError
		if !errors.As(err, &fe) || fe.Field != "ServerURL" {
			t.Errorf("ValidateServerURL(%q) = %#v, want a *FieldError for ServerURL", tc.url, err)
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ValidateServerURL(%q) = %q, want it to mention %q", tc.url, err, tc.want)
		}
	}
}

// TestCleartextSocketRisk covers the loopback edge cases of TokenRisks's ws:// rule.
func TestCleartextSocketRisk(t *testing.T) {
	for url, want := range map[string]bool{
		"ws://ops.example.com/ws":     true,
		"ws://10.0.0.5:8080/ws":       true,
		"ws://[2001:db8::1]/ws":       true,
		"ws://localhost.evil.com/ws":  true,
		"ws://127.0.0.1:8080/ws":      false,
		"ws://127.8.9.10/ws":          false,
		"ws://[::1]:8080/ws":          false,
		"ws://localhost:8080/ws":      false,
		"ws://LOCALHOST./ws":          false,
		"ws://app.localhost/ws":       false,
		"wss://ops.example.com/ws":    false,
		"wss://10.0.0.5/ws":           false,
		"http://ops.example.com":      false,
		"":                            false,
		"ws://":                       false,
		"  ws://ops.example.com/ws  ": true,
	} {
		risks := settings.TokenRisks(url, "")
		if got := len(risks) == 1 && risks[0].Kind == settings.RiskCleartextSocket; got != want {
			t.Errorf("TokenRisks(%q, \"\") = %v, want a cleartext-socket risk: %v", url, risks, want)
		}
	}
}

func TestValidateRoom(t *testing.T) {
	for _, tc := range []struct {
		name string
		want error
	}{
		{"#ops", nil},
		{"payments-eu_1", nil},
		{"équipe", nil},
		{strings.Repeat("r", 64), nil},
		{strings.Repeat("é", 64), nil},
		{"", settings.ErrRoomEmpty},
		{"   ", settings.ErrRoomEmpty},
		{"\t\n", settings.ErrRoomEmpty},
		{"two words", settings.ErrRoomWhitespace},
		{" ops", settings.ErrRoomWhitespace},
		{"ops\n", settings.ErrRoomWhitespace},
		{"ops\x00", settings.ErrRoomWhitespace},
		{"ops\x1b[31m", settings.ErrRoomWhitespace},
		{"o\u00a0ps", settings.ErrRoomWhitespace},
		{"o\u200bps", settings.ErrRoomWhitespace},
		{"o\u202eps", settings.ErrRoomWhitespace},
		{"\xff\xfe", settings.ErrRoomWhitespace},
		{strings.Repeat("r", 65), settings.ErrRoomTooLong},
	} {
		err := settings.ValidateRoom(tc.name)
		if tc.want == nil {
			if err != nil {
				t.Errorf("ValidateRoom(%q) = %v, want nil", tc.name, err)
			}
			continue
		}
		if !errors.Is(err, tc.want) || !errors.Is(err, settings.ErrInvalidRoom) {
			t.Errorf("ValidateRoom(%q) = %v, want %v (and ErrInvalidRoom)", tc.name, err, tc.want)
		}
		if strings.ContainsAny(err.Error(), "\x00\x1b\n") {
			t.Errorf("ValidateRoom(%q) message %q carries control characters", tc.name, err)
		}
	}
}

func TestAddRemoveRoom(t *testing.T) {
	rooms, err := settings.AddRoom(nil, "#ops")
	if err != nil || !slices.Equal(rooms, []string{"ops"}) { // "#" is not part of the name
		t.Fatalf("AddRoom = %v, %v", rooms, err)
	}
	orig := slices.Clone(rooms)
	got, err := settings.AddRoom(rooms, "#ops")
	if !errors.Is(err, settings.ErrRoomDuplicate) || !errors.Is(err, settings.ErrInvalidRoom) {
		t.Fatalf("AddRoom duplicate = %v, want ErrRoomDuplicate", err)
	}
	if !slices.Equal(got, orig) {
		t.Fatalf("AddRoom duplicate changed the list: %v", got)
	}
	if _, err := settings.AddRoom(rooms, "a b"); !errors.Is(err, settings.ErrRoomWhitespace) {
		t.Fatalf("AddRoom(a b) = %v", err)
	}
	rooms, _ = settings.AddRoom(rooms, "payments")
	if got := settings.RemoveRoom(rooms, "#ops"); !slices.Equal(got, []string{"payments"}) {
		t.Fatalf("RemoveRoom = %v", got)
	}
	if !slices.Equal(rooms, []string{"ops", "payments"}) {
		t.Fatalf("RemoveRoom changed its input: %v", rooms)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	s := valid()
	s.Servers[0].URL = "http://x"
	s.Servers[0].Rooms = []string{"#ops", "#ops", "", "a b"}
	s.Servers[0].CatchupURL = "ftp://x"
	s.MinSeverity = "urgent"
	s.MutedRooms = []string{"m", "m"}
	s.QuietHours = notify.QuietHours{Enabled: true, Start: 25 * 60, End: notify.At(7, 0)}
	s.OutageNotice = time.Second
	s.ReAlert = time.Second
	err := s.Validate()
	for _, want := range []error{
		settings.ErrInvalidServerURL, settings.ErrRoomDuplicate, settings.ErrRoomEmpty, settings.ErrRoomWhitespace,
		settings.ErrInvalidCatchupURL, settings.ErrInvalidSeverity, settings.ErrInvalidQuietHours,
		settings.ErrInvalidOutageNotice, settings.ErrInvalidReAlert,
	} {
		if !errors.Is(err, want) {
			t.Errorf("Validate() = %v; want it to match %v", err, want)
		}
	}
	fields := map[string]int{}
	for _, fe := range settings.FieldErrors(err) {
		fields[fe.Field]++
	}
	want := map[string]int{"ServerURL": 1, "Rooms": 3, "CatchupURL": 1, "MinSeverity": 1, "MutedRooms": 1, "QuietHours": 1, "OutageNotice": 1, "ReAlert": 1}
	for f, n := range want {
		if fields[f] != n {
			t.Errorf("field %s: %d errors, want %d (all: %v)", f, fields[f], n, fields)
		}
	}
}

func TestValidateFields(t *testing.T) {
	for _, tc := range []struct {
		name   string
		modify func(*settings.Settings)
		want   error
	}{
		{"catchup https", func(s *settings.Settings) { s.Servers[0].CatchupURL = "https://ops.example.com/api/incidents" }, nil},
		{"catchup http loopback", func(s *settings.Settings) { s.Servers[0].CatchupURL = "http://127.0.0.1:8080/api" }, nil},
		{"catchup ws", func(s *settings.Settings) { s.Servers[0].CatchupURL = "ws://x/api" }, settings.ErrInvalidCatchupURL},
		{"catchup no host", func(s *settings.Settings) { s.Servers[0].CatchupURL = "https:///api" }, settings.ErrInvalidCatchupURL},
		{"catchup userinfo", func(s *settings.Settings) { s.Servers[0].CatchupURL = "https://a:b@x/api" }, settings.ErrInvalidCatchupURL},
		{"no rooms", func(s *settings.Settings) { s.Servers[0].Rooms = nil }, nil},
		{"severity empty", func(s *settings.Settings) { s.MinSeverity = "" }, settings.ErrInvalidSeverity},
		{"severity critical", func(s *settings.Settings) { s.MinSeverity = settings.SeverityCritical }, nil},
		{"muted room not joined", func(s *settings.Settings) { s.MutedRooms = []string{"elsewhere"} }, nil},
		{"muted bad", func(s *settings.Settings) { s.MutedRooms = []string{"a\tb"} }, settings.ErrRoomWhitespace},
		{"quiet wraps midnight", func(s *settings.Settings) {
			s.QuietHours = notify.QuietHours{Enabled: true, Start: notify.At(22, 0), End: notify.At(7, 0)}
		}, nil},
		{"quiet same day", func(s *settings.Settings) {
			s.QuietHours = notify.QuietHours{Enabled: true, Start: notify.At(12, 0), End: notify.At(13, 30)}
		}, nil},
		{"quiet equal", func(s *settings.Settings) {
			s.QuietHours = notify.QuietHours{Enabled: true, Start: notify.At(12, 0), End: notify.At(12, 0)}
		}, settings.ErrInvalidQuietHours},
		{"quiet out of day", func(s *settings.Settings) {
			s.QuietHours = notify.QuietHours{Enabled: true, Start: -1, End: notify.At(8, 0)}
		}, settings.ErrInvalidQuietHours},
		{"quiet disabled empty", func(s *settings.Settings) { s.QuietHours = notify.QuietHours{} }, nil},
		{"quiet disabled but bad", func(s *settings.Settings) { s.QuietHours = notify.QuietHours{Enabled: false, Start: 0, End: 24 * 60} }, settings.ErrInvalidQuietHours},
		{"outage off", func(s *settings.Settings) { s.OutageNotice = 0 }, nil},
		{"outage min", func(s *settings.Settings) { s.OutageNotice = settings.MinOutageNotice }, nil},
		{"outage negative", func(s *settings.Settings) { s.OutageNotice = -time.Minute }, settings.ErrInvalidOutageNotice},
		{"outage too long", func(s *settings.Settings) { s.OutageNotice = 48 * time.Hour }, settings.ErrInvalidOutageNotice},
		{"re-alert off", func(s *settings.Settings) { s.ReAlert = 0 }, nil},
		{"re-alert min", func(s *settings.Settings) { s.ReAlert = settings.MinReAlert }, nil},
		{"re-alert max", func(s *settings.Settings) { s.ReAlert = settings.MaxReAlert }, nil},
		{"re-alert short", func(s *settings.Settings) { s.ReAlert = 30 * time.Second }, settings.ErrInvalidReAlert},
		{"re-alert negative", func(s *settings.Settings) { s.ReAlert = -time.Minute }, settings.ErrInvalidReAlert},
		{"re-alert too long", func(s *settings.Settings) { s.ReAlert = 25 * time.Hour }, settings.ErrInvalidReAlert},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := valid()
			tc.modify(&s)
			err := s.Validate()
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("Validate() = %v, want %v", err, tc.want)
			}
		})
	}
}

// The form and the settings file give quiet hours as text: one parser
// (notify's) reads it, and a bad time is a field error.
func TestParseQuietHours(t *testing.T) {
	q, err := settings.ParseQuietHours(true, " 22:00", "7:30")
	if err != nil || q != (notify.QuietHours{Enabled: true, Start: notify.At(22, 0), End: notify.At(7, 30)}) {
		t.Fatalf("ParseQuietHours = %+v, %v", q, err)
	}
	if q, err := settings.ParseQuietHours(false, "", ""); err != nil || q != settings.Default().QuietHours {
		t.Fatalf("empty and off = %+v, %v; want the default span", q, err)
	}
	for _, bad := range [][2]string{{"25:00", "07:00"}, {"22:00", "07:60"}, {"+1:00", "08:00"}, {"x", "y"}, {"", "07:00"}} {
		_, err := settings.ParseQuietHours(false, bad[0], bad[1])
		fes := settings.FieldErrors(err)
		if !errors.Is(err, settings.ErrInvalidQuietHours) || len(fes) != 1 || fes[0].Field != "QuietHours" {
			t.Errorf("ParseQuietHours(%q, %q) = %v, want a QuietHours field error", bad[0], bad[1], err)
		}
	}
}

func TestChanges(t *testing.T) {
	old := valid()
	if d := settings.Changes(old, old.Clone()); !emptyDiff(d) {
		t.Fatalf("Changes(same) = %+v", d)
	}

	n := old.Clone()
	n.Servers[0].Rooms = []string{"payments", "#infra", "#db"}
	d := settings.Changes(old, n)
	if len(d.Servers) != 1 || d.Servers[0].ID != settings.DefaultServerID {
		t.Fatalf("rooms: %+v", d)
	}
	sd := d.Servers[0]
	if !slices.Equal(sd.RoomsAdded, []string{"infra", "db"}) || !slices.Equal(sd.RoomsRemoved, []string{"ops"}) {
		t.Fatalf("rooms: %+v", sd)
	}
	if sd.ServerChanged || d.RulesChanged || d.StartAtLoginChanged || sd.CatchupChanged {
		t.Fatalf("only rooms changed, got %+v", d)
	}

	n = old.Clone()
	n.Servers[0].Rooms = []string{"payments", "#ops"} // reordered only
	if d := settings.Changes(old, n); !emptyDiff(d) {
		t.Fatalf("reorder: %+v", d)
	}

	n = old.Clone()
	n.Servers[0].URL = "wss://other.example.com/ws"
	if d := settings.Changes(old, n); len(d.Servers) != 1 || !d.Servers[0].ServerChanged || d.RulesChanged {
		t.Fatalf("server: %+v", d)
	}
	n = old.Clone()
	n.Servers[0].URL = " " + old.Servers[0].URL + " "
	if d := settings.Changes(old, n); !emptyDiff(d) {
		t.Fatalf("whitespace-only server change: %+v", d)
	}

	for name, modify := range map[string]func(*settings.Settings){
		"severity": func(s *settings.Settings) { s.MinSeverity = settings.SeverityCritical },
		"muted":    func(s *settings.Settings) { s.MutedRooms = []string{"#ops"} },
		"quiet":    func(s *settings.Settings) { s.QuietHours.Enabled = true },
		"outage":   func(s *settings.Settings) { s.OutageNotice = time.Hour },
		"re-alert": func(s *settings.Settings) { s.ReAlert = 0 },
		"sound":    func(s *settings.Settings) { s.SilentCriticals = true },
	} {
		n := old.Clone()
		modify(&n)
		if d := settings.Changes(old, n); !d.RulesChanged || len(d.Servers) > 0 {
			t.Errorf("%s: %+v", name, d)
		}
	}
	n = old.Clone()
	n.StartAtLogin = true
	n.Servers[0].CatchupURL = "https://x/api"
	if d := settings.Changes(old, n); !d.StartAtLoginChanged || len(d.Servers) != 1 || !d.Servers[0].CatchupChanged {
		t.Errorf("start at login / catchup: %+v", d)
	}
}

// Servers are matched by ID: one added, one removed, one edited in place,
// whatever their order.
func TestChangesServers(t *testing.T) {
	old := valid()
	old.Servers = append(old.Servers, settings.Server{ID: "b", URL: "wss://b.example/ws"}, settings.Server{ID: "c", URL: "wss://c.example/ws"})
	n := old.Clone()
	n.Servers = []settings.Server{n.Servers[2], {ID: "d", URL: "wss://d.example/ws"}, n.Servers[0]}
	n.Servers[0].Muted = true
	n.Servers[0].Name = "C"
	n.Servers[2].Disabled = true
	d := settings.Changes(old, n)
	if !slices.Equal(d.ServersAdded, []string{"d"}) || !slices.Equal(d.ServersRemoved, []string{"b"}) {
		t.Fatalf("added %v removed %v", d.ServersAdded, d.ServersRemoved)
	}
	if len(d.Servers) != 2 || d.Servers[0].ID != "c" || !d.Servers[0].MutedChanged || !d.Servers[0].NameChanged ||
		d.Servers[1].ID != settings.DefaultServerID || !d.Servers[1].EnabledChanged || d.Servers[1].ServerChanged {
		t.Fatalf("servers: %+v", d.Servers)
	}
}

func TestCloneIsDeep(t *testing.T) {
	s := valid()
	s.MutedRooms = []string{"m"}
	c := s.Clone()
	c.Servers[0].Rooms[0] = "changed"
	c.Servers[0].URL = "changed"
	c.MutedRooms[0] = "changed"
	if s.Servers[0].Rooms[0] == "changed" || s.Servers[0].URL == "changed" || s.MutedRooms[0] == "changed" {
		t.Fatal("Clone shares slices")
	}
}

// emptyDiff reports whether d asks for nothing.
func emptyDiff(d settings.Diff) bool {
	return len(d.ServersAdded) == 0 && len(d.ServersRemoved) == 0 && len(d.Servers) == 0 &&
		!d.RulesChanged && !d.StartAtLoginChanged && !d.RisksChanged
}
