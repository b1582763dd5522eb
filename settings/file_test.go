package settings_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/warpdesk/warpdesk/settings"
)

// The settings file is what Load and Save work on in both processes.
var _ settings.Prefs = (*settings.File)(nil)

func openFile(t *testing.T, path string) *settings.File {
	t.Helper()
	f, err := settings.OpenFile(path)
	if err != nil {
		t.Fatalf("OpenFile: %v", err)
	}
	return f
}

func loadEqual(t *testing.T, p settings.Prefs, want settings.Settings) {
	t.Helper()
	got, err := settings.Load(p)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Load = %+v\n want %+v", got, want)
	}
}

func TestFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "warpdesk", "settings.json")
	f := openFile(t, path)
	loadEqual(t, f, settings.Default())
	if f.Int(settings.KeyVersion) != 0 {
		t.Fatal("Stored before any Save")
	}
	if err := settings.Save(f, full()); err != nil {
		t.Fatal(err)
	}
	loadEqual(t, openFile(t, path), full())

	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("settings file mode %v, want 0600", fi.Mode().Perm())
	}
	var obj map[string]any
	if data, _ := os.ReadFile(path); json.Unmarshal(data, &obj) != nil || !strings.Contains(fmt.Sprint(obj[settings.KeyServers]), full().Servers[0].URL) {
		t.Fatalf("file is not the JSON object of the keys: %s", data)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		if e.Name() != "settings.json" && e.Name() != "settings.json.lock" {
			t.Fatalf("directory holds %v, want only settings.json and its lock (no temporary files left)", entries)
		}
	}
}

// Nothing stored, or the demo chosen and saved: no "stored settings have
// problems" at the next start.
func TestNoSpuriousProblems(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	f := openFile(t, path)
	if _, err := settings.Load(f); err != nil {
		t.Fatalf("Load with nothing stored: %v", err)
	}
	demo := full()
	demo.Servers[0].URL, demo.Servers[0].CatchupURL = "", ""
	if err := settings.Save(f, demo); err != nil {
		t.Fatalf("Save(demo settings): %v", err)
	}
	loadEqual(t, openFile(t, path), demo)
}

func TestFileReloadAndMerge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	a, b := openFile(t, path), openFile(t, path) // two processes
	if err := settings.Save(a, full()); err != nil {
		t.Fatal(err)
	}
	loadEqual(t, b, settings.Default()) // not yet reloaded
	if err := b.Reload(); err != nil {
		t.Fatal(err)
	}
	loadEqual(t, b, full())

	// Different keys written by each: neither undoes the other.
	a.SetString("agent.key", "from a")
	b.SetString("window.key", "from b")
	if a.Err() != nil || b.Err() != nil {
		t.Fatal(a.Err(), b.Err())
	}
	c := openFile(t, path)
	if c.String("agent.key") != "from a" || c.String("window.key") != "from b" {
		t.Fatalf("keys after two writers: %v", c.Keys())
	}
	b.RemoveValue("agent.key")
	if err := c.Reload(); err != nil || c.String("agent.key") != "" || c.String("window.key") != "from b" {
		t.Fatalf("after remove: %v, %v", c.Keys(), err)
	}
}

func TestFileCorruptIsKeptAside(t *testing.T) {
	for name, content := range map[string]string{
		"truncated": `{"settings.version": 1, "settings.serverURL": "wss://ops`,
		"array":     `["not", "an", "object"]`,
		"too large": `{"k": "` + strings.Repeat("x", settings.MaxFileSize) + `"}`,
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "settings.json")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			f, err := settings.OpenFile(path)
			var cerr *settings.CorruptFileError
			if !errors.Is(err, settings.ErrCorruptFile) || !errors.As(err, &cerr) {
				t.Fatalf("OpenFile = %v, want ErrCorruptFile", err)
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), cerr.MovedTo) || cerr.MovedTo == "" {
				t.Fatalf("error %q should name the file and where it went", err)
			}
			loadEqual(t, f, settings.Default())
			if err := settings.Save(f, full()); err != nil {
				t.Fatal(err)
			}
			if kept, _ := os.ReadFile(cerr.MovedTo); string(kept) != content {
				t.Fatal("the corrupt file was not kept as it was")
			}
			loadEqual(t, openFile(t, path), full())
		})
	}
}

// An empty file (a crash before the first write, or Fyne's EOF case) is
// "nothing stored", not corrupt.
func TestFileEmptyIsNothingStored(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	loadEqual(t, openFile(t, path), settings.Default())
}

