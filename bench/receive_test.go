package bench

import (
	"encoding/json"
	"testing"

	goccy "github.com/goccy/go-json"
	"github.com/gorilla/websocket"

	"github.com/warpdesk/warpdesk/socket"
)

// IncidentCreated is the message the receive benchmarks dispatch.
var IncidentCreated = socket.Define[incident]("incident.created")

// sink keeps handler work from being optimized away.
var sink int64

// bareRate is the bare loop's msgs/s from the latest BenchmarkReceive/Bare
// in this process: the other sub-benchmarks report their ratio to it.
var bareRate float64

// BenchmarkReceive measures one message (op) of a flood of envelopes
// through each receive path, against the same server in the same run:
//
//   - Bare: a gorilla ReadMessage loop that does nothing with the frame.
//   - StdJSON: the bare loop plus an encoding/json envelope decode, a
//     dispatch by name and a typed encoding/json decode of the data.
//   - GoccyJSON: the same with github.com/goccy/go-json (reference).
//   - Client: the full socket.Client path: read, envelope parse,
//     dangerous-key stripping, typed decode into a struct, handler.
//   - BareDeflate, ClientDeflate: Bare and Client with permessage-deflate
//     negotiated (Options.Compression), from a server that compresses each
//     of its 1,024 envelopes once (gorilla's PreparedMessage).
//
// wire-B/msg is the bytes the server wrote per message, headers included.
//
// Every sub-benchmark reports msgs/s, and all but Bare report x-bare, their
// rate divided by Bare's in the same run. Run with -benchtime=1000000x to
// flood a million envelopes per path, and -count=5 for interleaved rounds.
func BenchmarkReceive(b *testing.B) {
	fs := startFloodServer(b)
	b.Run("Bare", func(b *testing.B) {
		benchBare(b, fs.url(), websocket.DefaultDialer, nil)
		bareRate = report(b, 0)
		b.ReportMetric(float64(len(fs.block))/ringSize, "wire-B/msg")
	})
	b.Run("StdJSON", func(b *testing.B) {
		benchBare(b, fs.url(), websocket.DefaultDialer, typedDispatch(json.Unmarshal))
		report(b, bareRate)
	})
	b.Run("GoccyJSON", func(b *testing.B) {
		benchBare(b, fs.url(), websocket.DefaultDialer, typedDispatch(goccy.Unmarshal))
		report(b, bareRate)
	})
	b.Run("Client", func(b *testing.B) {
		benchClient(b, fs.url(), false)
		report(b, bareRate)
		b.ReportMetric(float64(len(fs.block))/ringSize, "wire-B/msg")
	})
	ds := startDeflateServer(b)
	deflate := &websocket.Dialer{EnableCompression: true}
	b.Run("BareDeflate", func(b *testing.B) {
		ds.resetWire()
		benchBare(b, ds.url(), deflate, nil)
		report(b, bareRate)
		b.ReportMetric(ds.wirePerMsg(b.N), "wire-B/msg")
	})
	b.Run("ClientDeflate", func(b *testing.B) {
		ds.resetWire()
		benchClient(b, ds.url(), true)
		report(b, bareRate)
		b.ReportMetric(ds.wirePerMsg(b.N), "wire-B/msg")
	})
}

// report adds msgs/s and, given the bare rate, x-bare; it returns msgs/s.
func report(b *testing.B, bare float64) float64 {
	rate := float64(b.N) / b.Elapsed().Seconds()
	b.ReportMetric(rate, "msgs/s")
	if bare > 0 {
		b.ReportMetric(rate/bare, "x-bare")
	}
	b.SetBytes(int64(envelopeSize))
	return rate
}

// typedDispatch returns a frame handler that decodes the envelope, looks up
// the handler by name and decodes the data into its Go type, with the given
// unmarshal function: what a careful hand-written client does.
func typedDispatch(unmarshal func([]byte, any) error) func([]byte) {
	handlers := map[string]func(json.RawMessage){
		"incident.created": func(data json.RawMessage) {
			var v incident
			if unmarshal(data, &v) == nil {
				sink += v.Seq
			}
		},
	}
	return func(frame []byte) {
		var env struct {
			Name      string          `json:"name"`
			Data      json.RawMessage `json:"data"`
			Timestamp int64           `json:"timestamp"`
		}
		if unmarshal(frame, &env) != nil {
			return
		}
		if h := handlers[env.Name]; h != nil {
			h(env.Data)
		}
	}
}

// benchBare reads b.N frames with gorilla's ReadMessage and hands each to
// handle (nil: nothing).
func benchBare(b *testing.B, url string, d *websocket.Dialer, handle func([]byte)) {
	ws, _, err := d.Dial(url, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer ws.Close()
	b.ReportAllocs()
	b.ResetTimer()
	if err := ws.WriteMessage(websocket.TextMessage, floodRequest(b.N)); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		_, frame, err := ws.ReadMessage()
		if err != nil {
			b.Fatal(err)
		}
		if handle != nil {
			handle(frame)
		}
	}
	b.StopTimer()
}

// benchClient receives b.N envelopes through socket.Client and a typed
// handler.
func benchClient(b *testing.B, url string, compression bool) {
	c, err := socket.New(url, socket.Options{HeartbeatInterval: -1, Compression: compression})
	if err != nil {
		b.Fatal(err)
	}
	n := b.N
	got := 0
	done := make(chan struct{})
	connected := make(chan struct{}, 1)
	socket.On(c, socket.Connected, func(socket.ConnectedEvent, socket.Envelope) { connected <- struct{}{} })
	socket.On(c, IncidentCreated, func(v incident, _ socket.Envelope) {
		sink += v.Seq
		if got++; got == n {
			close(done)
		}
	})
	errs := 0
	c.OnError(func(error) { errs++ })
	c.Connect()
	defer c.Disconnect()
	<-connected
	b.ReportAllocs()
	b.ResetTimer()
	if err := c.Send("flood", map[string]int{"n": n}); err != nil {
		b.Fatal(err)
	}
	<-done
	b.StopTimer()
	c.Disconnect()
	if errs > 0 {
		b.Fatalf("%d errors reported", errs)
	}
}
