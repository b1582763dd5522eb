package ops_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/warpdesk/warpdesk/ops"
)

// FuzzIncident: whatever a server sends, decoding, validating and taking
// the link never panic, and a valid incident's link is http or https.
func FuzzIncident(f *testing.F) {
	f.Add(`{"uuid":"a","title":"A","severity":"critical","createdAt":1,"url":"https://x/a","acknowledgedBy":"bob","acknowledgedAt":2}`)
	f.Add(`{"uuid":"a","title":"A","severity":"info","createdAt":1,"url":"javascript:alert(1)"}`)
	f.Add(`{"uuid":"a","url":"http://[::1]:namedport"}`)
	f.Fuzz(func(t *testing.T, body string) {
		var in ops.Incident
		if json.Unmarshal([]byte(body), &in) != nil {
			return
		}
		_ = in.Validate()
		if link, ok := in.Link(); ok {
			l := strings.ToLower(link)
			if !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://") {
				t.Fatalf("Link() = %q, not http or https", link)
			}
		}
		_ = in.AcknowledgedTime()
		var a ops.Acknowledgement
		if json.Unmarshal([]byte(body), &a) == nil {
			_ = a.Validate()
		}
	})
}
