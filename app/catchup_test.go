package app

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
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
		got, err := CatchUpURL(tc.ws, tc.rooms)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("CatchUpURL(%q) = %q, %v; want %q, error %v", tc.ws, got, err, tc.want, tc.err)
		}
	}
}

func TestFetchSnapshot(t *testing.T) {
	var gotAuth string
	body := ""
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth = r.Header.Get("Authorization")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	defer srv.Close()
	ctx := context.Background()

	body = `{"incidents":[{"uuid":"a","title":"A","severity":"critical","createdAt":1},
		{"uuid":"","title":"no uuid","severity":"info"},
		{"uuid":"b","title":"B","severity":"bogus"},
		{"uuid":"a","title":"dup","severity":"info"}],
		"monitors":[{"monitorUuid":"m","name":"M","status":"up","changedAt":1}]}`
	snap, dropped, err := FetchSnapshot(ctx, nil, srv.URL, "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Incidents) != 1 || snap.Incidents[0].Title != "A" || dropped != 3 || len(snap.Monitors) != 1 {
		t.Errorf("snapshot %+v dropped %d", snap, dropped)
	}
	if gotAuth != "Bearer s3cret" {
		t.Errorf("Authorization %q", gotAuth)
	}

	body = `[{"uuid":"x","title":"X","severity":"warning","createdAt":2}]`
	if snap, _, err = FetchSnapshot(ctx, nil, srv.URL, ""); err != nil || len(snap.Incidents) != 1 {
		t.Errorf("bare array: %+v, %v", snap, err)
	}
	if gotAuth != "" {
		t.Errorf("no token, yet Authorization %q", gotAuth)
	}

	for _, bad := range []struct {
		status int
		body   string
	}{
		{http.StatusUnauthorized, `{"error":"unauthorized"}`},
		{http.StatusOK, `<html>`},
		{http.StatusOK, `{"incidents": "nope"}`},
		{http.StatusOK, `{"incidents": [` + strings.Repeat(" ", maxSnapshotBytes) + `]}`},
	} {
		status, body = bad.status, bad.body
		if _, _, err := FetchSnapshot(ctx, nil, srv.URL, "s3cret"); err == nil {
			t.Errorf("status %d body %.20q: no error", bad.status, bad.body)
		} else if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("the error leaks the token: %v", err)
		}
	}
}

func TestFetchSnapshotUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/api/incidents?token=s3cret"
	srv.Close()
	_, _, err := FetchSnapshot(context.Background(), nil, url, "")
	if err == nil {
		t.Fatal("no error from a closed server")
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Errorf("the error leaks the query: %v", err)
	}
}
