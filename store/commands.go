package store

import (
	"time"

	"github.com/warpdesk/warpdesk/ops"
)

// Acknowledge marks the open incident uuid of server (its ServerState.ID)
// as seen by the user (State's Incident.Acked); an unknown server or
// incident is ignored. The store's own mark is local to this desktop: the
// agent's Commands send it to the server as well (see Feed.AckSent).
func (s *Store) Acknowledge(server, uuid string) {
	s.apply(func(_ time.Time, c *change) {
		if srv := s.byID[server]; srv != nil && srv.inc.mark(uuid, func(in *Incident) { in.Acked = true }) {
			c.dirty, c.inc = true, true
		}
	})
}

// AcknowledgeAllCritical acknowledges every open critical incident of
// server (its ServerState.ID; "" every server) here (see Acknowledge); an
// unknown server is ignored.
func (s *Store) AcknowledgeAllCritical(server string) {
	s.apply(func(_ time.Time, c *change) {
		for _, srv := range s.servers {
			if server != "" && s.byID[server] != srv {
				continue
			}
			if srv.inc.acknowledge(func(in *Incident) bool { return in.Severity == ops.Critical }) > 0 {
				c.dirty, c.inc = true, true
			}
		}
	})
}

// Reconnect calls the Reconnect hook (see SetHooks) with server (its
// ServerState.ID; "" for every server).
func (s *Store) Reconnect(server string) {
	s.mu.Lock()
	f := s.hooks.Reconnect
	s.mu.Unlock()
	if f != nil {
		f(server)
	}
}

// SettingsChanged calls the SettingsChanged hook (see SetHooks).
func (s *Store) SettingsChanged() {
	s.mu.Lock()
	f := s.hooks.SettingsChanged
	s.mu.Unlock()
	if f != nil {
		f()
	}
}

// Pause pauses notifications until the instant until (State.PausedUntil)
// and publishes PauseStarted; a zero or past instant resumes at once
// (PauseEnded, Early). The pause ends by itself at until (PauseEnded), also
// when the machine slept through it.
func (s *Store) Pause(until time.Time) {
	s.apply(func(now time.Time, c *change) {
		paused := !s.st.PausedUntil.IsZero()
		if s.pauseTimer != nil {
			s.pauseTimer.Stop()
			s.pauseTimer = nil
		}
		if !until.After(now) {
			if paused {
				s.st.PausedUntil = time.Time{}
				c.emit(PauseEnded{Early: true})
			}
			return
		}
		s.st.PausedUntil = until
		s.armPauseLocked(now)
		c.emit(PauseStarted{Until: until, CriticalsBreakPause: s.st.CriticalsBreakPause})
	})
}

// armPauseLocked sets the timer that ends the pause. When it fires early
// (the wall clock was set back), it sets itself again.
func (s *Store) armPauseLocked(now time.Time) {
	s.pauseGen++
	gen := s.pauseGen
	s.pauseTimer = s.clock.AfterFunc(s.st.PausedUntil.Sub(now), func() {
		s.apply(func(now time.Time, _ *change) {
			if gen == s.pauseGen && !s.st.PausedUntil.IsZero() {
				s.armPauseLocked(now)
			}
		})
	})
}

// expirePauseLocked ends a pause whose end has passed. Every input checks,
// not only the timer: a monotonic timer does not run while the machine is
// suspended.
func (s *Store) expirePauseLocked(now time.Time, c *change) {
	if s.st.PausedUntil.IsZero() || now.Before(s.st.PausedUntil) {
		return
	}
	s.st.PausedUntil = time.Time{}
	if s.pauseTimer != nil {
		s.pauseTimer.Stop()
		s.pauseTimer = nil
	}
	c.emit(PauseEnded{})
}

// SetCriticalsBreakPause sets whether criticals notify despite a pause
// (State.CriticalsBreakPause; true by default), from the settings.
func (s *Store) SetCriticalsBreakPause(on bool) {
	s.apply(func(_ time.Time, c *change) {
		if s.st.CriticalsBreakPause != on {
			s.st.CriticalsBreakPause, c.dirty = on, true
		}
	})
}
