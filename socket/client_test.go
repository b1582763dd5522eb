package socket_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/socket/sockettest"
)

type Incident struct {
	UUID     string `json:"uuid"`
	Title    string `json:"title"`
	Severity string `json:"severity"`
}

var IncidentCreated = socket.DefineValidated("incident.created", func(i Incident) error {
	if i.UUID == "" {
		return errors.New("uuid is empty")
	}
	return nil
})

func TestNewRejectsBadURL(t *testing.T) {
	for _, u := range []string{
		"http://x/ws", "x", "", "ws://", "ftp://h/", "://",
		"ws://:80", "ws://host:99999", "ws://host:0/ws", "ws://host:/ws", "ws:host/ws",
		"ws://user:pw@host/ws", "wss://user@host/ws", "ws://user:p%zzw@host/ws",
	} {
		_, err := socket.New(u, socket.Options{})
		if !errors.Is(err, socket.ErrInvalidURL) {
			t.Errorf("New(%q) = %v, want ErrInvalidURL", u, err)
			continue
		}
		if strings.Contains(err.Error(), "pw") || strings.Contains(err.Error(), "p%zzw") {
			t.Errorf("New(%q): the error repeats the password: %v", u, err)
		}
		if strings.Contains(u, "@") && !strings.Contains(err.Error(), "Options.Header") {
			t.Errorf("New(%q): %v does not say where credentials go", u, err)
		}
	}
	for _, u := range []string{"wss://example.com/ws", "ws://127.0.0.1:65535/", "ws://[::1]:80/ws?token=t"} {
		if _, err := socket.New(u, socket.Options{}); err != nil {
			t.Errorf("New(%q): %v", u, err)
		}
	}
}

func TestConnectStatesAndIdempotence(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{})
	c := newClient(t, srv.URL(), fast())
	var states recorder[socket.State]
	c.OnStateChange(states.add)
	var conns recorder[socket.ConnectedEvent]
	socket.On(c, socket.Connected, func(e socket.ConnectedEvent, _ socket.Envelope) { conns.add(e) })
	if c.State() != socket.StateDisconnected {
		t.Fatalf("initial state %v", c.State())
	}
	c.Connect()
	c.Connect()
	waitLive(t, c, srv) // the server counts the accept after the client sees it
	c.Connect()
	eventually(t, time.Second, "Connected event", func() bool { return conns.len() == 1 })
	if srv.Accepts() != 1 {
		t.Fatalf("accepts = %d, want 1 (Connect must be idempotent)", srv.Accepts())
	}
	if got := conns.get()[0]; got.Reconnected {
		t.Fatal("first connection reported Reconnected")
	}
	c.Disconnect()
	want := []socket.State{socket.StateConnecting, socket.StateConnected, socket.StateDisconnected}
	if got := states.get(); !slices.Equal(got, want) {
		t.Fatalf("states = %v, want %v", got, want)
	}
	c.Disconnect() // twice is fine
}

func TestReconnectAfterDropRejoinsRoomsThenFlushesBuffer(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{})
	c := newClient(t, srv.URL(), fast())
	var conns recorder[socket.ConnectedEvent]
	socket.On(c, socket.Connected, func(e socket.ConnectedEvent, _ socket.Envelope) { conns.add(e) })
	var attempts recorder[int]
	socket.On(c, socket.ReconnectAttempt, func(e socket.ReconnectAttemptEvent, _ socket.Envelope) { attempts.add(e.Attempt) })
	var disc recorder[socket.DisconnectedEvent]
	socket.On(c, socket.Disconnected, func(e socket.DisconnectedEvent, _ socket.Envelope) { disc.add(e) })
	c.JoinRoom("a")
	c.JoinRoom("b")
	c.JoinRoom("a")
	c.Connect()
	waitConnected(t, c)
	eventually(t, time.Second, "rooms joined", func() bool { return len(srv.Messages("room.join")) == 2 })

	srv.Stop()
	eventually(t, time.Second, "reconnecting", func() bool { return c.State() == socket.StateReconnecting })
	for i := 0; i < 3; i++ {
		if err := c.Send("note", map[string]int{"n": i}); err != nil {
			t.Fatal(err)
		}
	}
	if got := c.Buffered(); got != 3 {
		t.Fatalf("buffered = %d", got)
	}
	srv.ResetFrames()
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	eventually(t, 2*time.Second, "reconnected", func() bool { return conns.len() == 2 })
	if !conns.get()[1].Reconnected {
		t.Fatal("second connection not marked Reconnected")
	}
	eventually(t, time.Second, "frames", func() bool { return len(srv.Frames()) >= 5 })
	want := []string{"room.join:a", "room.join:b", "note:0", "note:1", "note:2"}
	if got := types(srv.Frames()); !slices.Equal(got, want) {
		t.Fatalf("frames after reconnect = %v, want %v", got, want)
	}
	if a := attempts.get(); len(a) == 0 || a[0] != 1 {
		t.Fatalf("reconnect attempts = %v, want counting from 1", a)
	}
	if d := disc.get(); len(d) == 0 || d[0].Code != websocket.CloseAbnormalClosure {
		t.Fatalf("disconnected events = %+v", d)
	}
}

