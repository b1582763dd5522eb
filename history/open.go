package history

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"syscall"

	bolt "go.etcd.io/bbolt"
	bolterr "go.etcd.io/bbolt/errors"
)

// FileName is the history file's name in its directory.
const FileName = "history.db"

// DefaultPath is where Warpdesk keeps its history: the user's data
// directory, not the configuration one (this is data the program writes,
// not settings the user edits), so that roaming profiles and settings
// backups do not carry it: $XDG_DATA_HOME/warpdesk/history.db, else
// ~/.local/share/warpdesk/history.db on Linux and the BSDs;
// ~/Library/Application Support/warpdesk/… on macOS;
// %LocalAppData%\warpdesk\… on Windows.
func DefaultPath() (string, error) {
	dir, err := dataDir()
	if err != nil {
		return "", fmt.Errorf("history: no data directory: %w", err)
	}
	return filepath.Join(dir, "warpdesk", FileName), nil
}

func dataDir() (string, error) {
	switch runtime.GOOS {
	case "darwin":
		return os.UserConfigDir() // ~/Library/Application Support
	case "windows":
		return os.UserCacheDir() // %LocalAppData%
	}
	if dir := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(dir) {
		return dir, nil // the spec ignores a relative one
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "share"), nil
}

// Open opens the history at path, creating it (and its directory) when
// missing, and applies retention. It fails with ErrLocked when another
// process holds the file for longer than o.Timeout. A corrupt file is
// renamed aside ("<path>.corrupt-<time>"), with a warning on o.Logger,
// and a fresh one is created in its place.
func Open(path string, o Options) (*History, error) {
	o = o.withDefaults()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	db, err := openChecked(path, o)
	if errors.Is(err, ErrCorrupt) {
		aside, rerr := moveAside(path, o)
		if rerr != nil {
			return nil, fmt.Errorf("%w; moving it aside failed: %w", err, rerr)
		}
		o.Logger.Warn("the history file was corrupt: moved it aside and started a new history",
			"path", path, "aside", aside, "err", err)
		db, err = openChecked(path, o)
	}
	if err != nil {
		return nil, err
	}
	return &History{db: db, opts: o, path: path}, nil
}

// moveAside renames the file at path to a name no file has yet.
func moveAside(path string, o Options) (string, error) {
	base := path + ".corrupt-" + o.Now().UTC().Format("20060102T150405Z")
	aside := base
	for i := 1; ; i++ {
		if _, err := os.Lstat(aside); errors.Is(err, os.ErrNotExist) {
			break
		}
		aside = fmt.Sprintf("%s-%d", base, i)
	}
	return aside, os.Rename(path, aside)
}

// openChecked opens the file with bbolt and checks it (see check). A
// panic or memory fault in bbolt while it reads a damaged file is caught
// and reported as ErrCorrupt, with the file closed (and so unlocked).
func openChecked(path string, o Options) (db *bolt.DB, err error) {
	var file *os.File
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if p := recover(); p != nil {
			if db != nil {
				_ = db.Close()
			} else if file != nil {
				_ = file.Close()
			}
			db, err = nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, path, p)
		}
	}()
	db, err = bolt.Open(path, 0o600, &bolt.Options{
		Timeout: o.Timeout,
		OpenFile: func(name string, flag int, perm os.FileMode) (*os.File, error) {
			f, err := os.OpenFile(name, flag, perm)
			file = f
			return f, err
		},
	})
	switch {
	case errors.Is(err, bolterr.ErrTimeout):
		return nil, fmt.Errorf("%w: %s (waited %v)", ErrLocked, path, o.Timeout)
	case err != nil && systemError(err):
		return nil, fmt.Errorf("history: %w", err)
	case err != nil:
		return nil, fmt.Errorf("%w: %s: %w", ErrCorrupt, path, err)
	}
	if err := check(db, file, o); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

// check is the consistency check at open, run under openChecked's guard:
// the pages the last commit claims must lie inside the file (a truncated
// file fails here), and every record is read and decoded, which touches
// every page of the tree. Records that do not decode are dropped, and so
// are those retention no longer keeps.
func check(db *bolt.DB, file *os.File, o Options) error {
	fi, err := file.Stat()
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	return db.Update(func(tx *bolt.Tx) error {
		if tx.Size() > fi.Size() {
			return fmt.Errorf("%w: %s: %d bytes, its last commit needs %d", ErrCorrupt, db.Path(), fi.Size(), tx.Size())
		}
		recs, idx, err := buckets(tx)
		if err != nil {
			return err
		}
		var bad [][]byte
		c := recs.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var r Record
			if json.Unmarshal(v, &r) != nil || len(k) < 8 {
				bad = append(bad, append([]byte(nil), k...))
			}
		}
		for _, k := range bad {
			if err := drop1(recs, idx, k); err != nil {
				return err
			}
		}
		if err := dropStale(recs, idx); err != nil {
			return err
		}
		n, err := prune(recs, idx, o)
		if len(bad)+n > 0 {
			o.Logger.Info("history: dropped records at open", "unreadable", len(bad), "retention", n)
		}
		return err
	})
}

// dropStale deletes the index entries whose record is gone.
func dropStale(recs, idx *bolt.Bucket) error {
	var stale [][]byte
	c := idx.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if recs.Get(v) == nil {
			stale = append(stale, append([]byte(nil), k...))
		}
	}
	for _, k := range stale {
		if err := idx.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// systemError reports whether err, from bolt.Open, is the system's (no
// permission, no space, no memory for the map): the file may be fine, and
// must not be moved aside. Everything else bbolt says about a file it
// opened is about its contents: invalid or mismatched meta pages, a size
// too small for them, a map size no real history needs.
func systemError(err error) bool {
	var pe *fs.PathError
	var errno syscall.Errno
	return errors.As(err, &pe) || errors.As(err, &errno)
}
