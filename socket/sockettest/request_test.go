package sockettest_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/socket/sockettest"
)

type sumReq struct{ A, B int }
type sumResp struct{ Sum int }

var sumRequest = socket.DefineRequest[sumReq, sumResp]("sum")

// replyFrame is what a reply envelope carries.
type replyFrame struct {
	Name string
	Data struct {
		Ref   string
		OK    bool
		Data  json.RawMessage
		Error *struct{ Code, Message string }
	}
}

// requestConn dials srv with a raw gorilla client.
func requestConn(t *testing.T, srv *sockettest.Server) *websocket.Conn {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(srv.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

func writeText(t *testing.T, ws *websocket.Conn, frame string) {
	t.Helper()
	if err := ws.WriteMessage(websocket.TextMessage, []byte(frame)); err != nil {
		t.Fatal(err)
	}
}

// readReply reads the next frame, which must be a reply, within 5 s.
func readReply(t *testing.T, ws *websocket.Conn) replyFrame {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, msg, err := ws.ReadMessage()
	if err != nil {
		t.Fatalf("read reply: %v", err)
	}
	var r replyFrame
	if err := json.Unmarshal(msg, &r); err != nil || r.Name != "reply" {
		t.Fatalf("frame %s is not a reply (%v)", msg, err)
	}
	return r
}

func sumServer(t *testing.T) *sockettest.Server {
	t.Helper()
	srv := sockettest.Start(t, sockettest.Options{})
	sockettest.Handle(srv, sumRequest, func(_ int, r sumReq) (sumResp, error) {
		switch {
		case r.A < 0:
			return sumResp{}, &socket.RemoteError{Code: "negative", Message: "no negatives"}
		case r.A == 13:
			return sumResp{}, errors.New("unlucky")
		}
		return sumResp{Sum: r.A + r.B}, nil
	})
	return srv
}

func TestRequestAnswered(t *testing.T) {
	srv := sumServer(t)
	ws := requestConn(t, srv)
	writeText(t, ws, `{"type":"sum","A":1,"B":2}`) // no ref: a message, not answered
	writeText(t, ws, `{"type":"sum","ref":"r1","A":1,"B":2}`)
	r := readReply(t, ws)
	if r.Data.Ref != "r1" || !r.Data.OK || string(r.Data.Data) != `{"Sum":3}` {
		t.Fatalf("reply %+v; want r1 ok {Sum:3}", r.Data)
	}
	for _, tc := range []struct{ frame, code string }{
		{`{"type":"sum","ref":"r2","A":-1}`, "negative"},
		{`{"type":"sum","ref":"r3","A":13}`, "internal"},
		{`{"type":"sum","ref":"r4","A":"x"}`, "bad_request"},
		{`{"type":"nope","ref":"r5"}`, "unknown_request"},
	} {
		writeText(t, ws, tc.frame)
		r := readReply(t, ws)
		if r.Data.OK || r.Data.Error == nil || r.Data.Error.Code != tc.code {
			t.Errorf("%s: reply %+v; want code %s", tc.frame, r.Data, tc.code)
		}
	}
	if got := srv.Requests("sum"); len(got) != 4 || got[0].Ref != "r1" || got[0].Conn != 1 {
		t.Fatalf("Requests(sum) = %+v; want the 4 sum requests, r1 first", got)
	}
}

func TestRequestDelayed(t *testing.T) {
	srv := sumServer(t)
	srv.SetReplyDelay(100 * time.Millisecond)
	ws := requestConn(t, srv)
	start := time.Now()
	writeText(t, ws, `{"type":"sum","ref":"r1","A":1,"B":2}`)
	if r := readReply(t, ws); r.Data.Ref != "r1" {
		t.Fatalf("reply %+v", r.Data)
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Fatalf("answered after %v, before the delay", d)
	}
}

func TestRequestNeverAnsweredThenByHand(t *testing.T) {
	srv := sumServer(t)
	srv.SetReplyMode(sockettest.ReplyNever)
	ws := requestConn(t, srv)
	writeText(t, ws, `{"type":"sum","ref":"r1","A":1,"B":2}`)
	deadline := time.Now().Add(5 * time.Second)
	for len(srv.Requests("")) == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	q := srv.Requests("")
	if len(q) != 1 {
		t.Fatalf("Requests = %+v", q)
	}
	if err := srv.ReplyError(q[0].Conn, q[0].Ref, "late", "by hand"); err != nil {
		t.Fatal(err)
	}
	if r := readReply(t, ws); r.Data.Ref != "r1" || r.Data.Error == nil || r.Data.Error.Code != "late" {
		t.Fatalf("reply %+v; want the one sent by hand", r.Data)
	}
	if err := srv.Reply(99, "r1", nil); err == nil {
		t.Fatal("Reply to a connection that does not exist succeeded")
	}
}

func TestRequestDropsConnection(t *testing.T) {
	srv := sumServer(t)
	srv.SetReplyMode(sockettest.ReplyDrop)
	ws := requestConn(t, srv)
	writeText(t, ws, `{"type":"sum","ref":"r1","A":1,"B":2}`)
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, msg, err := ws.ReadMessage()
	var ne interface{ Timeout() bool }
	if err == nil || (errors.As(err, &ne) && ne.Timeout()) {
		t.Fatalf("read = %s, %v; want the connection dropped", msg, err)
	}
}
