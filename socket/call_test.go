package socket_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/socket/sockettest"
)

// ackReq and ackResp validate themselves, as the acknowledge will.
type ackReq struct {
	UUID string `json:"uuid"`
}

func (a ackReq) Validate() error {
	if a.UUID == "" {
		return errors.New("no uuid")
	}
	return nil
}

type ackResp struct {
	State string `json:"state"`
}

func (a ackResp) Validate() error {
	if a.State == "" {
		return errors.New("no state")
	}
	return nil
}

var ackIncident = socket.DefineRequest[ackReq, ackResp]("incident.acknowledge")

// ackServer answers acknowledge with state "acked", or not_found for "gone".
func ackServer(t *testing.T) *sockettest.Server {
	t.Helper()
	srv := sockettest.Start(t, sockettest.Options{})
	sockettest.Handle(srv, ackIncident, func(_ int, r ackReq) (ackResp, error) {
		if r.UUID == "gone" {
			return ackResp{}, &socket.RemoteError{Code: "not_found", Message: "no such incident"}
		}
		return ackResp{State: "acked"}, nil
	})
	return srv
}

// connected returns a client connected to srv.
func connected(t *testing.T, srv *sockettest.Server, opts socket.Options) *socket.Client {
	t.Helper()
	c := newClient(t, srv.URL(), opts)
	c.Connect()
	waitLive(t, c, srv)
	return c
}

