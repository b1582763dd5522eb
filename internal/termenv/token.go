package termenv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/settings"
)

// Token finds the token for t.Server as the app would
// (settings.ResolveToken): -demo-token or $WARPDESK_TOKEN for a server
// given on the command line, otherwise the keyring's entry for the server
// (the only case that touches the keyring, and so the session bus). What
// the user should know about the token's origin goes to warn as
// "cmd: warning: …" lines. It refuses a token whose risks (sending it to
// Server or catchUpURL, "" for derived) are not confirmed, in the saved
// settings or by -confirm-token-risks.
func (t Target) Token(ctx context.Context, env Env, catchUpURL, cmd string, warn io.Writer) (settings.Secret, settings.TokenSource, error) {
	origin := settings.TokenOrigin{
		CommandLineServer: t.Flags.Server,
		DemoFlag:          t.Flags.DemoToken,
		DemoFlagToken:     ops.DemoToken,
		EnvToken:          settings.Secret(env.Get("WARPDESK_TOKEN")),
	}
	choice := settings.ResolveToken(origin, t.Server)
	if choice.Source != settings.FromEnvironment { // then the only line says so: no news
		for _, w := range origin.Warnings() {
			fmt.Fprintf(warn, "%s: warning: %s\n", cmd, w)
		}
	}
	tok := choice.Token
	if choice.Source == settings.FromKeyring {
		store := env.Tokens
		if store == nil {
			store = settings.NewTokenStore(settings.TokenStoreOptions{})
		}
		var err error
		if tok, err = store.Get(ctx, t.Server); err != nil {
			return "", choice.Source, keyringProblem(err, t.Server)
		}
	}
	if err := settings.ValidateToken(tok); err != nil {
		return "", choice.Source, fmt.Errorf("the token from %s: %w", choice.Source, err)
	}
	accepted := slices.Clone(t.Saved.ConfirmedRisks)
	if t.Flags.ConfirmRisks && t.Flags.Server != "" {
		accepted = append(accepted, settings.AcceptRisks(settings.TokenRisks(t.Flags.Server, catchUpURL))...)
	}
	if err := settings.CheckTokenRisks(t.Server, catchUpURL, accepted); err != nil {
		return "", choice.Source, err
	}
	return tok, choice.Source, nil
}

// keyringProblem explains a failed keyring read.
func keyringProblem(err error, server string) error {
	if errors.Is(err, settings.ErrNoToken) {
		return fmt.Errorf("no token for %s: save it in Warpdesk's Settings, or give -server with $WARPDESK_TOKEN set: %w",
			settings.RedactURL(server), err)
	}
	return fmt.Errorf("%s: %w", settings.TokenProblem(err, false), err)
}
