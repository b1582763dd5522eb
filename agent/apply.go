package agent

import (
	"fmt"
	"slices"

	"github.com/warpdesk/warpdesk/settings"
)

// reloader is a Prefs that another process may have changed
// (*settings.File).
type reloader interface{ Reload() error }

// SettingsChanged re-reads the saved settings (the window's Settings saved
// them) and applies what changed (see apply). Invalid settings in the file
// change nothing.
func (a *Agent) SettingsChanged() {
	if r, ok := a.prefs.(reloader); ok {
		if err := r.Reload(); err != nil {
			// What a failed reload leaves is the defaults, not the user's
			// edit: applying them would switch a real server to the demo.
			a.log.Warn("settings file unreadable; keeping the settings in force", "err", err)
			return
		}
	}
	saved, err := settings.Load(a.prefs)
	if err != nil {
		a.log.Warn("saved settings are not valid; keeping the settings in force", "err", err)
		return
	}
	a.mu.Lock()
	old, oldSaved := a.cur, a.saved
	a.mu.Unlock()
	next := merge(old, oldSaved, saved)
	if err := a.apply(old, next); err != nil {
		a.log.Warn("settings not applied; keeping the settings in force", "err", err)
		return
	}
	a.mu.Lock()
	a.saved = saved
	a.mu.Unlock()
}

// apply puts next in force in place of old: a new server is dialled (with
// the new rooms and catch-up URL), otherwise rooms are joined and left
// and the catch-up URL changed; the notifier gets the new rules and the
// store whether criticals break through a pause; a change of Compression
// redials the server with it. Nothing
// changes when the new server cannot be used: old stays in force, and the
// error says why.
func (a *Agent) apply(old, next settings.Settings) error {
	d := settings.Changes(old, next)
	a.mu.Lock()
	a.cur = next // the token for a new server is looked up by a.cur
	a.mu.Unlock()
	switch {
	case d.ServerChanged:
		server, name, err := a.endpoint(next)
		if err == nil {
			err = a.link.SetServer(server, name, next.CatchupURL)
		}
		if err != nil {
			a.mu.Lock()
			a.cur = old
			a.mu.Unlock()
			return fmt.Errorf("server %s: %w", settings.RedactURL(next.ServerURL), err)
		}
		a.link.SetRooms(rooms(next))
	default:
		if d.CatchupChanged {
			if err := a.link.SetCatchUpURL(next.CatchupURL); err != nil {
				a.mu.Lock()
				a.cur = old
				a.mu.Unlock()
				return fmt.Errorf("catch-up URL: %w", err)
			}
		}
		if !slices.Equal(rooms(old), rooms(next)) {
			a.link.SetRooms(rooms(next))
		}
		if d.RisksChanged {
			a.link.Reconnect() // a token refused for an unconfirmed risk may go now
		}
	}
	pauseChanged := old.PauseCriticals != next.PauseCriticals
	if pauseChanged {
		switches(a.st, next)
	}
	if d.RulesChanged || pauseChanged {
		a.notes.SetRules(rules(next, a.st.State()))
	}
	if old.Compression != next.Compression {
		a.setCompression(next.Compression)
	}
	return nil
}

// compressor is a Link that can turn permessage-deflate on or off while it
// runs (*conn.Conn: it redials the server with the new option).
type compressor interface{ SetCompression(on bool) error }

// setCompression hands a change of the Compression setting to the link; a
// link that cannot change it keeps its option until the next start.
func (a *Agent) setCompression(on bool) {
	c, ok := a.link.(compressor)
	if !ok {
		a.log.Info("compression changed; it applies from the next start", "compression", on)
		return
	}
	if err := c.SetCompression(on); err != nil {
		a.log.Warn("compression not changed", "compression", on, "err", err)
	}
}
