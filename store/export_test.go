package store

// Tombstones is how many live resolutions the store remembers, over all
// servers.
func (s *Store) Tombstones() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, srv := range s.servers {
		n += len(srv.inc.gone)
	}
	return n
}

// MaxTombstones bounds Tombstones.
const MaxTombstones = maxTombstones

// QueueLen is how many items and events wait for the subscribers.
func (s *Store) QueueLen() (items, events int) {
	s.disp.mu.Lock()
	defer s.disp.mu.Unlock()
	return len(s.disp.queue), s.disp.nEvents
}

// MaxQueued are the queue's bounds.
const (
	MaxQueuedItems  = maxQueuedItems
	MaxQueuedEvents = maxQueuedEvents
)
