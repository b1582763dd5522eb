package settings_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/warpdesk/warpdesk/settings"
)

// A fresh install lets criticals break through a pause and does not
// compress: the defaults (issue 9 item 3, issue 14).
func TestSwitchDefaults(t *testing.T) {
	d := settings.Default()
	if d.PauseCriticals || d.Rules().PauseCriticals {
		t.Fatal("Default pauses criticals; criticals must break through a pause by default")
	}
	if d.Compression {
		t.Fatal("Default compresses; compression is off by default")
	}
}

// A settings file written before the two switches existed (version 1,
// neither key) loads with their defaults; one that sets them loads them.
func TestSwitchesInTheSettingsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	old := map[string]any{
		settings.KeyVersion: 1, settings.KeyServerURL: "wss://ops.example.com/ws",
		settings.KeyMinSeverity: "warning", settings.KeyOutageNotice: 180,
	}
	data, _ := json.Marshal(old)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := settings.Load(openFile(t, path))
	if err != nil {
		t.Fatal(err)
	}
	if got.PauseCriticals || got.Compression {
		t.Fatalf("an older file loads PauseCriticals %v, Compression %v; want the defaults (false, false)", got.PauseCriticals, got.Compression)
	}

	got.PauseCriticals, got.Compression = true, true
	if err := settings.Save(openFile(t, path), got); err != nil {
		t.Fatal(err)
	}
	var obj map[string]any
	data, _ = os.ReadFile(path)
	if err := json.Unmarshal(data, &obj); err != nil {
		t.Fatal(err)
	}
	if obj[settings.KeyPauseCriticals] != true || obj[settings.KeyCompression] != true {
		t.Fatalf("file holds %s; want %s and %s true", data, settings.KeyPauseCriticals, settings.KeyCompression)
	}
	again, err := settings.Load(openFile(t, path))
	if err != nil || !again.PauseCriticals || !again.Compression || !again.Rules().PauseCriticals {
		t.Fatalf("Load = %+v, %v; want both switches on", again, err)
	}
}
