package socket_test

import (
	"crypto/x509"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/socket/sockettest"
)

// firstError waits for the first error reported by c.
func firstError(t *testing.T, errs *recorder[error]) error {
	t.Helper()
	eventually(t, 3*time.Second, "an error", func() bool { return errs.len() > 0 })
	return errs.get()[0]
}

// A connection timeout that cuts a slowly dripping HTTP response is a
// connection timeout, not a malformed response.
func TestSlowDripResponseIsAConnectionTimeout(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{})
	bad := startBadServer(t, srv.Addr())
	bad.set(func(nc net.Conn) {
		if _, ok := readRequest(nc); !ok {
			return
		}
		for _, b := range []byte("HTTP/1.1 101 Switching Protocols\r\n") {
			if _, err := nc.Write([]byte{b}); err != nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	opts := fast()
	opts.ConnectionTimeout = 100 * time.Millisecond
	opts.MaxReconnectAttempts = 2
	c := newClient(t, "ws://"+bad.ln.Addr().String()+"/ws", opts)
	var errs recorder[error]
	c.OnError(errs.add)
	c.Connect()
	eventually(t, 5*time.Second, "three failed dials", func() bool { return errs.len() >= 3 })
	for _, e := range errs.get()[:3] {
		if !errors.Is(e, socket.ErrConnectionTimeout) {
			t.Errorf("error %v, want ErrConnectionTimeout", e)
		}
	}
}

// HTTP 429 and 503 with Retry-After hold the next dial back that long.
func TestRetryAfterIsHonoured(t *testing.T) {
	for _, code := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		var dials atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			dials.Add(1)
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(code)
		}))
		c := newClient(t, "ws"+strings.TrimPrefix(srv.URL, "http"), fast())
		var errs recorder[error]
		c.OnError(errs.add)
		c.Connect()
		time.Sleep(1500 * time.Millisecond)
		c.Disconnect()
		srv.Close()
		if n := dials.Load(); n != 2 {
			t.Errorf("HTTP %d with Retry-After: 1: %d dials in 1.5s, want 2", code, n)
		}
		var de *socket.DialError
		if e := firstError(t, &errs); !errors.As(e, &de) || de.StatusCode != code || de.RetryAfter != time.Second {
			t.Errorf("HTTP %d: error %v, want a *DialError with RetryAfter 1s", code, e)
		}
	}
}

// A certificate the client cannot verify is a distinct error, retried only
// at MaxReconnectDelay and shown in Status.
func TestCertificateFailureIsDistinctAndSlow(t *testing.T) {
	var dials atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			dials.Add(1)
		}
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // "bad certificate", as expected
	srv.StartTLS()
	defer srv.Close()
	opts := fast()
	opts.ConnectionTimeout = 5 * time.Second // a TLS handshake on a loaded machine
	opts.MaxReconnectDelay = 300 * time.Millisecond
	c := newClient(t, "wss"+strings.TrimPrefix(srv.URL, "https"), opts)
	var errs recorder[error]
	c.OnError(errs.add)
	c.Connect()
	e := firstError(t, &errs)
	if !errors.Is(e, socket.ErrCertificate) {
		t.Fatalf("error %v, want ErrCertificate", e)
	}
	var ue x509UnknownAuthority
	if !errors.As(e, &ue) {
		t.Errorf("error %v does not reach the x509 error", e)
	}
	eventually(t, time.Second, "Status shows it", func() bool { return errors.Is(c.Status().Err, socket.ErrCertificate) })
	time.Sleep(500 * time.Millisecond)
	if n := dials.Load(); n > 3 {
		t.Errorf("%d dials in 0.5s with MaxReconnectDelay 300ms", n)
	}
}

// An empty message name is refused.
func TestSendEmptyNameIsAnError(t *testing.T) {
	c := newClient(t, "ws://127.0.0.1:1/ws", fast())
	if err := c.Send("", map[string]int{"n": 1}); !errors.Is(err, socket.ErrNoName) {
		t.Fatalf("Send(\"\") = %v, want ErrNoName", err)
	}
	if n := c.Buffered(); n != 0 {
		t.Fatalf("%d buffered", n)
	}
}

