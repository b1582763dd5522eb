package ops_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/warpdesk/warpdesk/ops"
)

func TestSeverityOrder(t *testing.T) {
	all := ops.Severities()
	if !slices.IsSortedFunc(all, func(a, b ops.Severity) int { return a.Rank() - b.Rank() }) || all[0] != ops.Critical {
		t.Fatalf("Severities() = %v, not most severe first", all)
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

func TestSeverityLabelAndParse(t *testing.T) {
	for in, want := range map[string]ops.Severity{"critical": ops.Critical, " CRIT ": ops.Critical, "Warn": ops.Warning, "warning": ops.Warning, "INFO": ops.Info} {
		got, err := ops.ParseSeverity(in)
		if err != nil || got != want {
			t.Errorf("ParseSeverity(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "sev1", "<b>"} {
		if _, err := ops.ParseSeverity(in); !errors.Is(err, ops.ErrInvalid) {
			t.Errorf("ParseSeverity(%q) error %v, want ErrInvalid", in, err)
		}
	}
	for s, want := range map[ops.Severity]string{ops.Critical: "Critical", ops.Warning: "Warning", ops.Info: "Info", "x": "Unknown"} {
		if s.Label() != want {
			t.Errorf("%q.Label() = %q", s, s.Label())
		}
	}
}
