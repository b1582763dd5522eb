package socket_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/warpdesk/warpdesk/socket"
)

// hostileFrames are the seed corpus of both fuzz targets: real envelopes and
// frames built to break a parser or smuggle a dangerous key.
func hostileFrames() []string {
	deep := func(n int, open, close string) string {
		return strings.Repeat(open, n) + "1" + strings.Repeat(close, n)
	}
	return []string{
		`{"name":"incident.created","data":{"uuid":"1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed","title":"DB down","severity":"critical","createdAt":"2026-11-26T01:02:03Z"},"timestamp":1764118923000}`,
		`{"name":"incident.resolved","data":{"uuid":"x"},"timestamp":1764118923000.5}`,
		`{"name":"ping"}`,
		`{"name":"a","data":null,"timestamp":null}`,
		` {"timestamp":-1,"data":[1,2,{"k":"v"}],"name":"order"} `,
		`3`, `2`, ``, `{}`, `[]`, `null`, `"name"`, `{"name":""}`, `{"name":null}`, `{"name":1}`,
		`{"name":"a","timestamp":"1764118923000"}`,
		`{"name":"a","timestamp":1e400}`, `{"name":"a","timestamp":-1e400}`,
		`{"name":"a","timestamp":1e15}`, `{"name":"a","timestamp":1000000000000001}`,
		`{"name":"a","data":123456789012345678901234567890123456789e300}`,
		`{"name":"a","data":[1e999999, -0.0e-7, 0.1E+2]}`,
		`{"name":"a","name":"b","data":1,"data":{"x":2}}`,
		`{"n\u0061me":"esc","data":{"__pr\u006fto__":{"polluted":true},"ok":1}}`,
		`{"name":"a","data":{"__proto__":{"x":1},"constructor":{"prototype":{"y":2}},"keep":[{"prototype":3}]}}`,
		`{"name":"a","data":{"a":{"b":{"c":{"constructor":1}}}}}`,
		`{"name":"a","data":{"text":"constructor __proto__ prototype are only words here"}}`,
		`{"name":"a","data":{"\u005f_proto__":1,"x":"\ud800"}}`,
		`{"name":"a","data":{"k":"\\u0070"}}`,
		"{\"name\":\"bad\xff\xfeutf8\",\"data\":{\"k\xff\":\"v\xc3\x28\"}}",
		"{\"name\":\"a\",\"data\":\"\x01\"}",
		"\xef\xbb\xbf{\"name\":\"bom\"}",
		`{"name":"a"} trailing`, `{"name":"a",}`, `{"name":"a" "data":1}`, `{"name":"a","data":01}`,
		`{"name":"a","data":tru}`, `{"name":"a","data":"\x"}`, `{"name":"a","data":"\u12"}`,
		`{"name":"a","data":` + deep(100, "[", "]") + `}`,
		`{"name":"a","data":` + deep(50, `{"__proto__":`, "}") + `}`,
		`{"name":"a","data":` + deep(50, `[{"constructor":`, "}]") + `}`,
	}
}

// deepFrames sit at encoding/json's nesting limit of 10000; they are too
// slow for the fuzz corpus, so a test checks them once.
func deepFrames() []string {
	deep := func(n int, open, close string) string {
		return strings.Repeat(open, n) + "1" + strings.Repeat(close, n)
	}
	return []string{
		`{"name":"a","data":` + deep(9998, "[", "]") + `}`,
		`{"name":"a","data":` + deep(9999, "[", "]") + `}`,
		`{"name":"a","data":` + deep(5000, `{"__proto__":`, "}") + `}`,
		deep(10000, "[", "]"),
		deep(10001, "[", "]"),
		deep(10001, `{"a":`, "}"),
	}
}

// TestDeepNestingLikeEncodingJSON runs the fuzz properties on the deepest
// frames: valid at the limit, invalid past it, as encoding/json says.
func TestDeepNestingLikeEncodingJSON(t *testing.T) {
	for _, s := range deepFrames() {
		if _, err := socket.StripDangerousKeys([]byte(s)); (err == nil) != json.Valid([]byte(s)) {
			t.Errorf("StripDangerousKeys on %d bytes: err %v, encoding/json valid %v", len(s), err, json.Valid([]byte(s)))
		}
		_, err := socket.ParseEnvelope([]byte(s))
		if _, _, _, ok, _ := expectEnvelope([]byte(s)); ok != (err == nil) {
			t.Errorf("ParseEnvelope on %d bytes: err %v, want ok %v", len(s), err, ok)
		}
	}
}

