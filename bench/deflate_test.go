package bench

import (
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gorilla/websocket"
)

// deflateServer floods like floodServer, with permessage-deflate when the
// client offers it. Each of the ringSize envelopes is a PreparedMessage, so
// it is compressed once, not per write, and the server stays cheap. It
// counts the bytes it writes.
type deflateServer struct {
	ln       net.Listener
	srv      *http.Server
	prepared []*websocket.PreparedMessage
	wire     atomic.Int64
	wg       sync.WaitGroup
}

func startDeflateServer(tb testing.TB) *deflateServer {
	tb.Helper()
	ds := &deflateServer{}
	for i := 0; i < ringSize; i++ {
		pm, err := websocket.NewPreparedMessage(websocket.TextMessage, envelopeFrame(i))
		if err != nil {
			tb.Fatal(err)
		}
		ds.prepared = append(ds.prepared, pm)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ds.ln = countingListener{ln, &ds.wire}
	ds.srv = &http.Server{Handler: commandHandler(websocket.Upgrader{EnableCompression: true}, "flood", ds.flood)}
	ds.wg.Add(1)
	go func() { defer ds.wg.Done(); _ = ds.srv.Serve(ds.ln) }()
	tb.Cleanup(func() { ds.srv.Close(); ds.wg.Wait() })
	return ds
}

func (ds *deflateServer) flood(ws *websocket.Conn, n int) error {
	for i := 0; i < n; i++ {
		if err := ws.WritePreparedMessage(ds.prepared[i%ringSize]); err != nil {
			return err
		}
	}
	return nil
}

func (ds *deflateServer) url() string { return "ws://" + ds.ln.Addr().String() + "/" }

func (ds *deflateServer) resetWire() { ds.wire.Store(0) }

// wirePerMsg is the bytes written per message since resetWire, less the
// upgrade response (~200 bytes, negligible over thousands of messages).
func (ds *deflateServer) wirePerMsg(n int) float64 { return float64(ds.wire.Load()) / float64(n) }

// countingListener counts the bytes written to the connections it accepts.
type countingListener struct {
	net.Listener
	n *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return countingConn{c, l.n}, nil
}

type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.n.Add(int64(n))
	return n, err
}
