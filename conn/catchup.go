package conn

import (
	"bytes"
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
	u, err := catchUpBase(wsURL, "")
	if err != nil {
		return "", err
	}
	return withRooms(u, rooms), nil
}

// catchUpBase is the catch-up URL without room parameters: override when
// set (an http(s) URL), else derived from the WebSocket URL.
func catchUpBase(wsURL, override string) (*url.URL, error) {
	if override != "" {
		u, err := url.Parse(override)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrCatchUpURL, err)
		}
		if s := strings.ToLower(u.Scheme); (s != "http" && s != "https") || u.Host == "" {
			return nil, fmt.Errorf("%w: %q is not an http:// or https:// URL", ErrCatchUpURL, u.Redacted())
		}
		return u, nil
	}
	u, err := url.Parse(wsURL)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCatchUpURL, err)
	}
	switch strings.ToLower(u.Scheme) {
	case "ws":
		u.Scheme = "http"
	case "wss":
		u.Scheme = "https"
	default:
		return nil, fmt.Errorf("%w: %q is not a ws:// or wss:// URL", ErrCatchUpURL, u.Redacted())
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%w: %q has no host", ErrCatchUpURL, u.Redacted())
	}
	u.Path, u.RawPath, u.Fragment, u.User = ops.IncidentsPath, "", "", nil
	return u, nil
}

// withRooms returns a copy of u with room= parameters added to its query.
func withRooms(base *url.URL, rooms []string) string {
	u := *base
	q := u.Query()
	for _, r := range rooms {
		q.Add("room", r)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// maxSnapshotBytes bounds what a catch-up response may weigh.
const maxSnapshotBytes = 8 << 20

// FetchSnapshot GETs a catch-up endpoint (see CatchUpURL) once. The token,
// when not empty, goes in an Authorization: Bearer header. The body may be
// an ops.Snapshot object or a bare JSON array of incidents, up to 8 MiB.
// Entries are not validated here: Store.CaughtUp does that, once. Errors:
// a *StatusError for a status other than 200 (matching ErrCatchUpRefused
// for 401 and 403), ErrBadSnapshot for a body that is not a snapshot, the
// transport's error (without the URL's query) otherwise; Describe puts
// them in words.
func FetchSnapshot(ctx context.Context, hc *http.Client, endpoint, token string) (ops.Snapshot, error) {
	var snap ops.Snapshot
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return snap, err
	}
	req.Header.Set("Accept", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return snap, redactURLError(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxSnapshotBytes+1))
	if err != nil {
		return snap, fmt.Errorf("reading the response: %w", err)
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return snap, &StatusError{Code: resp.StatusCode, Err: ErrCatchUpRefused}
	case resp.StatusCode != http.StatusOK:
		return snap, &StatusError{Code: resp.StatusCode}
	case len(body) > maxSnapshotBytes:
		return snap, fmt.Errorf("%w: larger than %d bytes", ErrBadSnapshot, maxSnapshotBytes)
	}
	return decodeSnapshot(body)
}

func decodeSnapshot(body []byte) (ops.Snapshot, error) {
	var snap ops.Snapshot
	var err error
	switch trimmed := bytes.TrimSpace(body); {
	case bytes.HasPrefix(trimmed, []byte("[")):
		err = json.Unmarshal(body, &snap.Incidents)
	case bytes.HasPrefix(trimmed, []byte("{")):
		err = json.Unmarshal(body, &snap)
	default:
		err = errors.New("not JSON")
	}
	if err != nil {
		return ops.Snapshot{}, fmt.Errorf("%w: %v", ErrBadSnapshot, err)
	}
	return snap, nil
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
