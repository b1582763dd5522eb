package settings

import (
	"net/url"
	"strings"
)

// TokenSource says where the token for a connection comes from.
type TokenSource int

const (
	// FromKeyring: the token stored for the server in the OS keyring
	// (TokenStore); look it up there. The default.
	FromKeyring TokenSource = iota
	// FromDemoServer: the built-in demo server this process runs; its
	// token is TokenOrigin.DemoToken.
	FromDemoServer
	// FromDemoFlag: -demo-token, for the server given on the same command
	// line (a demo server started with "warpdesk serve").
	FromDemoFlag
	// FromEnvironment: $WARPDESK_TOKEN, for the server given on the same
	// command line only.
	FromEnvironment
)

// String names the source for logs, never with the token: "keyring",
// "demo server", "-demo-token", "$WARPDESK_TOKEN".
func (s TokenSource) String() string {
	switch s {
	case FromDemoServer:
		return "demo server"
	case FromDemoFlag:
		return "-demo-token"
	case FromEnvironment:
		return "$WARPDESK_TOKEN"
	}
	return "keyring"
}

// TokenOrigin is what this process was started with that can provide a
// token other than the keyring. The zero value means "keyring only".
//
// A token from the command line or the environment is bound to the server
// given on the same command line: it is never sent to a server chosen
// later in Settings, and never stored.
type TokenOrigin struct {
	// DemoServerURL is the URL of the built-in demo server this process
	// runs; "" when none.
	DemoServerURL string
	// DemoToken is the built-in demo server's token.
	DemoToken Secret
	// CommandLineServer is the server given for this run (-server, or
	// $WARPDESK_SERVER); "" when none was given.
	CommandLineServer string
	// DemoFlag is true when -demo-token was given; the token is then
	// DemoFlagToken, for CommandLineServer only.
	DemoFlag      bool
	DemoFlagToken Secret
	// EnvToken is $WARPDESK_TOKEN ("" when unset), for CommandLineServer
	// only.
	EnvToken Secret
}

// TokenChoice is ResolveToken's answer.
type TokenChoice struct {
	Source TokenSource
	// Token is the token to send, except for FromKeyring, where it is ""
	// and the caller asks the TokenStore for serverURL.
	Token Secret
}

// ResolveToken says which token goes to serverURL: the demo server's to
// the built-in demo server; -demo-token's, then $WARPDESK_TOKEN, to the
// server given on the command line (SameServer) and to no other; otherwise
// the keyring's. It is pure: the agent calls it before every dial, so a
// server changed in Settings never receives the environment's token.
func ResolveToken(o TokenOrigin, serverURL string) TokenChoice {
	switch {
	case o.DemoServerURL != "" && SameServer(serverURL, o.DemoServerURL):
		return TokenChoice{Source: FromDemoServer, Token: o.DemoToken}
	case o.CommandLineServer == "" || !SameServer(serverURL, o.CommandLineServer):
		return TokenChoice{Source: FromKeyring}
	case o.DemoFlag:
		return TokenChoice{Source: FromDemoFlag, Token: o.DemoFlagToken}
	case o.EnvToken != "":
		return TokenChoice{Source: FromEnvironment, Token: o.EnvToken}
	}
	return TokenChoice{Source: FromKeyring}
}

// Warnings says, once at start, what the user should know about o, without
// any token: a $WARPDESK_TOKEN or -demo-token with no server on the
// command line is ignored; a $WARPDESK_TOKEN that is used is named (so the
// log says where the token came from). The agent logs each line.
func (o TokenOrigin) Warnings() []string {
	var out []string
	switch {
	case o.EnvToken != "" && o.CommandLineServer == "":
		out = append(out, "$WARPDESK_TOKEN is set but no -server is given on the command line: it is ignored, "+
			"and the token stored for the server in the keyring is used")
	case o.EnvToken != "" && o.DemoFlag:
		out = append(out, "$WARPDESK_TOKEN is ignored: -demo-token is given")
	case o.EnvToken != "":
		out = append(out, "the token for "+RedactURL(o.CommandLineServer)+" comes from $WARPDESK_TOKEN "+
			"(for this server and this run only; it is not stored)")
	}
	if o.DemoFlag && o.CommandLineServer == "" {
		out = append(out, "-demo-token is given without -server: it is ignored")
	}
	return out
}

// SameServer reports whether two WebSocket URLs name the same endpoint:
// scheme, host and port (case-insensitive, default ports made explicit),
// and path (a trailing "/" ignored). Whitespace around them is ignored. A
// URL that does not parse is the same as nothing.
func SameServer(a, b string) bool {
	ka, oka := serverKey(a)
	kb, okb := serverKey(b)
	return oka && okb && ka == kb
}

func serverKey(raw string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return "", false
	}
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		port = map[string]string{"ws": "80", "http": "80", "wss": "443", "https": "443"}[scheme]
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	return scheme + "://" + host + ":" + port + strings.TrimSuffix(u.EscapedPath(), "/") + "?" + u.RawQuery, true
}

// RedactURL returns raw for display and logs: without user-info, query or
// fragment, which may carry credentials. What does not parse becomes
// "(invalid URL)".
func RedactURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "(invalid URL)"
	}
	u.User, u.RawQuery, u.Fragment, u.RawFragment, u.ForceQuery = nil, "", "", "", false
	return u.String()
}
