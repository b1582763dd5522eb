package ack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/settings"
)

// resolveToken finds the token for server as the app would
// (settings.ResolveToken): -demo-token or $WARPDESK_TOKEN for a server
// given on the command line, otherwise the keyring's entry for server.
// It refuses to hand out a token whose risks are not confirmed.
func resolveToken(ctx context.Context, cfg config, server string, saved settings.Settings, env Env, stderr io.Writer) (settings.Secret, error) {
	origin := settings.TokenOrigin{
		CommandLineServer: cfg.server,
		DemoFlag:          cfg.demoToken,
		DemoFlagToken:     ops.DemoToken,
		EnvToken:          settings.Secret(env.Getenv("WARPDESK_TOKEN")),
	}
	choice := settings.ResolveToken(origin, server)
	if choice.Source != settings.FromEnvironment { // then the only line says so: no news
		for _, w := range origin.Warnings() {
			fmt.Fprintf(stderr, "warpdesk ack: warning: %s\n", w)
		}
	}
	tok := choice.Token
	if choice.Source == settings.FromKeyring {
		store := env.Tokens
		if store == nil {
			store = settings.NewTokenStore(settings.TokenStoreOptions{})
		}
		var err error
		if tok, err = store.Get(ctx, server); err != nil {
			return "", keyringProblem(err, server)
		}
	}
	if err := settings.ValidateToken(tok); err != nil {
		return "", fmt.Errorf("the token from %s: %w", choice.Source, err)
	}
	accepted := slices.Clone(saved.ConfirmedRisks)
	if cfg.confirmRisks && cfg.server != "" {
		accepted = append(accepted, settings.AcceptRisks(settings.TokenRisks(cfg.server, ""))...)
	}
	if err := settings.CheckTokenRisks(server, "", accepted); err != nil {
		return "", err
	}
	return tok, nil
}

// keyringProblem explains a failed keyring read.
func keyringProblem(err error, server string) error {
	if errors.Is(err, settings.ErrNoToken) {
		return fmt.Errorf("no token for %s: save it in Warpdesk's Settings, or give -server with $WARPDESK_TOKEN set: %w",
			settings.RedactURL(server), err)
	}
	return fmt.Errorf("%s: %w", settings.TokenProblem(err, false), err)
}
