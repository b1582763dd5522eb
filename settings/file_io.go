package settings

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// MaxFileSize bounds what OpenFile, Reload and MigrateFrom read: a larger
// file is treated as corrupt rather than read into memory.
const MaxFileSize = 1 << 20

// errNotWritable is the write error of a File whose file could not be read
// or set aside: writing would destroy what it could not read.
var errNotWritable = errors.New("not written: the existing file could not be read or moved aside")

// now is the clock of the corrupt-file names; tests may replace it.
var now = time.Now

// MigrateFrom copies every key of a Fyne preferences file (a JSON object,
// see FynePreferencesPath) into f and writes f's file, but only the first
// time: when f's file does not exist yet. Keys are copied as they are, the
// ones Warpdesk does not know included, so nothing is lost; the Fyne file is
// left untouched. It reports whether anything was copied. A missing or
// empty Fyne file is not an error; an unreadable one is, and nothing is
// written, so the next start tries again.
func (f *File) MigrateFrom(path string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, err := os.Stat(f.path); !errors.Is(err, fs.ErrNotExist) {
		return false, nil // ours exists (or cannot be checked): never migrate over it
	}
	vals, err := readObject(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("settings: cannot migrate the old preferences %s (left as they are): %w", path, err)
	}
	if len(vals) == 0 {
		return false, nil
	}
	for k, v := range vals {
		if !f.dirty[k] {
			f.values[k] = v
			f.dirty[k] = true
		}
	}
	f.err = f.flush()
	return f.err == nil, f.err
}

// FynePreferencesPath is where Fyne 2.7 keeps the preferences of the app
// with this ID: <config>/fyne/<appID>/preferences.json, where <config> is
// os.UserConfigDir() on Linux and the BSDs, ~/Library/Preferences on macOS
// and ~/AppData/Roaming on Windows.
func FynePreferencesPath(appID string) (string, error) {
	var root string
	switch runtime.GOOS {
	case "darwin", "windows":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		root = filepath.Join(home, "AppData", "Roaming")
		if runtime.GOOS == "darwin" {
			root = filepath.Join(home, "Library", "Preferences")
		}
	default:
		dir, err := os.UserConfigDir()
		if err != nil {
			return "", err
		}
		root = dir
	}
	return filepath.Join(root, "fyne", appID, "preferences.json"), nil
}

// readObject reads a JSON object of any values. A missing file gives
// fs.ErrNotExist (a *PathError); an empty file or "null" gives an empty
// map; other read failures a *PathError; anything else that is not an
// object a decoding error.
func readObject(path string) (map[string]json.RawMessage, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, MaxFileSize+1))
	if err != nil {
		return nil, &os.PathError{Op: "read", Path: path, Err: err}
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("larger than %d bytes", MaxFileSize)
	}
	vals := map[string]json.RawMessage{}
	if len(bytes.TrimSpace(data)) == 0 {
		return vals, nil
	}
	if err := json.Unmarshal(data, &vals); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	if vals == nil { // "null"
		vals = map[string]json.RawMessage{}
	}
	return vals, nil
}

// flush writes the keys changed since the last write over what the file
// holds now (another process may have written other keys), under a lock
// file so that no other process writes in between. Called with f.mu held.
func (f *File) flush() error {
	if len(f.dirty) == 0 {
		return nil
	}
	if f.stuck {
		return fmt.Errorf("settings file %s: %w", f.path, errNotWritable)
	}
	if err := os.MkdirAll(filepath.Dir(f.path), 0o700); err != nil {
		return fmt.Errorf("settings file: %w", err)
	}
	unlock, _ := lockFile(f.path) // best effort: the write itself is atomic
	defer unlock()
	base, err := readObject(f.path)
	var perr *os.PathError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		base = map[string]json.RawMessage{}
	case errors.As(err, &perr):
		return fmt.Errorf("settings file: %w", err)
	case err != nil:
		// Someone wrote garbage since we read it: keep it aside, write ours.
		if aerr := f.setAside(err); f.stuck {
			return aerr
		}
		base = map[string]json.RawMessage{}
	}
	for k := range f.dirty {
		if v, ok := f.values[k]; ok {
			base[k] = v
		} else {
			delete(base, k)
		}
	}
	data, err := json.MarshalIndent(base, "", "  ")
	if err != nil {
		return fmt.Errorf("settings file: %w", err)
	}
	if err := writeAtomic(f.path, append(data, '\n')); err != nil {
		return err
	}
	f.values = base
	f.dirty = map[string]bool{}
	return nil
}

// writeAtomic replaces path with data through a temporary file in the same
// directory, synced before the rename, so a reader or a crash sees the old
// file or the new one, never a mix. The directory is created (0700) and the
// file is private to the user (0600).
func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("settings file: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("settings file: %w", err)
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name())
			err = fmt.Errorf("settings file %s: %w", path, err)
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// timestamp names a corrupt file set aside: UTC, to the nanosecond, so two
// never collide.
func timestamp() string { return now().UTC().Format("20060102T150405.000000000Z") }
