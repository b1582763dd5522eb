//go:build goexperiment.jsonv2

package bench

import (
	"testing"

	jsonv2 "encoding/json/v2"

	"encoding/json/jsontext"

	"github.com/warpdesk/warpdesk/socket"
)

// BenchmarkEnvelopeJSONv2 is BenchmarkEnvelope's comparison for Go's
// experimental encoding/json/v2; run it with GOEXPERIMENT=jsonv2.
func BenchmarkEnvelopeJSONv2(b *testing.B) {
	frame := envelopeFrame(7)
	type wire struct {
		Name      *string        `json:"name"`
		Data      jsontext.Value `json:"data"`
		Timestamp *float64       `json:"timestamp"`
	}
	b.Run("Struct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var w wire
			if err := jsonv2.Unmarshal(frame, &w); err != nil {
				b.Fatal(err)
			}
		}
	})
	env, _ := socket.ParseEnvelope(frame)
	b.Run("Data", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var v incident
			if err := jsonv2.Unmarshal(env.Data, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}
