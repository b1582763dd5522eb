package settings

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// RiskKind is a way a token could travel that the user must confirm first.
type RiskKind int

const (
	// RiskCleartextSocket: the server URL is ws:// to a host that is not
	// this machine; the token crosses the network unencrypted.
	RiskCleartextSocket RiskKind = iota + 1
	// RiskCleartextCatchup: the catch-up URL is http:// to a host that is
	// not this machine; "Authorization: Bearer" crosses it unencrypted.
	RiskCleartextCatchup
	// RiskOtherCatchupHost: the catch-up URL's host is not the server's,
	// so the token goes to a second party.
	RiskOtherCatchupHost
)

// Risk is one confirmation needed before the token is sent: what, and to
// which host. A confirmation is for that host only (Key).
type Risk struct {
	Kind RiskKind
	// Host is the host the token would go to, lower case, with the port
	// when the URL has one.
	Host string
}

// Key identifies the risk and its host, as Settings.ConfirmedRisks
// stores confirmations: "cleartext-ws:host", "cleartext-http:host",
// "other-host:host".
func (r Risk) Key() string {
	prefix := map[RiskKind]string{RiskCleartextSocket: "cleartext-ws:", RiskCleartextCatchup: "cleartext-http:",
		RiskOtherCatchupHost: "other-host:"}[r.Kind]
	return prefix + r.Host
}

// Message says the risk in one sentence, for a confirmation in the window
// or an error on the command line.
func (r Risk) Message() string {
	switch r.Kind {
	case RiskCleartextSocket:
		return fmt.Sprintf("ws:// sends your token to %s unencrypted, readable on the network (use wss:// if the server supports it)", r.Host)
	case RiskCleartextCatchup:
		return fmt.Sprintf("the http:// catch-up URL sends your token to %s unencrypted, readable on the network (use https://)", r.Host)
	case RiskOtherCatchupHost:
		return fmt.Sprintf("the catch-up URL sends your token to %s, which is not the server's host", r.Host)
	}
	return "unknown risk"
}

// TokenRisks returns what the user must confirm before a token is sent to
// serverURL and to catchupURL ("" means derived from serverURL: same host,
// http:// for ws://, so it adds nothing). Loopback hosts never need
// confirmation. Invalid URLs and the demo server ("") give none: validation
// refuses the former, the latter is local. The UI asks for each risk; the
// command line refuses unless a flag confirms (CheckTokenRisks). The same
// rule holds on every path.
func TokenRisks(serverURL, catchupURL string) []Risk {
	var out []Risk
	srv, err := url.Parse(strings.TrimSpace(serverURL))
	if err != nil || srv.Hostname() == "" {
		return nil
	}
	if strings.EqualFold(srv.Scheme, "ws") && !isLoopback(normHost(srv.Hostname())) {
		out = append(out, Risk{Kind: RiskCleartextSocket, Host: strings.ToLower(srv.Host)})
	}
	cu, err := url.Parse(strings.TrimSpace(catchupURL))
	if strings.TrimSpace(catchupURL) == "" || err != nil || cu.Hostname() == "" {
		return out
	}
	host := normHost(cu.Hostname())
	if strings.EqualFold(cu.Scheme, "http") && !isLoopback(host) {
		out = append(out, Risk{Kind: RiskCleartextCatchup, Host: strings.ToLower(cu.Host)})
	}
	if srvHost := normHost(srv.Hostname()); host != srvHost && !(isLoopback(host) && isLoopback(srvHost)) {
		out = append(out, Risk{Kind: RiskOtherCatchupHost, Host: strings.ToLower(cu.Host)})
	}
	return out
}

func normHost(h string) string { return strings.ToLower(strings.TrimSuffix(h, ".")) }

// Unconfirmed returns the risks whose Key is not in accepted.
func Unconfirmed(risks []Risk, accepted []string) []Risk {
	var out []Risk
	for _, r := range risks {
		if !slices.Contains(accepted, r.Key()) {
			out = append(out, r)
		}
	}
	return out
}

// AcceptRisks returns the keys of risks, for Settings.ConfirmedRisks or
// for a command-line flag that confirms every risk of the URLs it was
// given with.
func AcceptRisks(risks []Risk) []string {
	out := make([]string, 0, len(risks))
	for _, r := range risks {
		out = append(out, r.Key())
	}
	return out
}

// ConfirmTokenFlag is the command-line flag that confirms the risks of the
// -server and -catchup-url given with it (without the dash).
const ConfirmTokenFlag = "confirm-token-risks"

// ErrTokenRiskUnconfirmed matches a *TokenRiskError.
var ErrTokenRiskUnconfirmed = errors.New("sending the token needs your confirmation")

// TokenRiskError is the refusal to send a token while risks are
// unconfirmed. It matches ErrTokenRiskUnconfirmed.
type TokenRiskError struct {
	Risks []Risk
}

func (e *TokenRiskError) Error() string {
	msgs := make([]string, len(e.Risks))
	for i, r := range e.Risks {
		msgs[i] = r.Message()
	}
	return "token not sent: " + strings.Join(msgs, "; ") +
		". Confirm in Settings, or with -" + ConfirmTokenFlag + " on the command line"
}

// Unwrap returns ErrTokenRiskUnconfirmed.
func (e *TokenRiskError) Unwrap() error { return ErrTokenRiskUnconfirmed }

// CheckTokenRisks returns a *TokenRiskError naming every risk of sending
// the token to serverURL and catchupURL that accepted does not confirm, or
// nil. Call it before each use of a token (not when there is none).
func CheckTokenRisks(serverURL, catchupURL string, accepted []string) error {
	if left := Unconfirmed(TokenRisks(serverURL, catchupURL), accepted); len(left) > 0 {
		return &TokenRiskError{Risks: left}
	}
	return nil
}