func TestLeaveRoomAndClearRooms(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{})
	c := newClient(t, srv.URL(), fast())
	c.LeaveRoom("x") // not joined, not connected: nothing
	c.Connect()
	waitConnected(t, c)
	c.JoinRoom("x")
	c.JoinRoom("y")
	c.LeaveRoom("x")
	eventually(t, time.Second, "leave", func() bool { return len(srv.Messages("room.leave")) == 1 })
	if got := c.JoinedRooms(); !slices.Equal(got, []string{"y"}) {
		t.Fatalf("rooms = %v", got)
	}
	c.ClearRooms()
	if len(c.JoinedRooms()) != 0 {
		t.Fatal("ClearRooms kept rooms")
	}
	time.Sleep(20 * time.Millisecond)
	if n := len(srv.Messages("room.leave")); n != 1 {
		t.Fatalf("ClearRooms sent %d leaves", n)
	}
}

func TestNoBufferAndBufferFullAndDisconnectClears(t *testing.T) {
	opts := fast()
	opts.BufferLimit = 2
	c := newClient(t, "ws://127.0.0.1:1/ws", opts)
	if err := c.Send("x", nil, socket.NoBuffer); !errors.Is(err, socket.ErrNotConnected) {
		t.Fatalf("NoBuffer while disconnected: %v", err)
	}
	if err := socket.Emit(c, IncidentCreated, Incident{UUID: "1"}, socket.NoBuffer); !errors.Is(err, socket.ErrNotConnected) {
		t.Fatalf("Emit NoBuffer: %v", err)
	}
	_ = c.Send("x", nil)
	_ = c.Send("x", nil)
	if err := c.Send("x", nil); !errors.Is(err, socket.ErrBufferFull) {
		t.Fatalf("third send: %v", err)
	}
	c.Connect()
	c.Disconnect()
	if c.Buffered() != 0 {
		t.Fatal("Disconnect kept the buffer")
	}
}

func TestSendEncoding(t *testing.T) {
	c := newClient(t, "ws://127.0.0.1:1/ws", fast())
	if err := c.Send("x", []int{1}); !errors.Is(err, socket.ErrNotObject) {
		t.Fatalf("array: %v", err)
	}
	if err := c.Send("x", map[string]string{"type": "y"}); !errors.Is(err, socket.ErrTypeField) {
		t.Fatalf("type field: %v", err)
	}
	if err := socket.Emit(c, IncidentCreated, Incident{}); err == nil {
		t.Fatal("Emit of an invalid payload succeeded")
	}
	for in, want := range map[string]string{
		`{"token":"t"}`: `{"type":"auth","token":"t"}`,
		`{}`:            `{"type":"auth"}`,
		`null`:          `{"type":"auth"}`,
	} {
		var v any
		if in != "null" {
			v = jsonRaw(in)
		}
		got, err := socket.EncodeMessage("auth", v)
		if err != nil || string(got) != want {
			t.Errorf("EncodeMessage(%s) = %s, %v; want %s", in, got, err, want)
		}
	}
}

type jsonRaw string

func (j jsonRaw) MarshalJSON() ([]byte, error) { return []byte(j), nil }