// fynePrefs is a preferences file as Fyne 2.7 writes it (its own
// app/testdata/preferences.json plus what settings.Save stored through
// fyne.Preferences).
const fynePrefs = `{
  "keyString": "value", "keyStringList": ["1", "2", "3"], "keyInt": 4, "keyIntList": [1, 2, 3],
  "keyFloat": 3.5, "keyFloatList": [1.1, 2.2, 3.3], "keyBool": true, "keyBoolList": [true, false, true],
  "keyEmptyList": [],
  "settings.version": 1, "settings.serverURL": "wss://ops.example.com/ws", "settings.rooms": ["#ops", "payments"],
  "settings.catchupURL": "https://ops.example.com/api/incidents", "settings.minSeverity": "critical",
  "settings.mutedRooms": ["payments"], "settings.quietHours.enabled": true, "settings.quietHours.start": "21:30",
  "settings.quietHours.end": "06:45", "settings.outageNoticeSeconds": 600, "settings.startAtLogin": true
}`

func TestOpenMigratesFynePreferences(t *testing.T) {
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	fynePath := filepath.Join(cfg, "fyne", "io.warpdesk.app", "preferences.json")
	if p, err := settings.FynePreferencesPath("io.warpdesk.app"); err != nil || p != fynePath {
		t.Fatalf("FynePreferencesPath = %q, %v; want %q", p, err, fynePath)
	}
	if err := os.MkdirAll(filepath.Dir(fynePath), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(fynePath, []byte(fynePrefs), 0o600); err != nil {
		t.Fatal(err)
	}

	f, err := settings.Open("io.warpdesk.app")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(cfg, "warpdesk", "settings.json"); f.Path() != want {
		t.Fatalf("Path = %q, want %q", f.Path(), want)
	}
	loadEqual(t, f, singleServer())
	var want, got map[string]any
	_ = json.Unmarshal([]byte(fynePrefs), &want)
	data, _ := os.ReadFile(f.Path())
	if err := json.Unmarshal(data, &got); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("migrated file %s\n want every key of %s", data, fynePrefs)
	}
	if kept, _ := os.ReadFile(fynePath); string(kept) != fynePrefs {
		t.Fatal("Fyne's preferences file was changed")
	}

	// Only the first time: later changes to Fyne's file are not copied.
	if err := os.WriteFile(fynePath, []byte(`{"settings.serverURL": "wss://other.example.com/ws"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	again, err := settings.Open("io.warpdesk.app")
	if err != nil {
		t.Fatal(err)
	}
	loadEqual(t, again, singleServer())
}

// singleServer is what the single-server version's file of full()'s first
// server reads as: that one server (ID DefaultServerID, no name), the
// defaults for the settings it had no keys for.
func singleServer() settings.Settings {
	s := full()
	s.Servers = []settings.Server{s.Servers[0]}
	s.Servers[0].Name = ""
	s.ReAlert, s.SilentCriticals = settings.DefaultReAlert, false
	return s
}

func TestMigrateFromEdgeCases(t *testing.T) {
	dir := t.TempDir()
	fyne := filepath.Join(dir, "preferences.json")
	ours := filepath.Join(dir, "settings.json")
	for _, tc := range []struct {
		name, fyne string
		wantErr    bool
	}{
		{"missing", "", false},
		{"empty (Fyne's EOF)", " ", false},
		{"corrupt", `{"settings.version": `, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_ = os.Remove(fyne)
			if tc.fyne != "" {
				if err := os.WriteFile(fyne, []byte(tc.fyne), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			f := openFile(t, ours)
			migrated, err := f.MigrateFrom(fyne)
			if migrated || (err != nil) != tc.wantErr {
				t.Fatalf("MigrateFrom = %v, %v; want false, error %v", migrated, err, tc.wantErr)
			}
			if _, err := os.Stat(ours); !errors.Is(err, os.ErrNotExist) {
				t.Fatal("a settings file was written from nothing")
			}
			if tc.fyne != "" {
				if kept, _ := os.ReadFile(fyne); string(kept) != tc.fyne {
					t.Fatal("Fyne's file was changed")
				}
			}
			loadEqual(t, f, settings.Default())
		})
	}
}

func TestSaveIsOneWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	f := openFile(t, path)
	if err := settings.Save(f, full()); err != nil {
		t.Fatal(err)
	}
	bad := full()
	bad.Servers[0].Rooms = []string{"two words"}
	if err := settings.Save(f, bad); !errors.Is(err, settings.ErrInvalidRoom) {
		t.Fatalf("Save(invalid) = %v", err)
	}
	loadEqual(t, openFile(t, path), full())
	if !slices.Contains(f.Keys(), settings.KeyVersion) {
		t.Fatalf("keys %v", f.Keys())
	}
}

// A file that exists but cannot be read is never written over.
func TestUnreadableFileIsNotOverwritten(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := settings.OpenFile(filepath.Join(blocker, "settings.json")) // its parent is a file
	if err == nil || errors.Is(err, settings.ErrCorruptFile) {
		t.Fatalf("OpenFile = %v, want a read error", err)
	}
	if err := settings.Save(f, full()); err == nil || f.Err() == nil {
		t.Fatalf("Save = %v, Err = %v; want both to fail", err, f.Err())
	}
}

// Two real processes: one saves two different settings in turn, the other
// reloads all the while and must always read one of them whole.
func TestFileAcrossProcesses(t *testing.T) {
	if os.Getenv(writerEnv) != "" {
		t.Skip("the writer half runs in TestSettingsWriterProcess")
	}
	path := filepath.Join(t.TempDir(), "settings.json")
	cmd, out := startHalf(t, "TestSettingsWriterProcess", writerEnv, path)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	exited := false
	t.Cleanup(func() { // before TempDir's: no writer left in the directory
		if !exited {
			_ = cmd.Process.Kill()
			<-done
		}
	})
	f := openFile(t, path)
	a, b := writerSettings()
	reads := 0
	for {
		select {
		case err := <-done:
			exited = true
			if err != nil {
				t.Fatalf("writer: %v\n%s", err, out.String())
			}
			if reads == 0 {
				t.Log("the writer finished before any read")
			}
			return
		default:
		}
		if err := f.Reload(); err != nil {
			t.Fatalf("Reload while another process writes: %v", err)
		}
		got, err := settings.Load(f)
		if err != nil {
			t.Fatalf("Load while another process writes: %v", err)
		}
		if !reflect.DeepEqual(got, settings.Default()) && !reflect.DeepEqual(got, a) && !reflect.DeepEqual(got, b) {
			t.Fatalf("read a mix of two saves: %+v", got)
		}
		reads++
	}
}

const writerEnv = "WARPDESK_TEST_SETTINGS_WRITER"

func writerSettings() (a, b settings.Settings) {
	a, b = full(), full()
	b.Servers[0].URL, b.Servers[0].Rooms, b.MutedRooms, b.MinSeverity = "ws://127.0.0.1:9/ws", []string{"other"}, []string{}, settings.SeverityInfo
	return a, b
}

func TestSettingsWriterProcess(t *testing.T) {
	path := os.Getenv(writerEnv)
	if path == "" {
		t.Skip("runs only as TestFileAcrossProcesses' child")
	}
	f := openFile(t, path)
	a, b := writerSettings()
	for i := range 300 {
		s := a
		if i%2 == 1 {
			s = b
		}
		if err := settings.Save(f, s); err != nil {
			t.Fatal(err)
		}
	}
}

// Two real processes writing different keys at the same time: each write
// re-reads the file under the lock, so neither loses the other's keys.
func TestFileWritersAcrossProcesses(t *testing.T) {
	if os.Getenv(keysEnv) != "" {
		t.Skip("the writer half runs in TestSettingsKeysProcess")
	}
	path := filepath.Join(t.TempDir(), "settings.json")
	cmd, out := startHalf(t, "TestSettingsKeysProcess", keysEnv, path)
	f := openFile(t, path)
	for i := range writerKeys {
		f.SetInt(fmt.Sprintf("parent.%d", i), i)
		if err := f.Err(); err != nil {
			t.Error(err)
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("writer: %v\n%s", err, out.String())
	}
	got := openFile(t, path)
	lost := 0
	for i := range writerKeys {
		for _, k := range []string{fmt.Sprintf("parent.%d", i), fmt.Sprintf("child.%d", i)} {
			if got.Int(k) != i {
				lost++
			}
		}
	}
	if lost > 0 {
		t.Fatalf("%d of %d keys lost between two writing processes", lost, 2*writerKeys)
	}
}

const (
	keysEnv    = "WARPDESK_TEST_SETTINGS_KEYS"
	writerKeys = 150
)

func TestSettingsKeysProcess(t *testing.T) {
	path := os.Getenv(keysEnv)
	if path == "" {
		t.Skip("runs only as TestFileWritersAcrossProcesses' child")
	}
	f := openFile(t, path)
	for i := range writerKeys {
		f.SetInt(fmt.Sprintf("child.%d", i), i)
		if err := f.Err(); err != nil {
			t.Fatal(err)
		}
	}
}

// startHalf starts this test binary running only the test named, with env
// set to path: the other process of a two-process test. out collects what
// it prints.
func startHalf(t *testing.T, test, env, path string) (cmd *exec.Cmd, out *strings.Builder) {
	t.Helper()
	cmd = exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env+"="+path)
	out = &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, out
}