func callCtx(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func TestCallReplyOK(t *testing.T) {
	srv := ackServer(t)
	c := connected(t, srv, fast())
	got, err := socket.Call(callCtx(t, 5*time.Second), c, ackIncident, ackReq{UUID: "u1"})
	if err != nil || got.State != "acked" {
		t.Fatalf("Call = %+v, %v; want acked", got, err)
	}
	reqs := srv.Requests("incident.acknowledge")
	if len(reqs) != 1 {
		t.Fatalf("server got %d requests, want 1", len(reqs))
	}
	var wire map[string]any
	if err := json.Unmarshal(reqs[0].Frame, &wire); err != nil {
		t.Fatal(err)
	}
	if wire["type"] != "incident.acknowledge" || wire["uuid"] != "u1" || wire["ref"] != reqs[0].Ref || reqs[0].Ref == "" {
		t.Fatalf("wire frame %s: want type, a string ref and the payload flattened", reqs[0].Frame)
	}
	if !strings.HasPrefix(string(reqs[0].Frame), `{"type":"incident.acknowledge","ref":`) {
		t.Errorf("frame %s: want type then ref first", reqs[0].Frame)
	}
}

func TestCallRemoteError(t *testing.T) {
	srv := ackServer(t)
	c := connected(t, srv, fast())
	_, err := socket.Call(callCtx(t, 5*time.Second), c, ackIncident, ackReq{UUID: "gone"})
	var re *socket.RemoteError
	if !errors.As(err, &re) || re.Code != "not_found" || re.Message != "no such incident" {
		t.Fatalf("err = %v; want *RemoteError not_found", err)
	}
	if !strings.Contains(err.Error(), "incident.acknowledge") {
		t.Errorf("error %q does not name the request", err)
	}
}

func TestCallUnknownRequestIsRefused(t *testing.T) {
	srv := ackServer(t)
	c := connected(t, srv, fast())
	other := socket.DefineRequest[struct{}, struct{}]("no.such")
	_, err := socket.Call(callCtx(t, 5*time.Second), c, other, struct{}{})
	var re *socket.RemoteError
	if !errors.As(err, &re) || re.Code != "unknown_request" {
		t.Fatalf("err = %v; want *RemoteError unknown_request", err)
	}
}

// A Call made while disconnected waits in the buffer and is written after
// the room joins of the next connection.
func TestCallBufferedUntilConnect(t *testing.T) {
	srv := ackServer(t)
	c := newClient(t, srv.URL(), fast())
	c.JoinRoom("ops")
	done := make(chan error, 1)
	go func() {
		_, err := socket.Call(callCtx(t, 5*time.Second), c, ackIncident, ackReq{UUID: "u1"})
		done <- err
	}()
	eventually(t, 2*time.Second, "call buffered", func() bool { return c.Buffered() == 1 })
	c.Connect()
	if err := <-done; err != nil {
		t.Fatalf("Call = %v", err)
	}
	got := types(srv.Frames())
	if len(got) != 2 || got[0] != "room.join:ops" || got[1] != "incident.acknowledge" {
		t.Fatalf("frames %v; want the room join, then the request", got)
	}
}

func TestCallBufferFull(t *testing.T) {
	opts := fast()
	opts.BufferLimit = 2
	c := newClient(t, "ws://127.0.0.1:1/ws", opts)
	for i := 0; i < 2; i++ {
		if err := c.Send("x", nil); err != nil {
			t.Fatal(err)
		}
	}
	_, err := socket.Call(callCtx(t, time.Second), c, ackIncident, ackReq{UUID: "u1"})
	if !errors.Is(err, socket.ErrBufferFull) {
		t.Fatalf("err = %v; want ErrBufferFull", err)
	}
	if c.Buffered() != 2 {
		t.Fatalf("Buffered = %d, want 2", c.Buffered())
	}
}

// A Call whose ctx ends while it waits in the buffer is removed and never
// written, not even after the next connect.
func TestCallTimeoutWhileDisconnectedIsNeverWritten(t *testing.T) {
	srv := ackServer(t)
	c := newClient(t, srv.URL(), fast())
	start := time.Now()
	_, err := socket.Call(callCtx(t, 50*time.Millisecond), c, ackIncident, ackReq{UUID: "u1"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v; want DeadlineExceeded", err)
	}
	if time.Since(start) > 3*time.Second {
		t.Fatalf("Call returned after %v", time.Since(start))
	}
	if n := c.Buffered(); n != 0 {
		t.Fatalf("Buffered = %d after the timeout, want 0", n)
	}
	c.Connect()
	waitLive(t, c, srv)
	if err := c.Send("marker", nil); err != nil {
		t.Fatal(err)
	}
	eventually(t, 2*time.Second, "marker", func() bool { return len(srv.Messages("marker")) == 1 })
	if reqs := srv.Requests(""); len(reqs) != 0 {
		t.Fatalf("server received %d requests; the timed-out call must never be written", len(reqs))
	}
}

func TestCallCancelledContext(t *testing.T) {
	srv := ackServer(t)
	c := connected(t, srv, fast())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := socket.Call(ctx, c, ackIncident, ackReq{UUID: "u1"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v; want Canceled", err)
	}
	if c.Buffered() != 0 {
		t.Fatal("a call with a dead context was buffered")
	}
}

// A Call waiting for its reply when its ctx ends returns ctx.Err(); the reply
// that comes later is dropped quietly.
func TestCallTimeoutWhileWaitingForReply(t *testing.T) {
	srv := ackServer(t)
	srv.SetReplyMode(sockettest.ReplyNever)
	c := connected(t, srv, fast())
	errs := recorder[error]{}
	c.OnError(errs.add)
	_, err := socket.Call(callCtx(t, 100*time.Millisecond), c, ackIncident, ackReq{UUID: "u1"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v; want DeadlineExceeded", err)
	}
	reqs := srv.Requests("incident.acknowledge")
	if len(reqs) != 1 {
		t.Fatalf("server got %d requests, want 1", len(reqs))
	}
	if err := srv.Reply(reqs[0].Conn, reqs[0].Ref, ackResp{State: "acked"}); err != nil {
		t.Fatal(err)
	}
	srv.SetReplyMode(sockettest.ReplyAnswer)
	if _, err := socket.Call(callCtx(t, 5*time.Second), c, ackIncident, ackReq{UUID: "u2"}); err != nil {
		t.Fatalf("next Call = %v", err)
	}
	if e := errs.get(); len(e) != 0 {
		t.Fatalf("a late reply was reported: %v", e)
	}
}

func TestCallPayloadWithReservedFields(t *testing.T) {
	c := newClient(t, "ws://127.0.0.1:1/ws", fast())
	ctx := callCtx(t, time.Second)
	withRef := socket.DefineRequest[map[string]any, struct{}]("x")
	if _, err := socket.Call(ctx, c, withRef, map[string]any{"ref": "mine"}); !errors.Is(err, socket.ErrRefField) {
		t.Errorf("ref field: err = %v; want ErrRefField", err)
	}
	if _, err := socket.Call(ctx, c, withRef, map[string]any{"type": "t"}); !errors.Is(err, socket.ErrTypeField) {
		t.Errorf("type field: err = %v; want ErrTypeField", err)
	}
	raw := socket.DefineRequest[json.RawMessage, struct{}]("x")
	if _, err := socket.Call(ctx, c, raw, json.RawMessage(`{"a":1,"\u0072ef":"x"}`)); !errors.Is(err, socket.ErrRefField) {
		t.Errorf("escaped ref key: err = %v; want ErrRefField", err)
	}
	notObject := socket.DefineRequest[[]int, struct{}]("x")
	if _, err := socket.Call(ctx, c, notObject, []int{1}); !errors.Is(err, socket.ErrNotObject) {
		t.Errorf("array: err = %v; want ErrNotObject", err)
	}
	if _, err := socket.Call(ctx, c, socket.Request[struct{}, struct{}]{}, struct{}{}); err == nil {
		t.Error("a request without a name was accepted")
	}
	if _, err := socket.Call(ctx, nil, withRef, nil); err == nil {
		t.Error("a nil client was accepted")
	}
	if c.Buffered() != 0 {
		t.Fatalf("Buffered = %d: a refused payload was queued", c.Buffered())
	}
}

func TestCallValidatesRequest(t *testing.T) {
	srv := ackServer(t)
	c := connected(t, srv, fast())
	_, err := socket.Call(callCtx(t, time.Second), c, ackIncident, ackReq{})
	if err == nil || !strings.Contains(err.Error(), "no uuid") {
		t.Fatalf("err = %v; want the validation error", err)
	}
	if c.Buffered() != 0 || len(srv.Requests("")) != 0 {
		t.Fatal("an invalid request was queued or sent")
	}
}

func TestCallValidatesReply(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{})
	srv.HandleRequest(ackIncident.Name(), func(q sockettest.Request) (any, error) {
		switch {
		case strings.Contains(string(q.Frame), "empty"):
			return ackResp{}, nil // fails ackResp.Validate
		case strings.Contains(string(q.Frame), "wrongtype"):
			return map[string]int{"state": 3}, nil
		}
		return "not an object", nil
	})
	c := connected(t, srv, fast())
	for _, uuid := range []string{"empty", "wrongtype", "string"} {
		_, err := socket.Call(callCtx(t, 5*time.Second), c, ackIncident, ackReq{UUID: uuid})
		var de *socket.DecodeError
		if !errors.As(err, &de) || de.Name != ackIncident.Name() {
			t.Errorf("%s: err = %v; want *DecodeError for the request", uuid, err)
		}
	}
}

// Replies belong to the client: none reaches a handler for "reply".
func TestRepliesNeverReachHandlers(t *testing.T) {
	srv := ackServer(t)
	c := connected(t, srv, fast())
	seen := recorder[string]{}
	socket.On(c, socket.Define[json.RawMessage]("reply"), func(d json.RawMessage, _ socket.Envelope) { seen.add(string(d)) })
	if _, err := socket.Call(callCtx(t, 5*time.Second), c, ackIncident, ackReq{UUID: "u1"}); err != nil {
		t.Fatal(err)
	}
	after := recorder[int]{}
	socket.On(c, socket.Define[struct{}]("after"), func(struct{}, socket.Envelope) { after.add(1) })
	if err := srv.Reply(srv.ConnIDs()[0], "999999", nil); err != nil { // a stray
		t.Fatal(err)
	}
	if err := srv.Broadcast("", "after", nil); err != nil {
		t.Fatal(err)
	}
	eventually(t, 2*time.Second, "message after the replies", func() bool { return after.len() == 1 })
	if got := seen.get(); len(got) != 0 {
		t.Fatalf("handler for reply got %v", got)
	}
}

// A malformed reply fails the call it names with a *DecodeError; one that
// names no call is reported through OnError, never delivered.
func TestCallMalformedReply(t *testing.T) {
	srv := ackServer(t)
	srv.SetReplyMode(sockettest.ReplyNever)
	c := connected(t, srv, fast())
	errs := make(chan error, 10)
	c.OnError(func(err error) { errs <- err })
	done := callAsync(t, c, "u1")
	eventually(t, 2*time.Second, "request received", func() bool { return len(srv.Requests("")) == 1 })
	ref := srv.Requests("")[0].Ref
	frame, _ := sockettest.Envelope("reply", map[string]any{"ref": ref, "ok": "yes"})
	if err := srv.BroadcastRaw("", frame); err != nil {
		t.Fatal(err)
	}
	var de *socket.DecodeError
	if err := within(t, done, 5*time.Second); !errors.As(err, &de) || de.Name != ackIncident.Name() {
		t.Fatalf("err = %v; want *DecodeError for the request", err)
	}
	frame, _ = sockettest.Envelope("reply", map[string]any{"ref": 17})
	if err := srv.BroadcastRaw("", frame); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errs:
		if !errors.As(err, &de) || de.Name != "reply" {
			t.Fatalf("reported %v; want *DecodeError for reply", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a reply without a usable ref was not reported")
	}
}

// The request frame for payloads of every shape: the fields follow type and
// ref; keys that only look like the reserved ones are fine.
func TestCallRequestFrames(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{})
	srv.HandleRequest("x", func(sockettest.Request) (any, error) { return nil, nil })
	c := connected(t, srv, fast())
	cases := []struct {
		req  any
		want string // the frame after {"type":"x","ref":"N"
	}{
		{nil, `}`},
		{struct{}{}, `}`},
		{map[string]any{}, `}`},
		{struct{ Type, Refs string }{"a", "b"}, `,"Type":"a","Refs":"b"}`},
		{map[string]string{"note": `say "ref"`}, `,"note":"say \"ref\""}`},
		{json.RawMessage(` { "a" : 1 } `), `,"a":1}`},
	}
	anyReq := socket.DefineRequest[any, struct{}]("x")
	for i, tc := range cases {
		if _, err := socket.Call(callCtx(t, 5*time.Second), c, anyReq, tc.req); err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		reqs := srv.Requests("x")
		want := `{"type":"x","ref":"` + reqs[len(reqs)-1].Ref + `"` + tc.want
		if got := string(reqs[len(reqs)-1].Frame); got != want {
			t.Errorf("%d: frame %s, want %s", i, got, want)
		}
	}
}