func TestIncomingTypedValidatedAndHostile(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{})
	c := newClient(t, srv.URL(), fast())
	var got recorder[Incident]
	var errs recorder[error]
	c.OnError(errs.add)
	socket.On(c, IncidentCreated, func(i Incident, env socket.Envelope) {
		if env.Name != "incident.created" || env.Timestamp.IsZero() {
			t.Errorf("envelope %+v", env)
		}
		got.add(i)
	})
	var raw recorder[string]
	socket.On(c, socket.Define[map[string]any]("raw"), func(m map[string]any, env socket.Envelope) { raw.add(string(env.Data)) })
	// A handler that panics must not stop the others.
	socket.On(c, IncidentCreated, func(Incident, socket.Envelope) { panic("boom") })
	var connectedFromServer atomic.Int32
	socket.On(c, socket.Connected, func(socket.ConnectedEvent, socket.Envelope) { connectedFromServer.Add(1) })
	c.Connect()
	waitLive(t, c, srv)
	eventually(t, time.Second, "connected event", func() bool { return connectedFromServer.Load() == 1 })

	send := func(s string) { _ = srv.BroadcastRaw("", []byte(s)) }
	send(`not json`)
	send(`{"data":{}}`)
	send(`{"name":"incident.created","data":{"uuid":5},"timestamp":1}`)  // wrong type
	send(`{"name":"incident.created","data":{"uuid":""},"timestamp":1}`) // fails validator
	send(`{"name":"connected","data":{"Reconnected":true},"timestamp":1}`)
	send(`{"name":"raw","data":{"a":{"__proto__":{"x":1},"b":[{"constructor":1,"c":2}]},"__pr\u006fto__":1,"prototype":2},"timestamp":1}`)
	srv.SendBinary([]byte{1, 2, 3})
	send(`{"name":"incident.created","data":{"uuid":"u1","title":"DB down","severity":"critical"},"timestamp":1706803200000}`)

	eventually(t, time.Second, "typed delivery", func() bool { return got.len() == 1 })
	if g := got.get()[0]; g.UUID != "u1" || g.Title != "DB down" {
		t.Fatalf("got %+v", g)
	}
	eventually(t, time.Second, "raw delivery", func() bool { return raw.len() == 1 })
	if r := raw.get()[0]; r != `{"a":{"b":[{"c":2}]}}` {
		t.Fatalf("stripped data = %s", r)
	}
	var malformed, decode, panics int
	tally := func() bool {
		malformed, decode, panics = 0, 0, 0
		for _, e := range errs.get() {
			var me *socket.MalformedFramesError
			var de *socket.DecodeError
			var pe *socket.HandlerPanicError
			switch {
			case errors.As(e, &me): // bad frames in a burst: one report
				malformed += me.Count
			case errors.Is(e, socket.ErrMalformedFrame):
				malformed++
			case errors.As(e, &de):
				decode++
				if de.Name != "incident.created" {
					t.Errorf("decode error names %q", de.Name)
				}
			case errors.As(e, &pe):
				panics++
			}
		}
		return malformed+decode+panics >= 6
	}
	eventually(t, time.Second, "errors", tally)
	if malformed != 3 || decode != 2 || panics != 1 {
		t.Fatalf("malformed=%d decode=%d panics=%d; errors: %v", malformed, decode, panics, errs.get())
	}
	if connectedFromServer.Load() != 1 {
		t.Fatal("a server frame named 'connected' fired the lifecycle event")
	}
	if !c.IsConnected() {
		t.Fatal("hostile frames broke the connection")
	}
}

func TestOversizedFrameReconnects(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{})
	opts := fast()
	opts.ReadLimit = 1024
	c := newClient(t, srv.URL(), opts)
	var errs recorder[error]
	c.OnError(errs.add)
	c.Connect()
	waitLive(t, c, srv)
	_ = srv.BroadcastRaw("", []byte(`{"name":"x","data":"`+strings.Repeat("a", 4096)+`"}`))
	eventually(t, time.Second, "too-large error", func() bool {
		for _, e := range errs.get() {
			if errors.Is(e, socket.ErrFrameTooLarge) {
				return true
			}
		}
		return false
	})
	eventually(t, 2*time.Second, "reconnect", func() bool { return srv.Accepts() == 2 && c.IsConnected() })
}

