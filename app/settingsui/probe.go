package settingsui

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/gorilla/websocket"

	"github.com/warpdesk/warpdesk/conn"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/socket"
)

// ProbeTimeout bounds one "Test connection", dial to answer.
const ProbeTimeout = 10 * time.Second

// rejectWait is how long Probe listens after the auth frame for the server
// to refuse the token by closing the connection.
const rejectWait = 1500 * time.Millisecond

// ProbeResult is what "Test connection" found, said plainly.
type ProbeResult struct {
	// OK is true when the server took the connection (and the token, when
	// one was sent) and answered the catch-up request.
	OK bool
	// Message is one sentence for the user; it never contains the token or
	// the URL's credentials.
	Message string
}

// ProbeFunc tests a server the way Warpdesk uses it (NewWindow's tests
// pass a fake).
type ProbeFunc func(ctx context.Context, serverURL, catchupURL string, rooms []string, token settings.Secret) ProbeResult

// Probe tries serverURL as the agent would, once and bounded by ctx: a
// WebSocket dial, the auth frame when token is not empty, a short wait for
// the server to refuse it (a rejecting close code, socket.DefaultRejectCodes),
// then the catch-up request (catchupURL, or derived from serverURL) with
// the token as a Bearer header. It leaves nothing running. The caller checks
// the token's consent (settings.CheckTokenRisks) first.
func Probe(ctx context.Context, serverURL, catchupURL string, rooms []string, token settings.Secret) ProbeResult {
	ctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
	defer cancel()
	if err := settings.ValidateServerURL(serverURL); err != nil {
		return ProbeResult{Message: "Cannot test: " + err.Error() + "."}
	}
	if res, ok := probeSocket(ctx, strings.TrimSpace(serverURL), token); !ok {
		return res
	}
	endpoint := strings.TrimSpace(catchupURL)
	if endpoint == "" {
		var err error
		if endpoint, err = conn.CatchUpURL(strings.TrimSpace(serverURL), rooms); err != nil {
			return ProbeResult{Message: "Connected, but the catch-up URL cannot be derived: " + err.Error()}
		}
	}
	return probeCatchUp(ctx, endpoint, token)
}

// probeSocket dials and authenticates; ok is false with the reason when
// that failed.
func probeSocket(ctx context.Context, serverURL string, token settings.Secret) (ProbeResult, bool) {
	d := websocket.Dialer{Proxy: http.ProxyFromEnvironment, HandshakeTimeout: ProbeTimeout}
	ws, resp, err := d.DialContext(ctx, serverURL, nil)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		if resp != nil && resp.StatusCode != 0 {
			return ProbeResult{Message: fmt.Sprintf("The server refused the WebSocket connection (HTTP %d).", resp.StatusCode)}, false
		}
		return ProbeResult{Message: "Cannot connect: " + describeDial(err) + "."}, false
	}
	defer ws.Close()
	if token != "" {
		frame, _ := json.Marshal(map[string]string{"type": ops.AuthName, "token": token.Reveal()})
		_ = ws.SetWriteDeadline(time.Now().Add(rejectWait))
		if err := ws.WriteMessage(websocket.TextMessage, frame); err != nil {
			return ProbeResult{Message: "Connected, but sending the token failed: " + describeDial(err) + "."}, false
		}
	}
	deadline := time.Now().Add(rejectWait)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	_ = ws.SetReadDeadline(deadline)
	for {
		_, _, err := ws.ReadMessage()
		if err == nil {
			continue // pongs, envelopes: the server talks, it did not refuse
		}
		var ce *websocket.CloseError
		var ne net.Error
		switch {
		case errors.As(err, &ce) && slices.Contains(socket.DefaultRejectCodes, ce.Code):
			if token == "" {
				return ProbeResult{Message: fmt.Sprintf("The server requires a token (close %d): paste it in the token field.", ce.Code)}, false
			}
			return ProbeResult{Message: fmt.Sprintf("The server rejected the token (close %d).", ce.Code)}, false
		case errors.As(err, &ce):
			return ProbeResult{Message: fmt.Sprintf("The server closed the connection (close %d).", ce.Code)}, false
		case errors.As(err, &ne) && ne.Timeout():
			_ = ws.WriteControl(websocket.CloseMessage,
				websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
			return ProbeResult{}, true // no refusal in time: accepted
		default:
			return ProbeResult{Message: "The connection dropped: " + describeDial(err) + "."}, false
		}
	}
}

// probeCatchUp asks for the open incidents, as the agent does after
// connecting.
func probeCatchUp(ctx context.Context, endpoint string, token settings.Secret) ProbeResult {
	tr := &http.Transport{Proxy: http.ProxyFromEnvironment}
	defer tr.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return ProbeResult{Message: "Connected, but the catch-up URL is not valid."}
	}
	req.Header.Set("Accept", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token.Reveal())
	}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return ProbeResult{Message: "Connected, but the catch-up request failed: " + describeDial(err) + "."}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		if token == "" {
			return ProbeResult{Message: fmt.Sprintf("Connected, but the server needs a token to list incidents (HTTP %d): paste it in the token field.", resp.StatusCode)}
		}
		return ProbeResult{Message: fmt.Sprintf("Connected, but the server refused the token for catch-up (HTTP %d).", resp.StatusCode)}
	case resp.StatusCode != http.StatusOK:
		return ProbeResult{Message: fmt.Sprintf("Connected, but catch-up answered HTTP %d.", resp.StatusCode)}
	}
	var snap ops.Snapshot
	if err := json.Unmarshal(body, &snap); err != nil {
		return ProbeResult{Message: "Connected, but catch-up did not answer with incidents (is the catch-up URL right?)."}
	}
	how := "the server accepted the token"
	if token == "" {
		how = "no token needed"
	}
	return ProbeResult{OK: true, Message: fmt.Sprintf("Connected: %s; %s.", how, openCount(len(snap.Incidents)))}
}

func openCount(n int) string {
	switch n {
	case 0:
		return "no open incidents"
	case 1:
		return "1 open incident"
	}
	return fmt.Sprintf("%d open incidents", n)
}

// describeDial says in a few words why a connection failed, without the
// URL (which may carry credentials).
func describeDial(err error) string {
	var (
		dns   *net.DNSError
		x509u x509.UnknownAuthorityError
		x509h x509.HostnameError
	)
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused (is the server running, and the port right?)"
	case errors.Is(err, context.DeadlineExceeded):
		return "no answer in time"
	case errors.As(err, &dns):
		return "server not found"
	case errors.As(err, &x509u), errors.As(err, &x509h):
		return "the server's certificate is not trusted"
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return "network unreachable"
	case errors.Is(err, websocket.ErrBadHandshake):
		return "not a WebSocket server"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "no answer in time"
	}
	return "network error"
}
