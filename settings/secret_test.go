package settings_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"strings"
	"testing"

	"github.com/warpdesk/warpdesk/settings"
)

const leak = "tok-9f8e7d6c5b4a-SECRET"

func TestSecretNeverPrints(t *testing.T) {
	s := settings.Secret(leak)
	type conn struct {
		URL   string
		Token settings.Secret
		Ptr   *settings.Secret
	}
	c := conn{URL: "wss://x", Token: s, Ptr: &s}
	var out []string
	for _, f := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3s", "%T"} {
		out = append(out, fmt.Sprintf(f, s), fmt.Sprintf(f, c), fmt.Sprintf(f, []settings.Secret{s}),
			fmt.Sprintf(f, map[string]settings.Secret{"k": s}), fmt.Sprintf(f, *c.Ptr))
	}
	out = append(out, fmt.Sprint(s, c), fmt.Sprintln(s, c), s.String(), s.GoString(),
		fmt.Errorf("connect with %v: %w", s, errors.New("boom")).Error())

	j, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, string(j))
	// (encoding/json writes string-kinded map keys as they are, without
	// MarshalText: never key a map by a Secret.)

	var buf bytes.Buffer
	for _, h := range []slog.Handler{slog.NewTextHandler(&buf, nil), slog.NewJSONHandler(&buf, nil)} {
		l := slog.New(h)
		l.Info("connect", "token", s, "conn", c, slog.Any("any", s), slog.Group("g", "t", s))
	}
	log.New(&buf, "", 0).Printf("%v %+v", s, c)
	out = append(out, buf.String())

	for _, o := range out {
		if strings.Contains(o, leak) || strings.Contains(o, fmt.Sprintf("%x", leak)) || strings.Contains(o, "SECRET") {
			t.Errorf("token leaked: %s", o)
		}
	}
	if !strings.Contains(fmt.Sprint(c), "[redacted]") {
		t.Errorf("fmt.Sprint(struct) = %s, want [redacted]", fmt.Sprint(c))
	}
	if s.Reveal() != leak || s.IsZero() || !settings.Secret("").IsZero() {
		t.Error("Reveal/IsZero")
	}
}
