package conn_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/warpdesk/warpdesk/conn"
)

func TestCatchUpURL(t *testing.T) {
	for _, tc := range []struct {
		ws    string
		rooms []string
		want  string
		err   bool
	}{
		{"ws://127.0.0.1:8088/ws", nil, "http://127.0.0.1:8088/api/incidents", false},
		{"wss://ops.example.com/socket", nil, "https://ops.example.com/api/incidents", false},
		{"WSS://ops.example.com/ws?x=1#frag", nil, "https://ops.example.com/api/incidents?x=1", false},
		{"wss://user:pw@ops.example.com/ws", nil, "https://ops.example.com/api/incidents", false},
		{"ws://h/ws", []string{"ops", "pay ments"}, "http://h/api/incidents?room=ops&room=pay+ments", false},
		{"http://h/ws", nil, "", true},
		{"ws:///ws", nil, "", true},
		{"::", nil, "", true},
	} {
		got, err := conn.CatchUpURL(tc.ws, tc.rooms)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("CatchUpURL(%q) = %q, %v; want %q, error %v", tc.ws, got, err, tc.want, tc.err)
		}
		if err != nil && !errors.Is(err, conn.ErrCatchUpURL) {
			t.Errorf("CatchUpURL(%q): %v does not match ErrCatchUpURL", tc.ws, err)
		}
	}
}

// The fetch reads the body and leaves validation to the store; its errors
// are short, typed and never carry the token.
func TestFetch(t *testing.T) {
	var gotAuth string
	body, status := "", http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth = r.Header.Get("Authorization")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	defer srv.Close()
	ctx := context.Background()

	body = `{"incidents":[{"uuid":"a","title":"A","severity":"critical","createdAt":1},
		{"uuid":"b","title":"B","severity":"bogus"}],
		"monitors":[{"monitorUuid":"m","name":"M","status":"up","changedAt":1}]}`
	snap, err := conn.Fetch(ctx, srv.Client(), srv.URL, "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Incidents) != 2 || len(snap.Monitors) != 1 || gotAuth != "Bearer s3cret" {
		t.Errorf("snapshot %+v, Authorization %q", snap, gotAuth)
	}
	body = `[{"uuid":"x","title":"X","severity":"warning","createdAt":2}]`
	if snap, err = conn.Fetch(ctx, srv.Client(), srv.URL, ""); err != nil || len(snap.Incidents) != 1 || gotAuth != "" {
		t.Errorf("bare array: %+v, %v, Authorization %q", snap, err, gotAuth)
	}
	for _, bad := range []struct {
		status int
		body   string
		want   error
	}{
		{http.StatusUnauthorized, `{"error":"unauthorized"}`, conn.ErrCatchUpRefused},
		{http.StatusOK, `<html>`, conn.ErrBadSnapshot},
		{http.StatusOK, `{"incidents": "nope"}`, conn.ErrBadSnapshot},
		{http.StatusOK, `{"incidents": [` + strings.Repeat(" ", conn.MaxSnapshotBytes) + `]}`, conn.ErrBadSnapshot},
	} {
		status, body = bad.status, bad.body
		_, err := conn.Fetch(ctx, srv.Client(), srv.URL, "s3cret")
		if !errors.Is(err, bad.want) {
			t.Errorf("status %d body %.20q: %v, want %v", bad.status, bad.body, err, bad.want)
		} else if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("the error leaks the token: %v", err)
		}
	}
	status, body = http.StatusServiceUnavailable, "down"
	var se *conn.StatusError
	if _, err := conn.Fetch(ctx, srv.Client(), srv.URL, ""); !errors.As(err, &se) || se.Code != 503 {
		t.Errorf("503: %v", err)
	}
}

func TestFetchUnreachableKeepsQueryOut(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/api/incidents?token=s3cret"
	srv.Close()
	_, err := conn.Fetch(context.Background(), http.DefaultClient, url, "")
	if err == nil {
		t.Fatal("no error from a closed server")
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Errorf("the error leaks the query: %v", err)
	}
}