func TestHandshakeGoesFirst(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{Token: "secret"})
	opts := fast()
	var dials atomic.Int32
	opts.Handshake = func(ctx context.Context) (socket.Handshake, error) {
		dials.Add(1)
		return socket.Handshake{Name: "auth", Data: map[string]string{"token": "secret"}}, nil
	}
	c := newClient(t, srv.URL(), opts)
	c.JoinRoom("ops")
	_ = c.Send("hello", nil)
	c.Connect()
	waitConnected(t, c)
	eventually(t, time.Second, "frames", func() bool { return len(srv.Frames()) >= 3 })
	srv.DropAll()
	srv.ResetFrames()
	eventually(t, 2*time.Second, "second connection", func() bool { return srv.Accepts() == 2 && len(srv.Frames()) >= 2 })
	if got := types(srv.Frames()); !slices.Equal(got[:2], []string{"auth", "room.join:ops"}) {
		t.Fatalf("frames on reconnect: %v", got)
	}
	if dials.Load() < 2 {
		t.Fatal("handshake hook not called on every dial")
	}
	if c.Status().Err != nil {
		t.Fatal(c.Status().Err)
	}
}

func TestPauseOnlineAndAwake(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{})
	c := newClient(t, srv.URL(), fast())
	var conns recorder[socket.ConnectedEvent]
	socket.On(c, socket.Connected, func(e socket.ConnectedEvent, _ socket.Envelope) { conns.add(e) })
	c.Connect()
	waitConnected(t, c)
	// The server registers a connection just after the client sees the
	// upgrade: wait for it, so no late accept is mistaken for a paused dial.
	serverSide := func() { eventually(t, time.Second, "server side", func() bool { return srv.Conns() == 1 }) }
	serverSide()
	for i, pause := range []struct {
		name string
		set  func(bool)
	}{{"online", c.SetOnline}, {"awake", c.SetAwake}} {
		start := time.Now()
		pause.set(false)
		if el := time.Since(start); el > 500*time.Millisecond {
			t.Fatalf("%s(false) took %v", pause.name, el)
		}
		if c.State() != socket.StateDisconnected {
			t.Fatalf("%s(false): state %v", pause.name, c.State())
		}
		eventually(t, time.Second, "server sees close", func() bool { return srv.Conns() == 0 })
		accepts := srv.Accepts()
		time.Sleep(60 * time.Millisecond) // several backoff windows
		if srv.Accepts() != accepts {
			t.Fatalf("%s: dialled while paused", pause.name)
		}
		start = time.Now()
		pause.set(true)
		waitConnected(t, c)
		t.Logf("%s: reconnected %v after resume", pause.name, time.Since(start))
		serverSide()
		eventually(t, time.Second, "Connected event", func() bool { return conns.len() == i+2 })
		if !conns.get()[i+1].Reconnected {
			t.Fatalf("%s: resume connection not Reconnected", pause.name)
		}
	}
	// Both reasons held: only when both clear does it dial.
	c.SetOnline(false)
	c.SetAwake(false)
	c.SetAwake(true)
	time.Sleep(30 * time.Millisecond)
	if c.IsConnected() || !c.Status().Offline {
		t.Fatal("dialled while still offline")
	}
	c.SetOnline(true)
	waitConnected(t, c)
}

func TestDisconnectFromHandler(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{})
	c := newClient(t, srv.URL(), fast())
	done := make(chan struct{})
	socket.On(c, socket.Connected, func(socket.ConnectedEvent, socket.Envelope) {
		c.Disconnect()
		close(done)
	})
	c.Connect()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Disconnect from a handler deadlocked")
	}
	eventually(t, time.Second, "disconnected", func() bool { return c.State() == socket.StateDisconnected })
}

func TestUnsubscribeDuringDelivery(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{})
	c := newClient(t, srv.URL(), fast())
	c.Connect()
	waitConnected(t, c)
	for i := 0; i < 200; i++ {
		offErr := c.OnError(func(error) {})
		offStatus := c.OnStatusChange(func(socket.Status) {})
		offState := c.OnStateChange(func(socket.State) {})
		_ = srv.BroadcastRaw("", []byte("garbage"))
		c.SetAwake(i%2 == 1)
		offErr()
		offStatus()
		offState()
	}
	c.SetAwake(true)
}
