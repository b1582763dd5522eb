package agent

import (
	"slices"

	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/store"
)

// reloader is a Prefs that another process may have changed
// (*settings.File).
type reloader interface{ Reload() error }

// SettingsChanged re-reads the saved settings (the window's Settings saved
// them) and applies what changed (see apply). Invalid settings in the file
// change nothing. One change at a time, from the reload on: a reload that
// read an older file is never applied after one that read a newer.
func (a *Agent) SettingsChanged() {
	a.applyMu.Lock()
	defer a.applyMu.Unlock()
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

// apply puts next in force in place of old: the connections become those
// of next's enabled servers (applyServers: added, removed, redialled or
// re-roomed, only the servers that changed); a server refused for its token
// is retried, since the token or the confirmed risks may have changed, and
// one whose token changed is redialled with it (redialNewTokens);
// the notifier gets the new rules and the store whether criticals break
// through a pause; a change of Compression redials every server with it. A
// server that cannot be used keeps what it had, and the error says why.
// The caller holds applyMu.
func (a *Agent) apply(old, next settings.Settings) error {
	a.mu.Lock()
	a.cur = next
	a.mu.Unlock()
	err := a.applyServers(next)
	a.mu.Lock()
	for i, sv := range a.cur.Servers { // what could not change is still in force
		if srv := a.conns[sv.ID]; srv != nil {
			a.cur.Servers[i] = srv.cfg.Clone()
		}
	}
	a.mu.Unlock()
	d := settings.Changes(old, next)
	st := a.st.State()
	for _, sv := range st.Servers {
		if sv.Link == store.LinkRejected || d.RisksChanged {
			a.reconnect(sv.ID) // a token refused, or refused for an unconfirmed risk, may go now
		}
	}
	a.redialNewTokens(dialling(old, next, st))
	pauseChanged := old.PauseCriticals != next.PauseCriticals
	if pauseChanged {
		switches(a.st, next)
	}
	if d.RulesChanged || pauseChanged || mutesChanged(d) {
		a.notes.SetRules(rules(next, a.st.State()))
	}
	if old.Compression != next.Compression {
		a.setCompression(next.Compression)
	}
	return err
}

// mutesChanged reports whether a server was muted or unmuted, which the
// notifier's rules carry.
func mutesChanged(d settings.Diff) bool {
	return len(d.ServersAdded) > 0 || len(d.ServersRemoved) > 0 ||
		slices.ContainsFunc(d.Servers, func(s settings.ServerDiff) bool { return s.MutedChanged })
}

// compressor is a Link that can turn permessage-deflate on or off while it
// runs (*conn.Conn: it redials the server with the new option).
type compressor interface{ SetCompression(on bool) error }

// setCompression hands a change of the Compression setting to every
// connection; one that cannot change it keeps its option until the next
// start.
func (a *Agent) setCompression(on bool) {
	for _, l := range a.links("") {
		c, ok := l.(compressor)
		if !ok {
			a.log.Info("compression changed; it applies from the next start", "compression", on)
			continue
		}
		if err := c.SetCompression(on); err != nil {
			a.log.Warn("compression not changed", "compression", on, "err", err)
		}
	}
}
