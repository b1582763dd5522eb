package settings_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/settings/keyringtest"
)

func TestTokenChanges(t *testing.T) {
	old := two() // ops.example.com (default) and staging.example.com (s-b)
	for _, tc := range []struct {
		name         string
		modify       func(*settings.Settings)
		del, reenter []string
	}{
		{"nothing", func(*settings.Settings) {}, nil, nil},
		{"rules only", func(s *settings.Settings) { s.MinSeverity = settings.SeverityInfo }, nil, nil},
		{"server removed", func(s *settings.Settings) { s.Servers = s.Servers[:1] }, []string{"wss://staging.example.com/ws"}, nil},
		{"new path, same host: same entry", func(s *settings.Settings) { s.Servers[1].URL = "wss://staging.example.com/v2/ws" }, nil, nil},
		{"another host", func(s *settings.Settings) { s.Servers[1].URL = "wss://stage2.example.com/ws" },
			[]string{"wss://staging.example.com/ws"}, []string{"s-b"}},
		{"another port", func(s *settings.Settings) { s.Servers[1].URL = "wss://staging.example.com:8443/ws" },
			[]string{"wss://staging.example.com/ws"}, []string{"s-b"}},
		{"host handed to a new server", func(s *settings.Settings) {
			s.Servers[1] = settings.Server{ID: "s-c", URL: "wss://staging.example.com/ws"}
		}, nil, nil},
		{"demo replaces a server", func(s *settings.Settings) { s.Servers[1].URL = "" }, []string{"wss://staging.example.com/ws"}, nil},
		{"demo becomes a server", func(s *settings.Settings) { s.Servers = append(s.Servers, settings.Server{ID: "d"}) }, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := old.Clone()
			tc.modify(&n)
			p := settings.TokenChanges(old, n)
			if !slices.Equal(p.Delete, tc.del) || !slices.Equal(p.Reenter, tc.reenter) {
				t.Fatalf("TokenChanges = %+v, want delete %v reenter %v", p, tc.del, tc.reenter)
			}
		})
	}
	withDemo := old.Clone()
	withDemo.Servers[1].URL = ""
	back := withDemo.Clone()
	back.Servers[1].URL = "wss://new.example.com/ws"
	if p := settings.TokenChanges(withDemo, back); !p.Needed("s-b") || len(p.Delete) != 0 {
		t.Fatalf("demo to a real server: %+v", p)
	}
}

func TestTokenPlanApply(t *testing.T) {
	kr := &keyringtest.Memory{}
	tokens := settings.NewTokenStore(settings.TokenStoreOptions{Keyring: kr})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	old := two()
	for _, sv := range old.Servers {
		if err := tokens.Set(ctx, sv.URL, settings.Secret("tok-"+sv.ID)); err != nil {
			t.Fatal(err)
		}
	}
	n := old.Clone()
	n.Servers = n.Servers[:1]
	if err := settings.TokenChanges(old, n).Apply(ctx, tokens); err != nil {
		t.Fatal(err)
	}
	if _, err := tokens.Get(ctx, old.Servers[1].URL); !errors.Is(err, settings.ErrNoToken) {
		t.Fatalf("removed server's token: %v", err)
	}
	if tok, err := tokens.Get(ctx, old.Servers[0].URL); err != nil || tok.Reveal() != "tok-default" {
		t.Fatalf("kept server's token: %v", err)
	}
	// Deleting again (a second save) is no error.
	if err := settings.TokenChanges(old, n).Apply(ctx, tokens); err != nil {
		t.Fatal(err)
	}
}

// The real Secret Service: two servers' tokens are two entries; removing a
// server deletes its own entry and nothing else.
func TestServerTokensRealKeyring(t *testing.T) {
	keyringtest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tokens := settings.NewTokenStore(settings.TokenStoreOptions{})
	old := two()
	want := map[string]string{"ops.example.com": "tok-prod-SECRET", "staging.example.com": "tok-staging-SECRET"}
	for _, sv := range old.Servers {
		if err := tokens.Set(ctx, sv.URL, settings.Secret(want[settings.TokenUser(sv.URL)])); err != nil {
			t.Fatalf("Set(%s) = %v", sv.URL, err)
		}
	}
	for user, tok := range want { // straight from the daemon: one entry each
		if got, err := keyring.Get(settings.KeyringService, user); err != nil || got != tok {
			t.Fatalf("entry %s: %v (right token: %v)", user, err, got == tok)
		}
	}

	n := old.Clone()
	n.Servers = n.Servers[:1] // Staging removed
	if err := settings.TokenChanges(old, n).Apply(ctx, tokens); err != nil {
		t.Fatal(err)
	}
	if _, err := keyring.Get(settings.KeyringService, "staging.example.com"); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("removed server's entry: %v, want it gone", err)
	}
	if got, err := keyring.Get(settings.KeyringService, "ops.example.com"); err != nil || got != want["ops.example.com"] {
		t.Fatalf("other server's entry: %v", err)
	}
	fresh := settings.NewTokenStore(settings.TokenStoreOptions{}) // as at the next start
	if tok, err := fresh.Get(ctx, n.Servers[0].URL); err != nil || tok.Reveal() != want["ops.example.com"] {
		t.Fatalf("kept server's token at the next start: %v", err)
	}
	if err := fresh.Wait(ctx); err != nil {
		t.Fatal(err)
	}
}

// The single-server version stored its token with go-keyring under the
// server's host:port; after the migration the one server finds it in the
// real Secret Service, with no keyring change.
func TestMigratedServerFindsItsTokenRealKeyring(t *testing.T) {
	keyringtest.Start(t)
	if err := keyring.Set(settings.KeyringService, "ops.example.com:8080", "tok-v1-SECRET"); err != nil {
		t.Fatal(err)
	}
	f := openFile(t, copyV1(t))
	s, err := settings.Load(f)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tokens := settings.NewTokenStore(settings.TokenStoreOptions{})
	if tok, err := tokens.Get(ctx, s.Servers[0].URL); err != nil || tok.Reveal() != "tok-v1-SECRET" {
		t.Fatalf("the migrated server's token: %v", err)
	}
	if err := tokens.Wait(ctx); err != nil {
		t.Fatal(err)
	}
}

// copyV1 copies testdata/settings-v1.json (a file of the single-server
// version) to a temporary settings file and returns its path.
func copyV1(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("testdata/settings-v1.json")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
