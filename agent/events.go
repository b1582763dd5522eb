package agent

import (
	"context"
	"errors"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/store"
)

// event hands the store's events to the notifier, on the store's
// dispatcher goroutine: frame → conn → store → here → Notifier, with the
// incident validated once, where it entered.
func (a *Agent) event(ev store.Event, st store.State) {
	switch e := ev.(type) {
	case store.Opened:
		a.notes.Incident(e.Incident.Incident)
	case store.Revealed:
		found := make([]ops.Incident, len(e.Incidents))
		for i, in := range e.Incidents {
			found[i] = in.Incident
		}
		a.notes.Revealed(found)
	case store.LinkLost:
		a.notes.ConnectionLost(e.At)
	case store.LinkRestored:
		a.notes.ConnectionRestored(e.At)
	case store.PauseStarted, store.PauseEnded:
		a.mu.Lock()
		cur := a.cur
		a.mu.Unlock()
		a.notes.SetRules(rules(cur, st))
	}
}

// token supplies the token before every dial and catch-up: the one
// settings.ResolveToken chooses for the server in force (the demo
// server's, the command line's for the command line's server only, else
// the keyring's), refused while sending it carries an unconfirmed risk.
func (a *Agent) token(ctx context.Context) (string, error) {
	a.mu.Lock()
	cur, origin := a.cur, a.origin
	server := cur.ServerURL
	if cur.UsesDemo() {
		server = origin.DemoServerURL
	}
	a.mu.Unlock()
	choice := settings.ResolveToken(origin, server)
	if choice.Source == settings.FromDemoServer {
		return choice.Token.Reveal(), nil
	}
	tok := choice.Token
	if choice.Source == settings.FromKeyring {
		var err error
		if tok, err = a.tokens.Get(ctx, server); err != nil {
			if errors.Is(err, settings.ErrNoToken) {
				return "", nil // no token: the server may not need one
			}
			return "", err
		}
	}
	if tok.IsZero() {
		return "", nil
	}
	if err := settings.CheckTokenRisks(server, cur.CatchupURL, cur.ConfirmedRisks); err != nil {
		return "", err
	}
	a.log.Debug("token", "from", choice.Source.String())
	return tok.Reveal(), nil
}
