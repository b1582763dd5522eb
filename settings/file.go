package settings

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
)

// ErrCorruptFile matches the error OpenFile and Reload return when the
// settings file exists but is not a JSON object. The bad file has been moved
// aside (CorruptFileError.MovedTo), never overwritten, and the File holds
// the defaults (nothing stored).
var ErrCorruptFile = errors.New("settings file is corrupt")

// CorruptFileError says which file was unreadable, why, and where it was
// moved so that the user can repair it by hand. It matches ErrCorruptFile.
type CorruptFileError struct {
	// Path is the settings file that could not be read.
	Path string
	// MovedTo is where the bad file now is; "" if it could not be moved
	// (Err then says why, and nothing will be written over it: every
	// later write fails too).
	MovedTo string
	// Cause is the JSON decoding error.
	Cause error
}

func (e *CorruptFileError) Error() string {
	if e.MovedTo == "" {
		return fmt.Sprintf("settings file %s is corrupt (%v) and could not be moved aside; using the defaults", e.Path, e.Cause)
	}
	return fmt.Sprintf("settings file %s is corrupt (%v); it was moved to %s and the defaults are in use", e.Path, e.Cause, e.MovedTo)
}

// Unwrap returns ErrCorruptFile and the cause.
func (e *CorruptFileError) Unwrap() []error { return []error{ErrCorruptFile, e.Cause} }

// File is Warpdesk's settings file: one JSON object of the Prefs keys
// (KeyServerURL…), readable by the background process, which has no Fyne,
// and by the window process. It implements Prefs, so Load and Save work on
// it as on fyne.Preferences.
//
// Every change is written at once, atomically (a temporary file renamed over
// the old one): another process reading the file sees the old or the new
// contents, never half of them. Save writes all its keys in one write.
// Before each write File re-reads the file and changes only the keys this
// File set or removed, so two processes writing different keys do not undo
// each other; for the same key the last write wins. Reload picks up what
// another process wrote.
//
// A File is safe for concurrent use. Setters cannot return errors (the
// Prefs interface has none): Err reports the last failed write, and Save
// returns it.
type File struct {
	path string

	mu     sync.Mutex
	values map[string]json.RawMessage
	dirty  map[string]bool // keys set or removed since the last write
	batch  int             // >0 while Save is storing: one write at the end
	err    error           // the last write's error
	stuck  bool            // a corrupt file could not be moved aside: never write
}

// DefaultFilePath is where Warpdesk keeps its settings:
// os.UserConfigDir()/warpdesk/settings.json ($XDG_CONFIG_HOME/warpdesk/…,
// else ~/.config/warpdesk/… on Linux).
func DefaultFilePath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("settings file: %w", err)
	}
	return filepath.Join(dir, "warpdesk", "settings.json"), nil
}

// Open opens the settings file at DefaultFilePath and, the first time (no
// settings file yet), copies in everything Fyne's preferences file for
// appID holds (FynePreferencesPath), so settings saved by an older
// Warpdesk are kept. Open always returns a usable File: on error it holds
// what could be read (the defaults when the file is corrupt; see OpenFile).
func Open(appID string) (*File, error) {
	path, err := DefaultFilePath()
	if err != nil {
		return &File{path: "", values: map[string]json.RawMessage{}, dirty: map[string]bool{}, stuck: true}, err
	}
	f, err := OpenFile(path)
	if err != nil {
		return f, err
	}
	from, err := FynePreferencesPath(appID)
	if err != nil {
		return f, nil // nothing to migrate from
	}
	_, err = f.MigrateFrom(from)
	return f, err
}

// OpenFile reads the settings file at path. A missing file is no error:
// nothing is stored yet (Load returns Default()). A file that is not a JSON
// object is moved aside to path + ".corrupt-<time>" and the error is a
// *CorruptFileError; the File is then empty and usable, and its first write
// creates a fresh file. Other read errors (permissions) are returned with an
// empty File that refuses to write, so it cannot overwrite what it could
// not read.
func OpenFile(path string) (*File, error) {
	f := &File{path: path, values: map[string]json.RawMessage{}, dirty: map[string]bool{}}
	return f, f.Reload()
}

