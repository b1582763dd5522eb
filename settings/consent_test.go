package settings_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/warpdesk/warpdesk/settings"
)

func TestTokenRisks(t *testing.T) {
	ws := func(h string) settings.Risk { return settings.Risk{Kind: settings.RiskCleartextSocket, Host: h} }
	http := func(h string) settings.Risk { return settings.Risk{Kind: settings.RiskCleartextCatchup, Host: h} }
	other := func(h string) settings.Risk { return settings.Risk{Kind: settings.RiskOtherCatchupHost, Host: h} }
	for _, tc := range []struct {
		server, catchup string
		want            []settings.Risk
	}{
		{"wss://ops.example.com/ws", "", nil},
		{"wss://ops.example.com/ws", "https://ops.example.com/api/incidents", nil},
		{"wss://ops.example.com/ws", "https://OPS.example.com./api", nil},
		{"ws://ops.example.com/ws", "", []settings.Risk{ws("ops.example.com")}},
		{"ws://Ops.Example.com:8080/ws", "", []settings.Risk{ws("ops.example.com:8080")}},
		{"ws://127.0.0.1:8088/ws", "http://localhost:8088/api/incidents", nil},
		{"ws://localhost/ws", "", nil},
		{"wss://ops.example.com/ws", "http://ops.example.com/api", []settings.Risk{http("ops.example.com")}},
		{"wss://ops.example.com/ws", "https://collector.example.net/api", []settings.Risk{other("collector.example.net")}},
		{"ws://ops.example.com/ws", "http://evil.example.net:81/x",
			[]settings.Risk{ws("ops.example.com"), http("evil.example.net:81"), other("evil.example.net:81")}},
		{"wss://ops.example.com/ws", "http://127.0.0.1:9/api", []settings.Risk{other("127.0.0.1:9")}},
		{"", "", nil}, // the demo server
	} {
		if got := settings.TokenRisks(tc.server, tc.catchup); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("TokenRisks(%q, %q) = %v, want %v", tc.server, tc.catchup, got, tc.want)
		}
	}
}

func TestCheckTokenRisks(t *testing.T) {
	const srv, cu = "ws://ops.example.com/ws", "https://collector.example.net/api"
	err := settings.CheckTokenRisks(srv, cu, nil)
	var rerr *settings.TokenRiskError
	if !errors.Is(err, settings.ErrTokenRiskUnconfirmed) || !errors.As(err, &rerr) || len(rerr.Risks) != 2 {
		t.Fatalf("CheckTokenRisks = %v, want both risks", err)
	}
	for _, want := range []string{"ops.example.com", "collector.example.net", "-" + settings.ConfirmTokenFlag, "unencrypted"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	accepted := settings.AcceptRisks(settings.TokenRisks(srv, cu))
	if err := settings.CheckTokenRisks(srv, cu, accepted); err != nil {
		t.Fatalf("after confirming: %v", err)
	}
	// A confirmation is for its host only.
	if err := settings.CheckTokenRisks("ws://other.example.com/ws", "", accepted); !errors.Is(err, settings.ErrTokenRiskUnconfirmed) {
		t.Fatalf("consent carried to another host: %v", err)
	}
}

// Confirmations are stored with the settings and dropped when the URL they
// were given for changes.
func TestConfirmedRisksPersist(t *testing.T) {
	s := valid()
	s.Servers[0].URL = "ws://ops.example.com/ws"
	s.ConfirmedRisks = append(settings.AcceptRisks(settings.TokenRisks(s.Servers[0].URL, "")), "cleartext-ws:old.example.com")
	p := mapPrefs{}
	if err := settings.Save(p, s); err != nil {
		t.Fatal(err)
	}
	got, err := settings.Load(p)
	if err != nil || fmt.Sprint(got.ConfirmedRisks) != "[cleartext-ws:ops.example.com]" {
		t.Fatalf("Load: %v, %v", got.ConfirmedRisks, err)
	}
	moved := got
	moved.Servers[0].URL = "ws://new.example.com/ws"
	if n := moved.Normalize(); len(n.ConfirmedRisks) != 0 {
		t.Fatalf("consent kept for a new host: %v", n.ConfirmedRisks)
	}
	if !settings.Changes(s, moved.Normalize()).RisksChanged {
		t.Fatal("Changes misses a changed confirmation")
	}
}
