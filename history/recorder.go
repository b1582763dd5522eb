package history

import (
	"errors"
	"log/slog"
	"sync"
)

// Recorder writes records to a History on a goroutine of its own, so
// that its callers never wait for the disk: the store's event dispatcher
// hands it every settled incident. Records queued while a write runs are
// written together, in one transaction (one fsync). The queue holds at
// most the History's MaxRecords records; past that the oldest queued are
// dropped, as retention would drop them anyway.
type Recorder struct {
	h   *History
	log *slog.Logger
	max int

	wake chan struct{} // cap 1
	done chan struct{} // closed by Close
	wg   sync.WaitGroup

	mu      sync.Mutex
	queue   []Record
	closed  bool
	dropped int
}

// NewRecorder starts a Recorder writing to h; failed writes are logged
// on log (nil discards). Close it before h.
func NewRecorder(h *History, log *slog.Logger) *Recorder {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := &Recorder{h: h, log: log, max: h.opts.MaxRecords, wake: make(chan struct{}, 1), done: make(chan struct{})}
	r.wg.Go(r.loop)
	return r
}

// Record queues rec for writing and returns at once; after Close it is
// dropped.
func (r *Recorder) Record(rec Record) {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	r.queue = append(r.queue, rec)
	if over := len(r.queue) - r.max; over > 0 {
		r.queue = append(r.queue[:0], r.queue[over:]...)
		r.dropped += over
	}
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Close writes what is queued, stops the goroutine and waits for it.
// Safe to call more than once.
func (r *Recorder) Close() {
	r.mu.Lock()
	if !r.closed {
		r.closed = true
		close(r.done)
	}
	r.mu.Unlock()
	r.wg.Wait()
}

func (r *Recorder) loop() {
	for {
		select {
		case <-r.wake:
			r.flush()
		case <-r.done:
			r.flush()
			return
		}
	}
}

// flush writes the queued records in one transaction. An invalid record
// fails the whole batch, so on ErrInvalid each is tried on its own and
// only the invalid ones are lost.
func (r *Recorder) flush() {
	r.mu.Lock()
	batch, dropped := r.queue, r.dropped
	r.queue, r.dropped = nil, 0
	r.mu.Unlock()
	if dropped > 0 {
		r.log.Warn("history: the disk fell behind; dropped the oldest queued records", "dropped", dropped)
	}
	if len(batch) == 0 {
		return
	}
	err := r.h.Add(batch...)
	if err == nil {
		r.log.Debug("history: recorded", "records", len(batch), "first", batch[0].Incident.UUID)
		return
	}
	if len(batch) > 1 && errors.Is(err, ErrInvalid) {
		for _, rec := range batch {
			if err := r.h.Add(rec); err != nil {
				r.log.Warn("history: record not kept", "uuid", rec.Incident.UUID, "err", err)
			}
		}
		return
	}
	r.log.Warn("history: records not kept", "records", len(batch), "err", err)
}
