package settings

import (
	"context"
	"errors"
	"slices"
)

// TokenPlan is what the keyring needs when the saved servers change from
// one Settings to another (TokenChanges): the entries no server uses any
// more, and the servers whose token must be entered again.
//
// Tokens are keyed by TokenUser(URL), the URL's host[:port]. A server
// whose URL is edited keeps its entry as long as the host and port stay
// (a new path, wss:// for ws://). When the host or port changes, the token
// is not moved to the new host's entry: a token is a credential for one
// server, and carrying it to another host unasked would send it to a party
// the user never gave it to (a typo in the new host name is enough). The
// old entry is deleted and the user is asked for the token of the new
// host (Reenter); until then the server connects without one.
type TokenPlan struct {
	// Delete are the URLs (of the old Settings) whose keyring entries
	// must go: their server was removed, or moved to another host, and no
	// server of the new Settings uses the entry.
	Delete []string
	// Reenter are the IDs of the servers whose URL now names another host
	// than before: their token must be entered again.
	Reenter []string
}

// TokenChanges returns the keyring work for a save from old to new. The
// built-in demo server never has an entry.
func TokenChanges(old, new Settings) TokenPlan {
	old, new = old.Normalize(), new.Normalize()
	var p TokenPlan
	used := map[string]bool{}
	for _, sv := range new.Servers {
		if !sv.IsDemo() {
			used[TokenUser(sv.URL)] = true
		}
	}
	seen := map[string]bool{}
	for _, sv := range old.Servers {
		u := TokenUser(sv.URL)
		if sv.IsDemo() || used[u] || seen[u] {
			continue
		}
		seen[u] = true
		p.Delete = append(p.Delete, sv.URL)
	}
	for _, sv := range new.Servers {
		o, ok := old.Server(sv.ID)
		if ok && !sv.IsDemo() && (o.IsDemo() || TokenUser(o.URL) != TokenUser(sv.URL)) {
			p.Reenter = append(p.Reenter, sv.ID)
		}
	}
	return p
}

// Needed reports whether server id must have its token entered again.
func (p TokenPlan) Needed(id string) bool { return slices.Contains(p.Reenter, id) }

// Apply deletes the entries of p.Delete from the keyring, each bounded by
// the store's timeout and by ctx. It returns every failure joined (each
// matching ErrKeyringUnavailable and friends); entries that are already
// gone are no error.
func (p TokenPlan) Apply(ctx context.Context, tokens *TokenStore) error {
	var errs []error
	for _, u := range p.Delete {
		if err := tokens.Delete(ctx, u); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
