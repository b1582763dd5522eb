package settings_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/settings"
)

// fyne.Preferences must keep satisfying settings.Prefs.
var _ settings.Prefs = fyne.Preferences(nil)

// mapPrefs is the smallest Prefs: a map.
type mapPrefs map[string]any

func (m mapPrefs) Int(k string) int                   { v, _ := m[k].(int); return v }
func (m mapPrefs) SetInt(k string, v int)             { m[k] = v }
func (m mapPrefs) Bool(k string) bool                 { v, _ := m[k].(bool); return v }
func (m mapPrefs) SetBool(k string, v bool)           { m[k] = v }
func (m mapPrefs) String(k string) string             { v, _ := m[k].(string); return v }
func (m mapPrefs) SetString(k string, v string)       { m[k] = v }
func (m mapPrefs) StringList(k string) []string       { v, _ := m[k].([]string); return v }
func (m mapPrefs) SetStringList(k string, v []string) { m[k] = v }
func (m mapPrefs) RemoveValue(k string)               { delete(m, k) }

func full() settings.Settings {
	return settings.Settings{
		Servers: []settings.Server{{ID: settings.DefaultServerID, Name: "Production", URL: "wss://ops.example.com/ws",
			Rooms: []string{"ops", "payments"}, CatchupURL: "https://ops.example.com/api/incidents"},
			{ID: "s-2", URL: "wss://staging.example.com/ws", Rooms: []string{"ops"}, Disabled: true, Muted: true}},
		MinSeverity:     settings.SeverityCritical,
		MutedRooms:      []string{"payments"},
		QuietHours:      notify.QuietHours{Enabled: true, Start: notify.At(21, 30), End: notify.At(6, 45)},
		OutageNotice:    10 * time.Minute,
		ReAlert:         15 * time.Minute,
		SilentCriticals: true,
		StartAtLogin:    true,
	}
}

func TestPrefsRoundTrip(t *testing.T) {
	for name, newPrefs := range map[string]func(t *testing.T) settings.Prefs{
		"map":  func(*testing.T) settings.Prefs { return mapPrefs{} },
		"fyne": func(t *testing.T) settings.Prefs { return test.NewTempApp(t).Preferences() },
	} {
		t.Run(name, func(t *testing.T) {
			p := newPrefs(t)
			got, err := settings.Load(p)
			if err != nil || !reflect.DeepEqual(got, settings.Default()) {
				t.Fatalf("Load(empty) = %+v, %v; want Default()", got, err)
			}
			for _, s := range []settings.Settings{full(), func() settings.Settings {
				s := full()
				s.Servers[0].Rooms, s.MutedRooms, s.Servers[0].CatchupURL, s.OutageNotice, s.StartAtLogin = nil, nil, "", 0, false
				s.QuietHours.Enabled = false
				return s
			}()} {
				if err := settings.Save(p, s); err != nil {
					t.Fatal(err)
				}
				got, err := settings.Load(p)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got.Servers[0].Rooms, s.Servers[0].Rooms) && !(len(got.Servers[0].Rooms) == 0 && len(s.Servers[0].Rooms) == 0) {
					t.Fatalf("rooms %v, want %v", got.Servers[0].Rooms, s.Servers[0].Rooms)
				}
				got.Servers[0].Rooms, s.Servers[0].Rooms = nil, nil
				if len(got.MutedRooms) == 0 && len(s.MutedRooms) == 0 {
					got.MutedRooms, s.MutedRooms = nil, nil
				}
				if !reflect.DeepEqual(got, s) {
					t.Fatalf("Load = %+v\n want %+v", got, s)
				}
			}
		})
	}
}

func TestSaveRefusesInvalid(t *testing.T) {
	p := mapPrefs{}
	s := full()
	s.Servers[0].Rooms = append(s.Servers[0].Rooms, "#ops") // "ops" again
	if err := settings.Save(p, s); !errors.Is(err, settings.ErrRoomDuplicate) {
		t.Fatalf("Save = %v, want ErrRoomDuplicate", err)
	}
	if len(p) != 0 {
		t.Fatalf("Save stored %v despite the error", p)
	}
}

func TestSaveNormalizes(t *testing.T) {
	p := mapPrefs{}
	s := full()
	s.Servers[0].URL = "  " + s.Servers[0].URL + "\n"
	if err := settings.Save(p, s); err != nil {
		t.Fatal(err)
	}
	if got, _ := settings.Load(p); got.Servers[0].URL != "wss://ops.example.com/ws" {
		t.Fatalf("stored %q", got.Servers[0].URL)
	}
}

func TestLoadReportsEditedFile(t *testing.T) {
	p := mapPrefs{}
	if err := settings.Save(p, full()); err != nil {
		t.Fatal(err)
	}
	p.SetString(settings.KeyServers, strings.Replace(p.String(settings.KeyServers), "wss://ops.example.com/ws", "http://oops", 1))
	got, err := settings.Load(p)
	if !errors.Is(err, settings.ErrInvalidServerURL) {
		t.Fatalf("Load = %v, want ErrInvalidServerURL", err)
	}
	if got.Servers[0].URL != "http://oops" || !slices.Equal(got.Servers[0].Rooms, full().Servers[0].Rooms) {
		t.Fatalf("Load returned %+v; want the stored values to show in the form", got)
	}
}

// The fyne test app keeps preferences in memory; dump them all, as the real
// app would write preferences.json, and check the token is not there.
func TestPrefsNeverHoldTheToken(t *testing.T) {
	a := test.NewTempApp(t)
	s := full()
	if err := settings.Save(a.Preferences(), s); err != nil {
		t.Fatal(err)
	}
	dump, _ := json.Marshal(map[string]any{
		"strings":  []string{a.Preferences().String(settings.KeyServers)},
		"settings": s,
	})
	if strings.Contains(strings.ToLower(string(dump)), "token") {
		t.Fatalf("prefs mention a token: %s", dump)
	}
	if f := reflect.TypeFor[settings.Settings](); func() bool {
		for i := range f.NumField() {
			if f.Field(i).Type == reflect.TypeFor[settings.Secret]() || strings.Contains(strings.ToLower(f.Field(i).Name), "token") {
				return true
			}
		}
		for i := range reflect.TypeFor[settings.Server]().NumField() {
			if strings.Contains(strings.ToLower(reflect.TypeFor[settings.Server]().Field(i).Name), "token") {
				return true
			}
		}
		return false
	}() {
		t.Fatal("Settings has a token field: it would be persisted")
	}
}
