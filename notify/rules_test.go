package notify_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/ops"
)

func TestUrgencyOf(t *testing.T) {
	for s, u := range map[ops.Severity]notify.Urgency{ops.Critical: notify.Critical, ops.Warning: notify.Normal, ops.Info: notify.Low, "": notify.Low, "bogus": notify.Low} {
		if got := notify.UrgencyOf(s); got != u {
			t.Errorf("UrgencyOf(%q) = %v, want %v", s, got, u)
		}
	}
}

func TestTimeOfDay(t *testing.T) {
	for in, want := range map[string]notify.TimeOfDay{"22:00": notify.At(22, 0), "7:30": notify.At(7, 30), "00:00": 0, " 23:59 ": notify.At(23, 59)} {
		got, err := notify.ParseTimeOfDay(in)
		if err != nil || got != want {
			t.Errorf("ParseTimeOfDay(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "24:00", "12:60", "12", "noon", "12:00:00", "-1:00"} {
		if _, err := notify.ParseTimeOfDay(in); err == nil {
			t.Errorf("ParseTimeOfDay(%q): no error", in)
		}
	}
	if s := notify.At(7, 5).String(); s != "07:05" {
		t.Errorf("String = %q", s)
	}
	if notify.At(25, 0) != notify.At(1, 0) || notify.At(0, -1) != notify.At(23, 59) {
		t.Error("At must wrap into one day")
	}
}

func day(h, m int) time.Time { return time.Date(2026, 3, 14, h, m, 0, 0, time.UTC) }

func TestQuietHours(t *testing.T) {
	overnight := notify.QuietHours{Enabled: true, Start: notify.At(22, 0), End: notify.At(7, 0)}
	daytime := notify.QuietHours{Enabled: true, Start: notify.At(12, 0), End: notify.At(13, 30)}
	tests := []struct {
		q    notify.QuietHours
		at   time.Time
		want bool
	}{
		{overnight, day(21, 59), false},
		{overnight, day(22, 0), true},
		{overnight, day(23, 59), true},
		{overnight, day(0, 0), true},
		{overnight, day(6, 59), true},
		{overnight, day(7, 0), false}, // End is exclusive
		{overnight, day(12, 0), false},
		{daytime, day(11, 59), false},
		{daytime, day(12, 0), true},
		{daytime, day(13, 29), true},
		{daytime, day(13, 30), false},
		{notify.QuietHours{Enabled: false, Start: notify.At(0, 0), End: notify.At(23, 59)}, day(12, 0), false},
		{notify.QuietHours{Enabled: true, Start: notify.At(9, 0), End: notify.At(9, 0)}, day(9, 0), false}, // empty span
	}
	for _, tt := range tests {
		if got := tt.q.Contains(tt.at); got != tt.want {
			t.Errorf("%v–%v enabled=%v at %s: %v, want %v", tt.q.Start, tt.q.End, tt.q.Enabled, tt.at.Format("15:04"), got, tt.want)
		}
	}
	// Evaluated in the time's own location: 23:00 in Berlin is quiet even
	// though it is 22:00 UTC... and 21:30 UTC is not quiet in UTC.
	berlin := time.FixedZone("CET", 3600)
	if !overnight.Contains(time.Date(2026, 3, 14, 22, 30, 0, 0, time.UTC).In(berlin)) {
		t.Error("quiet hours must use the time's location")
	}
	if overnight.Contains(time.Date(2026, 3, 14, 20, 30, 0, 0, time.UTC).In(berlin)) {
		t.Error("21:30 local is not quiet")
	}
}

func TestRulesCheck(t *testing.T) {
	now := day(23, 0)
	crit := ops.Incident{UUID: "1", Title: "db down", Severity: ops.Critical, Room: "ops"}
	warn := ops.Incident{UUID: "2", Title: "disk 80%", Severity: ops.Warning, Room: "ops"}
	info := ops.Incident{UUID: "3", Title: "deploy", Severity: ops.Info, Room: "ci"}
	quiet := notify.QuietHours{Enabled: true, Start: notify.At(22, 0), End: notify.At(7, 0)}
	tests := []struct {
		name string
		r    notify.Rules
		inc  ops.Incident
		want notify.Decision
	}{
		{"zero rules notify info", notify.Rules{}, info, notify.Notify},
		{"below minimum", notify.Rules{MinSeverity: ops.Warning}, info, notify.BelowMinimum},
		{"at minimum", notify.Rules{MinSeverity: ops.Warning}, warn, notify.Notify},
		{"muted room", notify.Rules{MutedRooms: []string{"ops"}}, crit, notify.Muted},
		{"other room not muted", notify.Rules{MutedRooms: []string{"ops"}}, info, notify.Notify},
		{"quiet hours silence warning", notify.Rules{QuietHours: quiet}, warn, notify.Quiet},
		{"quiet hours let critical through", notify.Rules{QuietHours: quiet}, crit, notify.Notify},
		{"pause silences warning", notify.Rules{PausedUntil: now.Add(time.Minute)}, warn, notify.Paused},
		{"critical breaks through a pause", notify.Rules{PausedUntil: now.Add(time.Minute)}, crit, notify.Notify},
		{"pause that holds criticals", notify.Rules{PausedUntil: now.Add(time.Minute), PauseCriticals: true}, crit, notify.Paused},
		{"pause over", notify.Rules{PausedUntil: now, PauseCriticals: true}, crit, notify.Notify},
		{"pause wins over mute", notify.Rules{PausedUntil: now.Add(time.Hour), MutedRooms: []string{"ops"}}, warn, notify.Paused},
		{"a muted room stays muted for a critical in a pause", notify.Rules{PausedUntil: now.Add(time.Hour), MutedRooms: []string{"ops"}}, crit, notify.Muted},
	}
	for _, tt := range tests {
		if got := tt.r.Check("", tt.inc, now); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestPauseHelpers(t *testing.T) {
	now := time.Date(2026, 3, 14, 23, 30, 0, 0, time.UTC)
	if got := notify.PauseFor(now, time.Hour); !got.Equal(now.Add(time.Hour)) {
		t.Errorf("PauseFor = %v", got)
	}
	if got, want := notify.PauseUntilTomorrow(now), time.Date(2026, 3, 15, 8, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("PauseUntilTomorrow(23:30) = %v, want %v", got, want)
	}
	if got, want := notify.PauseUntilTomorrow(time.Date(2026, 12, 31, 9, 0, 0, 0, time.UTC)), time.Date(2027, 1, 1, 8, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("PauseUntilTomorrow(new year's eve) = %v, want %v", got, want)
	}
	// Across a DST change: still 08:00 on the wall clock.
	if loc, err := time.LoadLocation("Europe/Berlin"); err == nil {
		got := notify.PauseUntilTomorrow(time.Date(2026, 3, 28, 22, 0, 0, 0, loc))
		if got.Hour() != 8 || got.Day() != 29 {
			t.Errorf("PauseUntilTomorrow across DST = %v", got)
		}
	}
}

func TestTimeOfDayText(t *testing.T) {
	var q struct{ Start, End notify.TimeOfDay }
	if err := json.Unmarshal([]byte(`{"Start":"22:00","End":" 7:30 "}`), &q); err != nil || q.Start != notify.At(22, 0) || q.End != notify.At(7, 30) {
		t.Fatalf("unmarshal: %+v, %v", q, err)
	}
	b, err := json.Marshal(q)
	if err != nil || string(b) != `{"Start":"22:00","End":"07:30"}` {
		t.Fatalf("marshal: %s, %v", b, err)
	}
	for _, bad := range []string{`{"Start":"25:00"}`, `{"Start":"07:60"}`, `{"Start":"noon"}`, `{"Start":""}`} {
		if err := json.Unmarshal([]byte(bad), &q); !errors.Is(err, notify.ErrTimeOfDay) {
			t.Errorf("%s: error %v, want ErrTimeOfDay", bad, err)
		}
	}
	if _, err := json.Marshal(struct{ T notify.TimeOfDay }{24 * 60}); !errors.Is(err, notify.ErrTimeOfDay) {
		t.Errorf("marshal out of range: %v", err)
	}
}

func TestQuietHoursValidate(t *testing.T) {
	for _, tc := range []struct {
		q  notify.QuietHours
		ok bool
	}{
		{notify.QuietHours{Enabled: true, Start: notify.At(22, 0), End: notify.At(7, 0)}, true},
		{notify.QuietHours{Start: notify.At(22, 0), End: notify.At(22, 0)}, true}, // off: harmless
		{notify.QuietHours{Enabled: true, Start: notify.At(12, 0), End: notify.At(12, 0)}, false},
		{notify.QuietHours{Start: -1, End: notify.At(7, 0)}, false},
		{notify.QuietHours{Start: 0, End: 24 * 60}, false},
	} {
		if err := tc.q.Validate(); (err == nil) != tc.ok || (err != nil && !errors.Is(err, notify.ErrTimeOfDay)) {
			t.Errorf("%+v.Validate() = %v", tc.q, err)
		}
	}
}
