package settings_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/warpdesk/warpdesk/internal/buildinfo"
	"github.com/warpdesk/warpdesk/settings"
)

func TestAutostartPath(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	got, err := settings.AutostartPath()
	if err != nil || got != filepath.Join(dir, "autostart", "warpdesk.desktop") {
		t.Fatalf("AutostartPath = %q, %v", got, err)
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, v := range []string{"", "relative/dir"} {
		t.Setenv("XDG_CONFIG_HOME", v)
		got, err := settings.AutostartPath()
		if err != nil || got != filepath.Join(home, ".config", "autostart", "warpdesk.desktop") {
			t.Fatalf("XDG_CONFIG_HOME=%q: AutostartPath = %q, %v", v, got, err)
		}
	}
}

func TestSetStartAtLogin(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("XDG autostart is Linux/BSD")
	}
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	path := filepath.Join(dir, "autostart", "warpdesk.desktop")

	if settings.StartAtLoginEnabled() {
		t.Fatal("enabled before anything was written")
	}
	if err := settings.SetStartAtLogin(false, ""); err != nil {
		t.Fatalf("disable when absent: %v", err)
	}
	exe := "/opt/Warp Desk/bin/warpdesk"
	if err := settings.SetStartAtLogin(true, exe, "-minimized"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	entry := string(b)
	for _, want := range []string{"[Desktop Entry]\n", "Type=Application\n", "Name=Warpdesk\n",
		`Exec="/opt/Warp Desk/bin/warpdesk" -minimized -hidden` + "\n", "X-GNOME-Autostart-enabled=true\n"} {
		if !strings.Contains(entry, want) {
			t.Errorf("entry lacks %q:\n%s", want, entry)
		}
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v", fi.Mode())
	}
	if !settings.StartAtLoginEnabled() {
		t.Fatal("not enabled after writing")
	}
	// Rewriting is fine and leaves no temp files.
	if err := settings.SetStartAtLogin(true, ""); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Fatalf("autostart dir holds %d files", len(ents))
	}
	b, _ = os.ReadFile(path)
	self, _ := os.Executable()
	if !strings.Contains(string(b), "Exec=") || !strings.Contains(string(b), filepath.Base(self)) {
		t.Fatalf("default exe not used:\n%s", b)
	}
	if err := settings.SetStartAtLogin(false, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("entry still there: %v", err)
	}
	if settings.StartAtLoginEnabled() {
		t.Fatal("enabled after removal")
	}
}

func TestDesktopEntryQuoting(t *testing.T) {
	for exe, want := range map[string]string{
		"/usr/bin/warpdesk":   "Exec=/usr/bin/warpdesk -hidden\n",
		"/a b/warpdesk":       `Exec="/a b/warpdesk" -hidden` + "\n",
		`/a"b/$HOME/100%/x\y`: `Exec="/a\\"b/\\$HOME/100%%/x\\\\y" -hidden` + "\n",
	} {
		got, err := settings.DesktopEntry(exe)
		if err != nil || !strings.Contains(got, want) {
			t.Errorf("DesktopEntry(%q):\n%s\nwant line %q (err %v)", exe, got, want, err)
		}
	}
	if _, err := settings.DesktopEntry("/x\nExec=/bin/evil"); err == nil {
		t.Error("a line break in the path was accepted")
	}
}

// TestAutostartEntryStartsHiddenWithTheInstalledIcon checks the entry
// starts Warpdesk in the tray (no window at login) and names the icon
// `make package` installs (share/pixmaps/<app id>.png), and that
// desktop-file-validate accepts it.
func TestAutostartEntryStartsHiddenWithTheInstalledIcon(t *testing.T) {
	entry, err := settings.DesktopEntry("/usr/local/bin/warpdesk", "-hidden")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Exec=/usr/local/bin/warpdesk -hidden\n", "Icon=" + buildinfo.ID + "\n"} {
		if !strings.Contains(entry, want) {
			t.Errorf("entry lacks %q:\n%s", want, entry)
		}
	}
	validate, err := exec.LookPath("desktop-file-validate")
	if err != nil {
		t.Skip("no desktop-file-validate (apt-get install desktop-file-utils)")
	}
	path := filepath.Join(t.TempDir(), settings.AutostartFile)
	if err := os.WriteFile(path, []byte(entry), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(validate, path).CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("desktop-file-validate: %v\n%s", err, out)
	}
}