// dangerous reports a dangerous key anywhere in v (decoded JSON).
func dangerous(v any) bool {
	switch t := v.(type) {
	case map[string]any:
		for k, c := range t {
			if k == "__proto__" || k == "constructor" || k == "prototype" || dangerous(c) {
				return true
			}
		}
	case []any:
		for _, c := range t {
			if dangerous(c) {
				return true
			}
		}
	}
	return false
}

// stripOracle is the obvious reference: decode, delete, compare decoded.
func stripOracle(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, c := range t {
			if k == "__proto__" || k == "constructor" || k == "prototype" {
				delete(t, k)
				continue
			}
			t[k] = stripOracle(c)
		}
	case []any:
		for i, c := range t {
			t[i] = stripOracle(c)
		}
	}
	return v
}

func decodeAny(t *testing.T, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("decode %q: %v", b, err)
	}
	return v
}

// expectEnvelope is the reference for ParseEnvelope, built on encoding/json:
// ok is whether the frame is a valid envelope; badTS that it is one but for
// its timestamp (ts is then zero).
func expectEnvelope(frame []byte) (name string, ts time.Time, data json.RawMessage, ok, badTS bool) {
	if !utf8.Valid(frame) || !json.Valid(frame) {
		return
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(frame, &m) != nil || m == nil {
		return
	}
	raw, has := m["name"]
	if !has || string(raw) == "null" || json.Unmarshal(raw, &name) != nil || name == "" {
		return
	}
	if raw, has := m["timestamp"]; has && string(raw) != "null" {
		var f float64
		if json.Unmarshal(raw, &f) != nil || math.Abs(f) > 1e15 {
			badTS = true
		} else {
			ts = time.UnixMilli(int64(f))
		}
	}
	data, has = m["data"]
	if !has {
		data = json.RawMessage("null")
	}
	return name, ts, data, true, badTS
}

func FuzzParseEnvelope(f *testing.F) {
	for _, s := range hostileFrames() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		in := bytes.Clone(frame)
		env, err := socket.ParseEnvelope(in)
		if !bytes.Equal(in, frame) {
			t.Fatal("ParseEnvelope modified its input")
		}
		name, ts, data, ok, badTS := expectEnvelope(frame)
		if !ok {
			if err == nil || env.Name != "" {
				t.Fatalf("accepted %q as %+v", frame, env)
			}
			if !errors.Is(err, socket.ErrMalformedFrame) {
				t.Fatalf("error %v does not match ErrMalformedFrame", err)
			}
			if !utf8.Valid(frame) && !errors.Is(err, socket.ErrInvalidUTF8) {
				t.Fatalf("error %v for %q does not match ErrInvalidUTF8", err, frame)
			}
			return
		}
		if badTS != (err != nil) {
			t.Fatalf("envelope %q with a bad timestamp %v: err %v", frame, badTS, err)
		}
		if err != nil && !errors.Is(err, socket.ErrMalformedFrame) {
			t.Fatalf("error %v does not match ErrMalformedFrame", err)
		}
		if env.Name != name || !env.Timestamp.Equal(ts) {
			t.Fatalf("got name %q ts %v, want %q %v", env.Name, env.Timestamp, name, ts)
		}
		if !json.Valid(env.Data) {
			t.Fatalf("data out is not valid JSON: %q", env.Data)
		}
		got := decodeAny(t, env.Data)
		if dangerous(got) {
			t.Fatalf("dangerous key survived in %q", env.Data)
		}
		if want := stripOracle(decodeAny(t, data)); !reflect.DeepEqual(got, want) {
			t.Fatalf("data %q, want %v", env.Data, want)
		}
		if len(in) > 0 {
			in[0] ^= 0xff // the envelope must not share the caller's memory
			if env2 := decodeAny(t, env.Data); !reflect.DeepEqual(env2, got) {
				t.Fatal("envelope aliases the input frame")
			}
		}
	})
}

func FuzzStripDangerousKeys(f *testing.F) {
	for _, s := range hostileFrames() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := socket.StripDangerousKeys(data)
		if !json.Valid(data) || !utf8.Valid(data) {
			if err == nil {
				t.Fatalf("accepted invalid JSON or UTF-8 %q", data)
			}
			return
		}
		if err != nil {
			t.Fatalf("rejected valid JSON %q: %v", data, err)
		}
		if !json.Valid(out) {
			t.Fatalf("valid in, invalid out: %q -> %q", data, out)
		}
		got := decodeAny(t, out)
		if dangerous(got) {
			t.Fatalf("dangerous key survived: %q", out)
		}
		if want := stripOracle(decodeAny(t, data)); !reflect.DeepEqual(got, want) {
			t.Fatalf("strip changed more than the keys: %q -> %q", data, out)
		}
	})
}
