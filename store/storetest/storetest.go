// Package storetest has a store.Source that tests publish States to by
// hand, for the packages that render a store (tray, ipc, the window)
// without running one.
package storetest

import (
	"sync"

	"github.com/warpdesk/warpdesk/store"
)

// Source is a store.Source whose States a test sets with Set; subscribers
// run on the goroutine that calls Set. It is safe for concurrent use.
type Source struct {
	mu   sync.Mutex
	st   store.State
	subs map[int]func(store.State)
	n    int
}

// NewSource returns a Source whose State is st until the first Set.
func NewSource(st store.State) *Source {
	return &Source{st: st, subs: map[int]func(store.State){}}
}

// State returns the last State set.
func (s *Source) State() store.State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st
}

// Subscribe calls fn with every State set from now on, until off.
func (s *Source) Subscribe(fn func(store.State)) (off func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	id := s.n
	s.subs[id] = fn
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.subs, id)
	}
}

// Set gives st the next Version, makes it the State and hands it to every
// subscriber; it returns st as published.
func (s *Source) Set(st store.State) store.State {
	s.mu.Lock()
	st.Version = s.st.Version + 1
	s.st = st
	fns := make([]func(store.State), 0, len(s.subs))
	for _, fn := range s.subs {
		fns = append(fns, fn)
	}
	s.mu.Unlock()
	for _, fn := range fns {
		fn(st)
	}
	return st
}

// Subscribers counts the subscriptions not yet ended.
func (s *Source) Subscribers() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.subs)
}
