package settingsui

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/settings"
)

// A real demo server on loopback, with its own token.
func startDemo(t *testing.T, token string) *demo.Server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := demo.Start(ctx, "127.0.0.1:0", demo.Options{Token: token, Seed: 1, Initial: 2,
		Interval: -1, BurstEvery: -1, DropEvery: -1})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); srv.Close() })
	return srv
}

func TestProbe(t *testing.T) {
	srv := startDemo(t, "right-token")
	closed := func() string { // a port nobody listens on
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		return "ws://" + ln.Addr().String() + "/ws"
	}()
	for _, tc := range []struct {
		name, url, catchup string
		token              settings.Secret
		ok                 bool
		want               string
	}{
		{"right token", srv.URL(), "", "right-token", true, "accepted the token; 2 open incidents"},
		{"wrong token", srv.URL(), "", "wrong-token", false, "rejected the token"},
		{"no token", srv.URL(), "", "", false, "token"},
		{"nobody listens", closed, "", "right-token", false, "connection refused"},
		{"bad URL", "http://x", "", "right-token", false, "Cannot test"},
		{"wrong catch-up path", srv.URL(), srv.HTTPURL() + "/nothing", "right-token", false, "HTTP 404"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Probe(context.Background(), tc.url, tc.catchup, nil, tc.token)
			if got.OK != tc.ok || !strings.Contains(got.Message, tc.want) {
				t.Fatalf("Probe = %+v, want ok %v and %q", got, tc.ok, tc.want)
			}
			if tc.token != "" && strings.Contains(got.Message, tc.token.Reveal()) {
				t.Fatalf("the message holds the token: %q", got.Message)
			}
		})
	}
}
