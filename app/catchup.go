package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/warpdesk/warpdesk/ops"
)

// CatchUpURL derives the catch-up endpoint from the WebSocket URL: ws → http,
// wss → https, same host, path ops.IncidentsPath, plus one room= parameter
// per room.
//
//	CatchUpURL("wss://ops.example.com/ws", nil) == "https://ops.example.com/api/incidents"
func CatchUpURL(wsURL string, rooms []string) (string, error) {
	u, err := url.Parse(wsURL)
	if err != nil {
		return "", fmt.Errorf("catch-up URL: %w", err)
	}
	switch strings.ToLower(u.Scheme) {
	case "ws":
		u.Scheme = "http"
	case "wss":
		u.Scheme = "https"
	default:
		return "", fmt.Errorf("catch-up URL: %q is not a ws:// or wss:// URL", u.Redacted())
	}
	if u.Host == "" {
		return "", fmt.Errorf("catch-up URL: %q has no host", u.Redacted())
	}
	u.Path, u.RawPath, u.Fragment, u.User = ops.IncidentsPath, "", "", nil
	return withRooms(u, rooms), nil
}

// withRooms returns u with room= parameters for rooms added to its query.
func withRooms(u *url.URL, rooms []string) string {
	q := u.Query()
	for _, r := range rooms {
		q.Add("room", r)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// parseHTTP parses an http(s) URL.
func parseHTTP(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("catch-up URL: %w", err)
	}
	if s := strings.ToLower(u.Scheme); (s != "http" && s != "https") || u.Host == "" {
		return nil, fmt.Errorf("catch-up URL: %q is not an http:// or https:// URL", u.Redacted())
	}
	return u, nil
}

// maxSnapshotBytes bounds what a catch-up response may weigh.
const maxSnapshotBytes = 8 << 20

// FetchSnapshot GETs the catch-up endpoint. The token, when not empty, goes
// in an Authorization: Bearer header. The body may be a Snapshot object or a
// bare JSON array of incidents; invalid and duplicate entries are dropped
// (dropped says how many).
func FetchSnapshot(ctx context.Context, hc *http.Client, endpoint, token string) (snap ops.Snapshot, dropped int, err error) {
	if hc == nil {
		hc = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return snap, 0, fmt.Errorf("catch-up: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return snap, 0, fmt.Errorf("catch-up: %w", redactURLError(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxSnapshotBytes+1))
	if err != nil {
		return snap, 0, fmt.Errorf("catch-up: reading the response: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return snap, 0, fmt.Errorf("catch-up: server answered %s", resp.Status)
	}
	if len(body) > maxSnapshotBytes {
		return snap, 0, fmt.Errorf("catch-up: response larger than %d bytes", maxSnapshotBytes)
	}
	snap, err = decodeSnapshot(body)
	if err != nil {
		return snap, 0, fmt.Errorf("catch-up: %w", err)
	}
	snap, dropped = snap.Clean()
	return snap, dropped, nil
}

func decodeSnapshot(body []byte) (ops.Snapshot, error) {
	var snap ops.Snapshot
	trimmed := strings.TrimSpace(string(body))
	if strings.HasPrefix(trimmed, "[") {
		err := json.Unmarshal(body, &snap.Incidents)
		return snap, err
	}
	if !strings.HasPrefix(trimmed, "{") {
		return snap, errors.New("response is not JSON")
	}
	err := json.Unmarshal(body, &snap)
	return snap, err
}

// redactURLError keeps the error's cause but drops the URL's query and user
// info, which may carry secrets on a configured server.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			u.RawQuery, u.User = "", nil
			return &url.Error{Op: ue.Op, URL: u.String(), Err: ue.Err}
		}
	}
	return err
}