// Path returns the file's path.
func (f *File) Path() string { return f.path }

// Reload re-reads the file, dropping unsaved state: call it when another
// process says it saved (store.Commands.SettingsChanged). Errors are as
// OpenFile's; on error the File holds the defaults.
func (f *File) Reload() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	vals, err := readObject(f.path)
	f.dirty = map[string]bool{}
	f.stuck = false
	if errors.Is(err, fs.ErrNotExist) {
		vals, err = map[string]json.RawMessage{}, nil
	}
	if err != nil {
		f.values = map[string]json.RawMessage{}
		var perr *os.PathError
		if errors.As(err, &perr) {
			f.stuck = true // unreadable, not corrupt: never write over it
			return fmt.Errorf("settings file: %w", err)
		}
		return f.setAside(err)
	}
	f.values = vals
	return nil
}

// setAside moves a corrupt file out of the way. Called with f.mu held.
func (f *File) setAside(cause error) error {
	e := &CorruptFileError{Path: f.path, Cause: cause}
	aside := f.path + ".corrupt-" + timestamp()
	if err := os.Rename(f.path, aside); err != nil {
		f.stuck = true
		e.Cause = errors.Join(cause, err)
		return e
	}
	e.MovedTo = aside
	return e
}

// Err returns the error of the last write, nil once a write succeeds.
func (f *File) Err() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

// Keys returns the stored keys, sorted.
func (f *File) Keys() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	keys := make([]string, 0, len(f.values))
	for k := range f.values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// get decodes key into v; false when the key is missing or of another type.
func (f *File) get(key string, v any) bool {
	f.mu.Lock()
	raw, ok := f.values[key]
	f.mu.Unlock()
	return ok && json.Unmarshal(raw, v) == nil
}

// set stores v under key and writes the file, unless Save is batching.
func (f *File) set(key string, v any) {
	raw, err := json.Marshal(v)
	if err != nil {
		return // the Prefs types always marshal
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.values[key] = raw
	f.dirty[key] = true
	if f.batch == 0 {
		f.err = f.flush()
	}
}

// Int returns the int at key, 0 if none. A float (as Fyne may store) is
// truncated.
func (f *File) Int(key string) int {
	var n int
	if f.get(key, &n) {
		return n
	}
	var x float64
	if f.get(key, &x) {
		return int(x)
	}
	return 0
}

// SetInt stores an int.
func (f *File) SetInt(key string, value int) { f.set(key, value) }

// Bool returns the bool at key, false if none.
func (f *File) Bool(key string) bool {
	var b bool
	f.get(key, &b)
	return b
}

// SetBool stores a bool.
func (f *File) SetBool(key string, value bool) { f.set(key, value) }

// String returns the string at key, "" if none.
func (f *File) String(key string) string {
	var s string
	f.get(key, &s)
	return s
}

// SetString stores a string.
func (f *File) SetString(key string, value string) { f.set(key, value) }

// StringList returns the list at key, nil if none.
func (f *File) StringList(key string) []string {
	var l []string
	f.get(key, &l)
	return l
}

// SetStringList stores a list; nil is stored as [].
func (f *File) SetStringList(key string, value []string) {
	if value == nil {
		value = []string{}
	}
	f.set(key, value)
}

// RemoveValue deletes key and writes the file.
func (f *File) RemoveValue(key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.values[key]; !ok {
		return
	}
	delete(f.values, key)
	f.dirty[key] = true
	if f.batch == 0 {
		f.err = f.flush()
	}
}

// update runs fn, whose setters only change memory, then writes once. Save
// stores through it, so other processes never see half a Save.
func (f *File) update(fn func()) error {
	f.mu.Lock()
	f.batch++
	f.mu.Unlock()
	fn()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.batch--
	f.err = f.flush()
	return f.err
}