// A timestamp that is not a number does not cost the message: it arrives
// with a zero Timestamp, and the problem is reported.
func TestBadTimestampDeliversTheMessage(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{})
	c := newClient(t, srv.URL(), fast())
	var errs recorder[error]
	c.OnError(errs.add)
	var got recorder[socket.Envelope]
	socket.On(c, IncidentCreated, func(_ Incident, env socket.Envelope) { got.add(env) })
	c.Connect()
	waitLive(t, c, srv)
	_ = srv.BroadcastRaw("", []byte(`{"name":"incident.created","data":{"uuid":"u1"},"timestamp":"yesterday"}`))
	eventually(t, 2*time.Second, "the message", func() bool { return got.len() == 1 })
	if ts := got.get()[0].Timestamp; !ts.IsZero() {
		t.Errorf("Timestamp %v, want zero", ts)
	}
	if e := firstError(t, &errs); !errors.Is(e, socket.ErrMalformedFrame) || !strings.Contains(e.Error(), "timestamp") {
		t.Errorf("error %v, want a malformed-timestamp report", e)
	}
}

// x509UnknownAuthority is the error a self-signed test certificate gives.
type x509UnknownAuthority = x509.UnknownAuthorityError

// A text frame that is not UTF-8 fails the connection with 1007, as RFC
// 6455 §8.1 and browsers have it; it is reported and never delivered
// altered, and the client reconnects.
func TestInvalidUTF8FailsTheConnection(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{})
	c := newClient(t, srv.URL(), fast())
	var errs recorder[error]
	c.OnError(errs.add)
	var disc recorder[socket.DisconnectedEvent]
	socket.On(c, socket.Disconnected, func(e socket.DisconnectedEvent, _ socket.Envelope) { disc.add(e) })
	var got recorder[Incident]
	socket.On(c, IncidentCreated, func(i Incident, _ socket.Envelope) { got.add(i) })
	c.Connect()
	waitLive(t, c, srv)
	_ = srv.BroadcastRaw("", []byte("{\"name\":\"incident.created\",\"data\":{\"uuid\":\"u\xff\"}}"))
	eventually(t, 2*time.Second, "the disconnect", func() bool { return disc.len() == 1 })
	if d := disc.get()[0]; d.Code != 1007 || !errors.Is(d.Err, socket.ErrInvalidUTF8) {
		t.Errorf("Disconnected %+v, want code 1007 and ErrInvalidUTF8", d)
	}
	if e := firstError(t, &errs); !errors.Is(e, socket.ErrInvalidUTF8) {
		t.Errorf("error %v, want ErrInvalidUTF8", e)
	}
	eventually(t, 2*time.Second, "the reconnect", func() bool { return srv.Accepts() == 2 && c.IsConnected() })
	if n := got.len(); n != 0 {
		t.Errorf("%d messages delivered from the bad frame", n)
	}
}

// After one large frame under a raised ReadLimit, the client does not keep
// a block of that size for the rest of the connection.
func TestLargeFrameBlockIsGivenBack(t *testing.T) {
	const big = 16 << 20
	send := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		<-send
		_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"name":"blob","data":{"b":"`+strings.Repeat("x", big)+`"}}`))
		_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"name":"blob","data":{"b":"small"}}`))
		_, _, _ = ws.ReadMessage()
	}))
	defer srv.Close()
	opts := fast()
	opts.ReadLimit = 4 * big
	c := newClient(t, "ws"+strings.TrimPrefix(srv.URL, "http"), opts)
	var sizes recorder[int]
	socket.On(c, socket.Define[map[string]string]("blob"), func(m map[string]string, _ socket.Envelope) { sizes.add(len(m["b"])) })
	c.Connect()
	waitConnected(t, c)
	heap := func() uint64 {
		runtime.GC()
		runtime.GC() // sync.Pools (goccy's decode buffer) keep their contents for one GC
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	base := heap()
	close(send)
	eventually(t, 30*time.Second, "both frames", func() bool { return sizes.len() == 2 })
	time.Sleep(50 * time.Millisecond) // the dispatcher lets go of the envelopes
	grown := int64(heap()) - int64(base)
	c.Disconnect()
	if grown > big/2 {
		t.Fatalf("heap %.1f MiB larger after a %d MiB frame", float64(grown)/(1<<20), big>>20)
	}
}
