package ops_test

import (
	"testing"

	"github.com/warpdesk/warpdesk/ops"
)

func TestSeverityOrder(t *testing.T) {
	if !(ops.Critical.Rank() < ops.Warning.Rank() && ops.Warning.Rank() < ops.Info.Rank() && ops.Info.Rank() < ops.Severity("x").Rank()) {
		t.Fatal("Rank is not most severe first")
	}
	for _, tc := range []struct {
		s, min ops.Severity
		want   bool
	}{
		{ops.Critical, ops.Warning, true},
		{ops.Warning, ops.Warning, true},
		{ops.Info, ops.Warning, false},
		{ops.Info, "", true},          // the zero threshold lets everything through
		{"bogus", ops.Info, false},    // invalid ranks below info
		{"CRITICAL", ops.Info, false}, // no normalisation: the wire value is exact
	} {
		if got := tc.s.AtLeast(tc.min); got != tc.want {
			t.Errorf("%q.AtLeast(%q) = %v, want %v", tc.s, tc.min, got, tc.want)
		}
	}
}

func TestSeverityLabel(t *testing.T) {
	for s, want := range map[ops.Severity]string{ops.Critical: "Critical", ops.Warning: "Warning", ops.Info: "Info", "x": "Unknown"} {
		if s.Label() != want {
			t.Errorf("%q.Label() = %q", s, s.Label())
		}
	}
}
