package history

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Defaults of Options.
const (
	DefaultMaxRecords = 1000
	DefaultMaxAge     = 30 * 24 * time.Hour
	DefaultTimeout    = time.Second
)

// Options tune a History. The zero value is ready to use.
type Options struct {
	// MaxRecords is how many records are kept, the newest; zero means
	// DefaultMaxRecords.
	MaxRecords int
	// MaxAge drops records settled longer ago; zero means DefaultMaxAge.
	MaxAge time.Duration
	// Timeout bounds the wait for the file lock held by another process;
	// zero means DefaultTimeout. Open then fails with ErrLocked.
	Timeout time.Duration
	// Now is the clock retention runs on; nil means time.Now.
	Now func() time.Time
	// Logger receives the warning about a corrupt file moved aside and
	// records dropped at open; nil discards.
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.MaxRecords <= 0 {
		o.MaxRecords = DefaultMaxRecords
	}
	if o.MaxAge <= 0 {
		o.MaxAge = DefaultMaxAge
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Bucket names.
var (
	recordsBucket   = []byte("records")   // recordKey → JSON Record
	incidentsBucket = []byte("incidents") // incidentKey → recordKey
)

// History is the store of settled incidents in one file. Open it with
// Open; Close it when done.
type History struct {
	db   *bolt.DB
	opts Options
	path string

	mu     sync.RWMutex // held for reading by every call, for writing by Close
	closed bool
}

// Path is the file the History is kept in.
func (h *History) Path() string { return h.path }

// Add records rs in one transaction, committed (and fsynced) when Add
// returns nil; retention is applied in the same transaction. A record of
// an incident (server and uuid) already kept replaces it, keeping its
// first acknowledgement. An invalid record fails the whole call with
// ErrInvalid and nothing is written.
func (h *History) Add(rs ...Record) error {
	clean := make([]Record, len(rs))
	for i, r := range rs {
		var err error
		if clean[i], err = r.normalize(); err != nil {
			return err
		}
	}
	return h.guard(func(db *bolt.DB) error {
		return db.Update(func(tx *bolt.Tx) error {
			recs, idx, err := buckets(tx)
			if err != nil {
				return err
			}
			for _, r := range clean {
				if err := put(recs, idx, r); err != nil {
					return err
				}
			}
			_, err = prune(recs, idx, h.opts)
			return err
		})
	})
}

// put stores r, replacing the record of the same incident.
func put(recs, idx *bolt.Bucket, r Record) error {
	ik := incidentKey(r.Server, r.Incident.UUID)
	if oldKey := idx.Get(ik); oldKey != nil {
		var old Record
		if json.Unmarshal(recs.Get(oldKey), &old) == nil {
			r = r.merge(old)
		}
		if err := recs.Delete(oldKey); err != nil {
			return err
		}
	}
	v, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("history: encode %q: %w", r.Incident.UUID, err)
	}
	k := recordKey(r.At, r.Server, r.Incident.UUID)
	if err := recs.Put(k, v); err != nil {
		return err
	}
	return idx.Put(ik, k)
}

// Search returns the records that contain every word of query (case
// does not matter; title, description, service, room, uuid, severity, who
// acknowledged, server), newest first, at most limit of them: zero means
// DefaultLimit, more than MaxLimit means MaxLimit. An empty query matches
// every record. A query longer than MaxQueryLen fails with ErrInvalid.
func (h *History) Search(query string, limit int) ([]Record, error) {
	if len(query) > MaxQueryLen {
		return nil, fmt.Errorf("%w: query longer than %d bytes", ErrInvalid, MaxQueryLen)
	}
	switch {
	case limit <= 0:
		limit = DefaultLimit
	case limit > MaxLimit:
		limit = MaxLimit
	}
	ts := terms(query)
	var out []Record
	err := h.guard(func(db *bolt.DB) error {
		return db.View(func(tx *bolt.Tx) error {
			recs := tx.Bucket(recordsBucket)
			if recs == nil {
				return nil
			}
			c := recs.Cursor()
			for k, v := c.Last(); k != nil && len(out) < limit; k, v = c.Prev() {
				var r Record
				if json.Unmarshal(v, &r) != nil {
					continue // Open drops these; one written since is skipped
				}
				if r.matches(ts) {
					out = append(out, r)
				}
			}
			return nil
		})
	})
	return out, err
}

// Len is how many records are kept.
func (h *History) Len() (int, error) {
	n := 0
	err := h.guard(func(db *bolt.DB) error {
		return db.View(func(tx *bolt.Tx) error {
			if recs := tx.Bucket(recordsBucket); recs != nil {
				n = count(recs)
			}
			return nil
		})
	})
	return n, err
}

// Close closes the file and releases its lock; later calls fail with
// ErrClosed. Safe to call more than once.
func (h *History) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil
	}
	h.closed = true
	return h.db.Close()
}

// guard runs fn on the open database, turning a panic or a memory fault
// in bbolt (a page that is not what it should be, a file truncated under
// its map) into ErrCorrupt instead of a crash.
func (h *History) guard(fn func(db *bolt.DB) error) (err error) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.closed {
		return ErrClosed
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %s: %v", ErrCorrupt, h.path, p)
		}
	}()
	return fn(h.db)
}

// buckets returns the two buckets, creating them the first time.
func buckets(tx *bolt.Tx) (recs, idx *bolt.Bucket, err error) {
	if recs, err = tx.CreateBucketIfNotExists(recordsBucket); err != nil {
		return nil, nil, err
	}
	if idx, err = tx.CreateBucketIfNotExists(incidentsBucket); err != nil {
		return nil, nil, err
	}
	return recs, idx, nil
}
