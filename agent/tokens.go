package agent

import (
	"context"
	"crypto/sha256"
	"errors"
	"slices"
	"time"

	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/store"
)

// tokenCheckTimeout bounds the keyring lookups of redialNewTokens.
const tokenCheckTimeout = 5 * time.Second

// tokenFor supplies srv's token before every dial and catch-up (see
// token), remembering a digest of what it handed out.
func (a *Agent) tokenFor(srv *server) func(ctx context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		a.mu.Lock()
		sv := srv.cfg
		a.mu.Unlock()
		tok, err := a.token(ctx, sv)
		if err != nil {
			return "", err
		}
		sum := sha256.Sum256([]byte(tok))
		a.mu.Lock()
		srv.sent = &sum
		a.mu.Unlock()
		return tok, nil
	}
}

// token is the token of sv: the one settings.ResolveToken chooses for its
// URL (the demo server's, the command line's for the command line's
// server only, else the keyring's entry for that URL), refused while
// sending it carries an unconfirmed risk. No token is no error: the
// server may not need one.
func (a *Agent) token(ctx context.Context, sv settings.Server) (string, error) {
	a.mu.Lock()
	origin, confirmed := a.origin, slices.Clone(a.cur.ConfirmedRisks)
	a.mu.Unlock()
	url := sv.URL
	if sv.IsDemo() {
		url = origin.DemoServerURL
	}
	choice := settings.ResolveToken(origin, url)
	if choice.Source == settings.FromDemoServer {
		return choice.Token.Reveal(), nil
	}
	tok := choice.Token
	if choice.Source == settings.FromKeyring {
		var err error
		if tok, err = a.tokens.Get(ctx, url); err != nil {
			if errors.Is(err, settings.ErrNoToken) {
				return "", nil
			}
			return "", err
		}
	}
	if tok.IsZero() {
		return "", nil
	}
	if err := settings.CheckTokenRisks(url, sv.CatchupURL, confirmed); err != nil {
		return "", err
	}
	a.log.Debug("token", "server", sv.Label(), "from", choice.Source.String())
	return tok.Reveal(), nil
}

// redialer is a Link that can dial its server again while it runs
// (*conn.Conn: the new dial asks for the token anew, the list is kept).
type redialer interface{ Redial() error }

// redialNewTokens redials every connected server whose token is no longer
// the one its connection was given: Settings stored another, or forgot
// it, and told the agent (SettingsChanged) without the settings file
// changing. A user who saves a new token expects it in use at once (what
// they do as the token's user is done as the new one), not from the next
// reconnect, which may be days away. Servers dialling anyway are left
// out (dialling: added, moved to another URL, refused and retried), and
// so is every server whose token is unchanged.
func (a *Agent) redialNewTokens(dialling func(id string) bool) {
	ctx, cancel := context.WithTimeout(context.Background(), tokenCheckTimeout)
	defer cancel()
	for _, id := range a.serverIDs() {
		srv := a.server(id)
		if srv == nil || dialling(id) {
			continue
		}
		a.mu.Lock()
		sv, sent := srv.cfg, srv.sent
		a.mu.Unlock()
		if sent == nil {
			continue // not dialled yet: the first dial asks
		}
		tok, err := a.token(ctx, sv)
		if err != nil {
			a.log.Warn("token not checked; a change applies from the next dial", "server", sv.Label(), "err", err)
			continue
		}
		if sha256.Sum256([]byte(tok)) == *sent {
			continue
		}
		r, ok := srv.link.(redialer)
		if !ok {
			a.log.Info("token changed; it applies from the next dial", "server", sv.Label())
			continue
		}
		a.log.Info("token changed: redialling", "server", sv.Label())
		if err := r.Redial(); err != nil {
			a.log.Warn("not redialled with the new token", "server", sv.Label(), "err", err)
		}
	}
}

// dialling reports, for apply, which servers dial anyway after the change
// from old to next: added or enabled, moved to another URL, or refused
// (retried: rejected, or every server when the confirmed risks changed).
func dialling(old, next settings.Settings, st store.State) func(id string) bool {
	d := settings.Changes(old, next)
	return func(id string) bool {
		if d.RisksChanged || slices.Contains(d.ServersAdded, id) {
			return true
		}
		for _, sd := range d.Servers {
			if sd.ID == id && (sd.ServerChanged || sd.EnabledChanged) {
				return true
			}
		}
		for _, sv := range st.Servers {
			if sv.ID == id && sv.Link == store.LinkRejected {
				return true
			}
		}
		return false
	}
}
