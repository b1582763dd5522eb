package settings

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/warpdesk/warpdesk/internal/buildinfo"
)

// ErrAutostartUnsupported is returned by SetStartAtLogin on systems without
// XDG autostart (macOS, Windows).
var ErrAutostartUnsupported = errors.New("start at login is not supported on " + runtime.GOOS)

// AutostartFile is the name of the XDG autostart entry.
const AutostartFile = "warpdesk.desktop"

// AutostartPath returns $XDG_CONFIG_HOME/autostart/warpdesk.desktop, with
// XDG_CONFIG_HOME defaulting to ~/.config (a relative XDG_CONFIG_HOME is
// ignored, as the XDG spec says).
func AutostartPath() (string, error) {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("autostart: no XDG_CONFIG_HOME and no home directory: %w", err)
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "autostart", AutostartFile), nil
}

func autostartSupported() bool {
	switch runtime.GOOS {
	case "darwin", "windows", "ios", "android", "js", "wasip1", "plan9":
		return false
	}
	return true
}

// StartHiddenArg is the argument the autostart entry adds so that Warpdesk
// starts in the tray, without opening its window, at login.
const StartHiddenArg = "-hidden"

// SetStartAtLogin writes (enabled) or removes (disabled) the XDG autostart
// entry that starts exe, plus args and StartHiddenArg, at login. An empty
// exe means this program (os.Executable). Removing an absent entry is not
// an error.
func SetStartAtLogin(enabled bool, exe string, args ...string) error {
	if !autostartSupported() {
		if !enabled {
			return nil
		}
		return ErrAutostartUnsupported
	}
	path, err := AutostartPath()
	if err != nil {
		return err
	}
	if !enabled {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("autostart: %w", err)
		}
		return nil
	}
	if exe == "" {
		if exe, err = os.Executable(); err != nil {
			return fmt.Errorf("autostart: cannot find this program: %w", err)
		}
	}
	entry, err := DesktopEntry(exe, args...)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("autostart: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".warpdesk-*.desktop")
	if err != nil {
		return fmt.Errorf("autostart: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(entry); err != nil {
		tmp.Close()
		return fmt.Errorf("autostart: %w", err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("autostart: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("autostart: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("autostart: %w", err)
	}
	return nil
}

// StartAtLoginEnabled reports whether the autostart entry exists.
func StartAtLoginEnabled() bool {
	path, err := AutostartPath()
	if err != nil {
		return false
	}
	_, err = os.Stat(path)
	return err == nil
}

// DesktopEntry returns the autostart .desktop file that runs exe with args
// and StartHiddenArg (once), quoted as the Desktop Entry Specification
// requires. Its icon is the one the package installs, named by the app id.
func DesktopEntry(exe string, args ...string) (string, error) {
	argv := append([]string{exe}, args...)
	if !slices.Contains(args, StartHiddenArg) {
		argv = append(argv, StartHiddenArg)
	}
	parts := make([]string, 0, len(argv))
	for _, a := range argv {
		if strings.ContainsAny(a, "\n\r\x00") {
			return "", fmt.Errorf("autostart: program path or argument contains a line break")
		}
		parts = append(parts, quoteExecArg(a))
	}
	return "[Desktop Entry]\n" +
		"Type=Application\n" +
		"Name=" + buildinfo.Name + "\n" +
		"Comment=Incident notifications from your ops server\n" +
		"Exec=" + strings.Join(parts, " ") + "\n" +
		"Icon=" + buildinfo.ID + "\n" +
		"Terminal=false\n" +
		"Categories=Network;Monitor;\n" +
		"X-GNOME-Autostart-enabled=true\n", nil
}

// quoteExecArg quotes one Exec argument: double quotes around arguments with
// reserved characters, a backslash before " ` $ \ inside them, "%%" for "%",
// and then the string-value escaping of backslashes the spec layers on top.
func quoteExecArg(a string) string {
	a = strings.ReplaceAll(a, "%", "%%")
	if a != "" && !strings.ContainsAny(a, " \t\"'\\><~|&;$*?#()`=") {
		return a
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range a {
		switch r {
		case '"', '`', '$', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	// String-value level: every backslash is written as two.
	return strings.ReplaceAll(b.String(), `\`, `\\`)
}
