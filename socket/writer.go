package socket

import (
	"errors"
	"fmt"
	"time"

	"github.com/gorilla/websocket"
)

// writer is a connection's only writer, and the one that decides when the
// connection ends. It writes, in this order on connect, the handshake
// message, the room joins and the send buffer; then, until the end, room
// frames and buffered messages as they come, and the heartbeat's pings.
// Its goroutine is the session's run goroutine.
type writer struct {
	c  *Client
	cn *connection
	hb heartbeat
	// code and reason are what the Disconnected event reports: the peer's
	// close frame, or what the client closed with; 1006 by default.
	code   int
	reason string
}

func newWriter(c *Client, cn *connection) *writer {
	return &writer{c: c, cn: cn, code: websocket.CloseAbnormalClosure}
}

// run writes until the connection ends and returns why: nil when it was
// closed on request.
func (w *writer) run(hello []byte, rooms []string, reconnected bool) error {
	if err := w.greet(hello, rooms); err != nil {
		return w.writeFailed(err)
	}
	emitEvent(w.c, Connected, ConnectedEvent{Reconnected: reconnected})
	w.hb = newHeartbeat(w.c.opts, w.c.clock, &w.cn.live)
	defer w.hb.stop()
	for {
		select {
		case <-w.cn.wake:
			if err := w.flush(); err != nil {
				return w.writeFailed(err)
			}
		case <-w.hb.beatC():
			if w.hb.due() {
				if err := w.write(pingFrame); err != nil {
					return w.writeFailed(err)
				}
				w.hb.sent()
			}
		case <-w.cn.live.answered:
			w.hb.answered()
		case <-w.hb.waitC():
			if err := w.hb.overdue(); err != nil {
				return w.heartbeatFailed(err)
			}
		case <-w.cn.readDone:
			return w.readEnded()
		case <-w.cn.closeReq:
			return w.closeRequested()
		}
	}
}

// greet writes what precedes everything else on a new connection: the
// handshake message, the room joins, then the send buffer.
func (w *writer) greet(hello []byte, rooms []string) error {
	if hello != nil {
		if err := w.write(hello); err != nil {
			return err
		}
	}
	for _, r := range rooms {
		if err := w.write(roomFrame(RoomJoin, r)); err != nil {
			return err
		}
	}
	return w.flush()
}

func (w *writer) write(frame []byte) error {
	w.cn.ws.SetWriteDeadline(time.Now().Add(w.c.opts.WriteTimeout))
	return w.cn.ws.WriteMessage(websocket.TextMessage, frame)
}

// flush writes the queued room frames and buffered messages until none is
// left or the connection is ending.
func (w *writer) flush() error {
	for {
		p, ok := w.c.nextFrame(w.cn)
		if !ok {
			return nil
		}
		if err := w.write(p.frame); err != nil {
			return err // p stays queued, for the next connection
		}
		w.c.frameWritten(w.cn, p)
		select {
		case <-w.cn.closeReq:
			return nil
		case <-w.cn.readDone:
			return nil
		default:
		}
	}
}

// pending identifies the frame the writer took: the first room frame, or
// the buffered message stamped seq.
type pending struct {
	frame []byte
	ctrl  bool
	seq   uint64
}

// nextFrame takes the next frame to write without removing it: it leaves
// its queue only once written. The front buffered message is stamped with a
// sequence number, as anything in the buffer may be removed while it is
// being written (Disconnect, a Call whose ctx ended).
func (c *Client) nextFrame(cn *connection) (pending, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(cn.ctrl) > 0 {
		return pending{frame: cn.ctrl[0], ctrl: true}, true
	}
	if len(c.buf) == 0 {
		return pending{}, false
	}
	o := &c.buf[0]
	if o.seq == 0 {
		c.lastSeq++
		o.seq = c.lastSeq
	}
	c.callWritingLocked(cn, *o) // call.go
	return pending{frame: o.frame, seq: o.seq}, true
}

