package ops_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/ops"
)

func validIncident() ops.Incident {
	return ops.Incident{UUID: "u-1", Title: "API down", Severity: ops.Critical, CreatedAt: 1706803200000}
}

func TestIncidentOptionalFields(t *testing.T) {
	full := validIncident()
	full.Description = "5xx at the edge since the deploy"
	full.URL = "https://ops.example.com/incidents/u-1"
	full.Service = "checkout-api"
	full.AcknowledgedBy, full.AcknowledgedAt = "alice", 1706803260000
	if err := full.Validate(); err != nil {
		t.Fatalf("full incident: %v", err)
	}
	for name, tc := range map[string]func(*ops.Incident){
		"description too long": func(i *ops.Incident) { i.Description = strings.Repeat("x", ops.MaxDescriptionLen+1) },
		"url too long":         func(i *ops.Incident) { i.URL = "https://x/" + strings.Repeat("a", ops.MaxURLLen) },
		"service too long":     func(i *ops.Incident) { i.Service = strings.Repeat("s", ops.MaxNameLen+1) },
		"service not UTF-8":    func(i *ops.Incident) { i.Service = "\xff" },
		"by without at":        func(i *ops.Incident) { i.AcknowledgedAt = 0 },
		"at without by":        func(i *ops.Incident) { i.AcknowledgedBy = "" },
		"by blank":             func(i *ops.Incident) { i.AcknowledgedBy = "  " },
		"by too long":          func(i *ops.Incident) { i.AcknowledgedBy = strings.Repeat("b", ops.MaxNameLen+1) },
		"negative at":          func(i *ops.Incident) { i.AcknowledgedAt = -5 },
	} {
		in := full
		tc(&in)
		if err := in.Validate(); !errors.Is(err, ops.ErrInvalid) {
			t.Errorf("%s: Validate() = %v, want ErrInvalid", name, err)
		}
	}
	// A URL the client would not open is no reason to drop the incident.
	odd := validIncident()
	odd.URL = "javascript:alert(1)"
	if err := odd.Validate(); err != nil {
		t.Errorf("odd URL: Validate() = %v, want nil (Link refuses it instead)", err)
	}
}

func TestIncidentLink(t *testing.T) {
	for raw, want := range map[string]bool{
		"":                                false,
		"https://ops.example.com/i/1":     true,
		"http://127.0.0.1:8088/i/1?x=1":   true,
		"/incidents/1":                    false,
		"javascript:alert(1)":             false,
		"file:///etc/passwd":              false,
		"https:///no-host":                false,
		"ftp://ops.example.com/i/1":       false,
		"https://ops.example.com/%zz":     false,
		"data:text/html,<script>":         false,
		"HTTPS://ops.example.com/upper/1": true,
	} {
		in := validIncident()
		in.URL = raw
		got, ok := in.Link()
		if ok != want || (ok && got != raw) {
			t.Errorf("Link(%q) = %q, %v; want ok %v", raw, got, ok, want)
		}
	}
}

func TestIncidentAcknowledge(t *testing.T) {
	in := validIncident()
	if in.IsAcknowledged() || !in.AcknowledgedTime().IsZero() {
		t.Fatal("a new incident is acknowledged")
	}
	at := time.UnixMilli(1706803260000)
	in = in.Acknowledge(ops.Acknowledgement{UUID: in.UUID, By: "bob", At: at.UnixMilli()})
	if !in.IsAcknowledged() || in.AcknowledgedBy != "bob" || !in.AcknowledgedTime().Equal(at) {
		t.Fatalf("after Acknowledge: %+v", in)
	}
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestAcknowledgementValidate(t *testing.T) {
	good := ops.Acknowledgement{UUID: "u-1", By: "alice", At: 1}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, a := range []ops.Acknowledgement{
		{By: "alice", At: 1},
		{UUID: "u-1", At: 1},
		{UUID: "u-1", By: "alice"},
		{UUID: strings.Repeat("u", ops.MaxUUIDLen+1), By: "alice", At: 1},
	} {
		if err := a.Validate(); !errors.Is(err, ops.ErrInvalid) {
			t.Errorf("%+v: Validate() = %v, want ErrInvalid", a, err)
		}
	}
}

// The optional fields travel in snapshots and survive Clean; an old
// server's incident (none of them) is as valid as before.
func TestSnapshotCarriesOptionalFields(t *testing.T) {
	body := `{"incidents":[
	  {"uuid":"a","title":"A","severity":"critical","createdAt":1,"description":"d","url":"https://x/a","service":"s","acknowledgedBy":"bob","acknowledgedAt":2},
	  {"uuid":"b","title":"B","severity":"info","createdAt":1},
	  {"uuid":"c","title":"C","severity":"info","createdAt":1,"acknowledgedAt":2}]}`
	var snap ops.Snapshot
	if err := json.Unmarshal([]byte(body), &snap); err != nil {
		t.Fatal(err)
	}
	clean, dropped := snap.Clean()
	if dropped != 1 || len(clean.Incidents) != 2 {
		t.Fatalf("Clean: %d dropped, %d kept; want 1, 2", dropped, len(clean.Incidents))
	}
	a := clean.Incidents[0]
	if a.Description != "d" || a.URL != "https://x/a" || a.Service != "s" || a.AcknowledgedBy != "bob" || a.AcknowledgedAt != 2 {
		t.Fatalf("fields lost: %+v", a)
	}
	out, err := json.Marshal(clean.Incidents[1])
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "acknowledged") || strings.Contains(string(out), "description") {
		t.Errorf("absent optional fields are written: %s", out)
	}
}
