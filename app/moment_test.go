package app

import (
	"testing"
	"time"
)

func TestAgeByTheMinute(t *testing.T) {
	now := at(17, 35, 0)
	for _, tc := range []struct {
		ago  time.Duration
		want string
	}{
		{-time.Hour, "just now"}, // a clock ahead of ours
		{0, "just now"},
		{5 * time.Second, "just now"},
		{59 * time.Second, "just now"},
		{time.Minute, "1 min ago"},
		{2*time.Minute + 59*time.Second, "2 min ago"},
		{time.Hour, "1 h ago"},
		{3*time.Hour + 2*time.Minute, "3 h 2 min ago"},
		{24 * time.Hour, "1 d ago"},
		{52*time.Hour + 30*time.Minute, "2 d 4 h ago"},
	} {
		if got := Age(now, now.Add(-tc.ago)); got != tc.want {
			t.Errorf("Age(%v ago) = %q, want %q", tc.ago, got, tc.want)
		}
	}
}

// Ages never change within a minute: a shown dashboard must not repaint
// every second for them (issue 9, idle; the old ages read "5s ago").
func TestAgesChangeAtMostOnceAMinute(t *testing.T) {
	created := at(17, 0, 0)
	for s := range 60 {
		now := created.Add(time.Duration(s) * time.Second)
		if Age(now, created) != Age(created, created) {
			t.Fatalf("the age changed %ds after: %q", s, Age(now, created))
		}
	}
}

// The instant each time-dependent text is said to change is exact: the
// text reads the same until just before it and differently from it on.
func TestNextChangeIsExact(t *testing.T) {
	base := at(17, 35, 0)
	texts := map[string]func(m *moment, t time.Time) string{
		"age":   (*moment).age,
		"dueIn": (*moment).dueIn,
		"clock": (*moment).clock,
	}
	for name, text := range texts {
		for _, off := range []time.Duration{-50 * time.Hour, -3*time.Hour - 7*time.Second, -61 * time.Second,
			-time.Second, 0, 999 * time.Millisecond, 12 * time.Second, 59*time.Second + 1, 61 * time.Second,
			3*time.Minute + 30*time.Second, 2*time.Hour + 5*time.Minute} {
			for _, now := range []time.Time{base, base.Add(17 * time.Second), base.Add(23*time.Hour + 59*time.Minute)} {
				tt := now.Add(off)
				m := newMoment(now)
				s := text(m, tt)
				next := m.Next()
				if next.IsZero() {
					continue // never changes ("now" once due)
				}
				if !next.After(now) {
					t.Fatalf("%s(%v at %v): next %v is not later", name, tt, now, next)
				}
				if before := text(newMoment(next.Add(-time.Millisecond)), tt); before != s {
					t.Errorf("%s(%v): %q at %v but %q just before the next change %v", name, tt, s, now, before, next)
				}
				if at := text(newMoment(next), tt); at == s {
					t.Errorf("%s(%v): %q at %v and still at the next change %v", name, tt, s, now, next)
				}
			}
		}
	}
}

func TestDueIn(t *testing.T) {
	now := at(17, 35, 0)
	for _, tc := range []struct {
		in   time.Duration
		want string
	}{
		{-time.Second, "now"}, {0, "now"}, {300 * time.Millisecond, "in 1s"}, {12 * time.Second, "in 12s"},
		{time.Minute, "in 60s"}, {61 * time.Second, "in 2 min"}, {3 * time.Minute, "in 3 min"},
		{2*time.Hour + 5*time.Minute, "in 2 h 5 min"},
	} {
		if got := dueIn(now, now.Add(tc.in)); got != tc.want {
			t.Errorf("dueIn(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
