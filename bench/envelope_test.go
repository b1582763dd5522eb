package bench

import (
	stdjson "encoding/json"
	"testing"

	goccy "github.com/goccy/go-json"

	"github.com/warpdesk/warpdesk/socket"
)

// BenchmarkEnvelope compares ways to turn one 200-byte envelope into a typed
// value, on one core, without the network: the record of why the receive
// path is built as it is (docs/BENCHMARKS.md).
//
//   - Valid+GoccyStruct: encoding/json.Valid, then goccy into a struct of
//     pointers (the first version of socket.ParseEnvelope).
//   - StdStruct / GoccyStruct: one decode into the envelope struct.
//   - ParseEnvelope: socket.ParseEnvelope (one hand-written validating pass,
//     no generic decode unless a dangerous or escaped key occurs).
//   - Data/Std, Data/Goccy: the typed decode of data into the payload
//     struct, which every handler pays on top.
func BenchmarkEnvelope(b *testing.B) {
	frame := envelopeFrame(7)
	type wire struct {
		Name      *string            `json:"name"`
		Data      stdjson.RawMessage `json:"data"`
		Timestamp *float64           `json:"timestamp"`
	}
	b.Run("Valid+GoccyStruct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if !stdjson.Valid(frame) {
				b.Fatal("invalid")
			}
			var w wire
			if err := goccy.Unmarshal(frame, &w); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("StdStruct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var w wire
			if err := stdjson.Unmarshal(frame, &w); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("GoccyStruct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var w wire
			if err := goccy.Unmarshal(frame, &w); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ParseEnvelope", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := socket.ParseEnvelope(frame); err != nil {
				b.Fatal(err)
			}
		}
	})
	env, _ := socket.ParseEnvelope(frame)
	b.Run("Data/Std", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var v incident
			if err := stdjson.Unmarshal(env.Data, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Data/Goccy", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var v incident
			if err := goccy.Unmarshal(env.Data, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
	hostile := []byte(`{"name":"a","data":{"uuid":"x","__proto__":{"polluted":true},"title":"t"},"timestamp":1}`)
	b.Run("ParseEnvelope/Stripping", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := socket.ParseEnvelope(hostile); err != nil {
				b.Fatal(err)
			}
		}
	})
}
