package agent

import (
	"github.com/warpdesk/warpdesk/history"
	"github.com/warpdesk/warpdesk/ipc"
	"github.com/warpdesk/warpdesk/store"
)

// startHistory opens the incident history in the user's data directory
// (history.DefaultPath) and records every incident the store settles —
// resolved, or acknowledged by someone — until the agent closes. It
// returns what answers the window's searches, or nil when there is no
// history this run: another Warpdesk holds it (history.ErrLocked, after
// history.DefaultTimeout), or the directory cannot be written. That is
// logged and the agent runs on without one; a corrupt file never stops
// it (history.Open moves it aside). Run calls it once, before the first
// window.
func (a *Agent) startHistory() ipc.History {
	log := a.log.With("component", "history")
	path, err := history.DefaultPath()
	if err != nil {
		log.Warn("no incident history this run", "err", err)
		return nil
	}
	h, err := history.Open(path, history.Options{Logger: log})
	if err != nil {
		log.Warn("no incident history this run", "err", err)
		return nil
	}
	rec := history.NewRecorder(h, log)
	recordSettled(a.st, rec)
	// Closed last, after the store: Close delivers the Settled events
	// still queued (the connections' last ones too) before the recorder
	// writes them and the file closes. (The closers run in reverse.)
	a.closer = append([]func(){func() {
		rec.Close() // writes what is queued
		if err := h.Close(); err != nil {
			log.Warn("closing the history", "err", err)
		}
	}}, a.closer...)
	log.Info("incident history", "path", path)
	return h
}

// recordSettled hands every store.Settled of st to rec (which never
// blocks the store's dispatcher) until off is called or st closes.
func recordSettled(st *store.Store, rec *history.Recorder) (off func()) {
	return st.SubscribeEvents(func(ev store.Event, s store.State) {
		if e, ok := ev.(store.Settled); ok {
			rec.Record(settledRecord(e, s))
		}
	})
}

// settledRecord is the history's record of e, with the server's name as
// s shows it.
func settledRecord(e store.Settled, s store.State) history.Record {
	r := history.Record{Incident: e.Incident.Incident, Server: e.Incident.Server, Resolved: e.Resolved, Away: e.Away, At: e.At}
	for _, sv := range s.Servers {
		if sv.ID == r.Server {
			r.ServerName = sv.Name
		}
	}
	return r
}