// frameWritten removes p from its queue, if it is still there.
func (c *Client) frameWritten(cn *connection, p pending) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case p.ctrl:
		cn.ctrl[0] = nil
		cn.ctrl = cn.ctrl[1:]
	case len(c.buf) > 0 && c.buf[0].seq == p.seq:
		c.buf[0] = outgoing{}
		c.buf = c.buf[1:]
	}
}

// writeFailed ends the connection after a failed write, unless it was
// being closed on request, which is what cut the write short. A peer that
// closes with a close frame (a refused token, a restart) and drops the TCP
// connection at once makes the next write fail (broken pipe, reset) while
// its close frame still waits, unread, in the socket; closing it now would
// lose the frame, and the reason with it. So the reader gets readGrace to
// read what has arrived, and the server's close, if it comes, is what the
// connection ends with.
func (w *writer) writeFailed(err error) error {
	if w.cn.closing() {
		return nil
	}
	if w.awaitReader() {
		var ce *websocket.CloseError
		if errors.As(w.cn.readErr, &ce) {
			return w.readEnded()
		}
	}
	if w.cn.closing() {
		return nil
	}
	w.c.report(fmt.Errorf("socket: write: %w", err))
	return err
}

// readGrace is how long, after a failed write, the reader may still read
// what the peer sent before it went. What is already in the socket takes
// microseconds; a peer that vanished without a word costs this much more.
const readGrace = 250 * time.Millisecond

// awaitReader lets the reader read on for at most readGrace, and reports
// whether it has ended. A reader held back by slow handlers is not waited
// for beyond that, nor is anything once the connection is closing.
func (w *writer) awaitReader() bool {
	w.cn.ws.SetReadDeadline(time.Now().Add(readGrace))
	t := time.NewTimer(readGrace)
	defer t.Stop()
	select {
	case <-w.cn.readDone:
		return true
	case <-w.cn.closeReq:
	case <-t.C:
	}
	return false
}

// heartbeatFailed drops a connection whose peer stopped answering.
func (w *writer) heartbeatFailed(err error) error {
	w.c.report(err)
	w.cn.ws.NetConn().Close() // a dead peer gets no close handshake
	return err
}

// readEnded classifies why the reader ended.
func (w *writer) readEnded() error {
	err := w.cn.readErr
	if err == nil || w.cn.closing() {
		// The reader gave up, or its socket was closed under it, because
		// we are closing: a pause or Disconnect is no error.
		return nil
	}
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		w.code, w.reason = ce.Code, ce.Text
		cerr := &CloseError{Code: ce.Code, Reason: ce.Text, rejected: w.c.rejects(ce.Code)}
		if cerr.rejected {
			w.c.report(cerr)
		}
		return cerr
	}
	switch {
	case errors.Is(err, websocket.ErrReadLimit):
		err = fmt.Errorf("%w: over %d bytes", ErrFrameTooLarge, w.c.opts.ReadLimit)
		w.code = websocket.CloseMessageTooBig
	case errors.Is(err, ErrInvalidUTF8):
		// Fail the connection as RFC 6455 §8.1 says and browsers do.
		w.code = websocket.CloseInvalidFramePayloadData
		msg := websocket.FormatCloseMessage(w.code, "invalid UTF-8")
		_ = w.cn.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(cleanCloseBound))
	}
	w.c.report(err)
	return err
}

// closeRequested ends the connection as requestClose asked.
func (w *writer) closeRequested() error {
	if w.closedCleanly() {
		msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")
		_ = w.cn.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(cleanCloseBound))
	}
	return nil
}

// closedCleanly reports whether the connection was closed on request with
// a close handshake. It is read by the writer, after requestClose decided.
func (w *writer) closedCleanly() bool {
	w.c.mu.Lock()
	defer w.c.mu.Unlock()
	return w.cn.mode == closeClean
}
