package ipc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/warpdesk/warpdesk/history"
)

// The window's history searches:
//
//	window → agent: {"t":"history","id":7,"query":"checkout","limit":200}
//	agent → window: {"t":"historyResult","id":7,"records":[…],"more":true,"err":"…"}
//
// The query is at most history.MaxQueryLen bytes and the limit 0 to
// history.MaxLimit (0: history.DefaultLimit); anything else ends the link
// as ErrMalformed, like any malformed command. A reply carries at most
// maxReplyBytes of records (more is set when some were left off), so it
// always fits a line.

// History answers the window's searches; *history.History implements it.
type History interface {
	Search(query string, limit int) ([]history.Record, error)
}

var (
	// ErrNoHistory: the agent keeps no history (it could not open one, or
	// was given none).
	ErrNoHistory = errors.New("ipc: the agent keeps no history")
	// ErrSearchFailed: the agent's history failed the search; the error
	// says why, in the agent's words.
	ErrSearchFailed = errors.New("ipc: history search failed")
	// ErrTooManySearches: maxSearches searches are waiting for the agent
	// already.
	ErrTooManySearches = errors.New("ipc: too many history searches waiting")
)

const (
	// maxReplyBytes bounds the records of one reply, encoded: a thousand
	// records with long descriptions fit, and DefaultMaxLine holds it
	// with room to spare.
	maxReplyBytes = 8 << 20
	// maxSearches bounds the searches one Remote has waiting.
	maxSearches = 8
	// noHistoryErr is the reply's err when the agent has no history.
	noHistoryErr = "no history"
)

// checkQuery reports whether a search's query and limit are in bounds.
func checkQuery(query string, limit int) error {
	if len(query) > history.MaxQueryLen || limit < 0 || limit > history.MaxLimit {
		return fmt.Errorf("%w: a history search takes a query of at most %d bytes and a limit of 0 to %d",
			ErrMalformed, history.MaxQueryLen, history.MaxLimit)
	}
	return nil
}

// answerHistory runs the search m asks for and hands the reply to the
// writer; it waits for the writer (so a window that asks faster than it
// reads is slowed, never queued for) until ctx ends.
func (s *Server) answerHistory(ctx context.Context, m message) {
	reply := message{T: typeHistoryResult, ID: m.ID}
	switch {
	case s.opts.History == nil:
		reply.Err = noHistoryErr
	default:
		rs, err := s.opts.History.Search(m.Query, m.Limit)
		if err != nil {
			reply.Err = err.Error()
		}
		reply.Records, reply.More = fitReply(rs)
	}
	select {
	case s.replies <- reply:
	case <-ctx.Done():
	}
}

// fitReply returns the first records that fit maxReplyBytes, and whether
// any were left off.
func fitReply(rs []history.Record) ([]history.Record, bool) {
	size := 0
	for i, r := range rs {
		b, err := json.Marshal(r)
		if err != nil || size+len(b) > maxReplyBytes {
			return rs[:i], true
		}
		size += len(b) + 1
	}
	return rs, false
}

// searches are a Remote's history searches waiting for their reply.
// The zero value is ready to use.
type searches struct {
	mu      sync.Mutex
	next    uint64
	waiting map[uint64]chan message
}

// add registers a new search; it fails when maxSearches wait already.
func (ss *searches) add() (uint64, chan message, error) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if len(ss.waiting) >= maxSearches {
		return 0, nil, ErrTooManySearches
	}
	if ss.waiting == nil {
		ss.waiting = map[uint64]chan message{}
	}
	ss.next++
	ch := make(chan message, 1)
	ss.waiting[ss.next] = ch
	return ss.next, ch, nil
}

func (ss *searches) remove(id uint64) {
	ss.mu.Lock()
	delete(ss.waiting, id)
	ss.mu.Unlock()
}

// answer hands a reply to its search; one nobody waits for any more (it
// gave up) is dropped.
func (ss *searches) answer(m message) {
	ss.mu.Lock()
	ch := ss.waiting[m.ID]
	delete(ss.waiting, m.ID)
	ss.mu.Unlock()
	if ch != nil {
		ch <- m // cap 1, one reply per id
	}
}

// SearchHistory asks the agent for the settled incidents matching query
// (see history.History.Search), newest first, at most limit (0 means
// history.DefaultLimit). It waits for the answer until ctx ends or the
// link does (Err's error then). A query or limit out of bounds fails at
// once with history.ErrInvalid; an agent without a history answers
// ErrNoHistory; a failed search ErrSearchFailed. more is true when the
// reply had to leave records off to stay within a line.
func (rm *Remote) SearchHistory(ctx context.Context, query string, limit int) (rs []history.Record, more bool, err error) {
	if checkQuery(query, limit) != nil {
		return nil, false, fmt.Errorf("%w: a query of at most %d bytes and a limit of 0 to %d",
			history.ErrInvalid, history.MaxQueryLen, history.MaxLimit)
	}
	id, ch, err := rm.searches.add()
	if err != nil {
		return nil, false, err
	}
	defer rm.searches.remove(id)
	if err := rm.send(message{T: typeHistory, ID: id, Query: query, Limit: limit}); err != nil {
		return nil, false, err
	}
	select {
	case m := <-ch:
		switch {
		case m.Err == noHistoryErr:
			return nil, false, ErrNoHistory
		case m.Err != "":
			return nil, false, fmt.Errorf("%w: %s", ErrSearchFailed, m.Err)
		}
		return m.Records, m.More, nil
	case <-rm.done:
		return nil, false, rm.Err()
	case <-ctx.Done():
		return nil, false, context.Cause(ctx)
	}
}
