package socket

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// closeMode says how a connection is to be closed on request.
type closeMode int

const (
	closeNone  closeMode = iota
	closeHard            // drop the TCP connection now (network gone)
	closeClean           // close frame 1000, then drop; bounded
)

// cleanCloseBound bounds the close frame write of a clean close.
const cleanCloseBound = 250 * time.Millisecond

// connection is one open WebSocket. Its fields other than ws are guarded by
// Client.mu; ws is written only by the run goroutine and read only by the
// reader goroutine.
type connection struct {
	ws       *websocket.Conn
	ctrl     [][]byte      // room frames to write before buffered ones
	wake     chan struct{} // cap 1: frames are waiting
	pong     chan struct{} // cap 1: a pong arrived
	closeReq chan struct{} // closed on the first requestClose
	mode     closeMode
	readDone chan struct{} // closed when the reader has ended
	readErr  error         // why the reader ended (valid after readDone)
	done     chan struct{} // closed when the socket is closed
	once     sync.Once
}

// closing reports whether requestClose was called.
func (cn *connection) closing() bool {
	select {
	case <-cn.closeReq:
		return true
	default:
		return false
	}
}

func (cn *connection) wakeWriter() {
	select {
	case cn.wake <- struct{}{}:
	default:
	}
}

// control queues a room frame; the caller holds Client.mu.
func (cn *connection) control(frame []byte) {
	cn.ctrl = append(cn.ctrl, frame)
	cn.wakeWriter()
}

// requestClose asks the writer to close the connection; the caller holds
// Client.mu. The first request decides the mode.
func (cn *connection) requestClose(mode closeMode) {
	cn.once.Do(func() {
		cn.mode = mode
		close(cn.closeReq)
		switch mode {
		case closeHard:
			// The network is gone: do not let a write stuck on it (up to
			// WriteTimeout) delay the close.
			cn.ws.NetConn().Close()
		case closeClean:
			// A peer that stopped reading must not hold a Disconnect for
			// WriteTimeout: the close handshake gets its bound, no more.
			nc := cn.ws.NetConn()
			time.AfterFunc(2*cleanCloseBound, func() { nc.Close() })
		}
	})
}

// serve runs an open connection until it ends and returns why. It is the
// connection's only writer: the handshake message, room joins, the buffer,
// pings. It returns nil when the connection was closed on request.
func (c *Client) serve(s *session, ws *websocket.Conn, hello []byte) (end error) {
	ws.SetReadLimit(c.opts.ReadLimit)
	cn := &connection{
		ws:       ws,
		wake:     make(chan struct{}, 1),
		pong:     make(chan struct{}, 1),
		closeReq: make(chan struct{}),
		readDone: make(chan struct{}),
		done:     make(chan struct{}),
	}
	c.mu.Lock()
	if c.sess != s || c.status.Paused() {
		c.mu.Unlock()
		ws.Close()
		return nil
	}
	c.conn = cn
	reconnected := c.everConnected
	c.everConnected = true
	st := c.status
	st.State, st.Attempt, st.Err = StateConnected, 0, nil
	c.setStatusLocked(st)
	rooms := append([]string(nil), c.rooms...)
	c.mu.Unlock()

	go c.read(cn)

	code, reason := websocket.CloseAbnormalClosure, ""
	defer func() {
		c.mu.Lock()
		if c.conn == cn {
			c.conn = nil
		}
		c.failWrittenLocked(cn, end) // calls awaiting a reply on cn (call.go)
		// No requestClose can come after c.conn is cleared: mode is final.
		mode := cn.mode
		// NoBuffer frames were meant for this connection only.
		kept := c.buf[:0]
		for _, o := range c.buf {
			if !o.noBuffer {
				kept = append(kept, o)
			}
		}
		c.buf = kept
		retry := end != nil && !errors.Is(end, ErrRejected) && !c.opts.DisableReconnect
		if c.sess == s && !c.status.Paused() && retry {
			c.setStateLocked(StateReconnecting)
		} else if c.status.State == StateConnected {
			c.setStateLocked(StateDisconnected)
		}
		c.mu.Unlock()
		ws.Close()
		close(cn.done)
		<-cn.readDone
		if end == nil && mode == closeClean {
			code = websocket.CloseNormalClosure
		}
		emitEvent(c, Disconnected, DisconnectedEvent{Code: code, Reason: reason, Err: end})
	}()

	// readEnded classifies the reader's error.
	readEnded := func() error {
		err := cn.readErr
		if err == nil || cn.closing() {
			// The reader gave up, or its socket was closed under it,
			// because we are closing: a pause or Disconnect is no error.
			return nil
		}
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			code, reason = ce.Code, ce.Text
			cerr := &CloseError{Code: ce.Code, Reason: ce.Text, rejected: c.rejects(ce.Code)}
			if cerr.rejected {
				c.report(cerr)
			}
			return cerr
		}
		if errors.Is(err, websocket.ErrReadLimit) {
			err = fmt.Errorf("%w: over %d bytes", ErrFrameTooLarge, c.opts.ReadLimit)
			code = websocket.CloseMessageTooBig
		}
		c.report(err)
		return err
	}

	write := func(frame []byte) error {
		ws.SetWriteDeadline(time.Now().Add(c.opts.WriteTimeout))
		return ws.WriteMessage(websocket.TextMessage, frame)
	}
	fail := func(err error) error {
		if cn.closing() {
			return nil // closed on request, which cut the write short
		}
		c.report(fmt.Errorf("socket: write: %w", err))
		return err
	}

	// Order on connect: handshake message, room joins, buffered messages,
	// then the Connected event.
	if hello != nil {
		if err := write(hello); err != nil {
			return fail(err)
		}
	}
	for _, r := range rooms {
		if err := write(roomFrame(RoomJoin, r)); err != nil {
			return fail(err)
		}
	}
	flush := func() error {
		for {
			c.mu.Lock()
			var frame []byte
			fromCtrl := len(cn.ctrl) > 0
			switch {
			case fromCtrl:
				frame = cn.ctrl[0]
			case len(c.buf) > 0:
				frame = c.buf[0].frame
				c.callWritingLocked(cn, c.buf[0]) // call.go
			}
			c.mu.Unlock()
			if frame == nil {
				return nil
			}
			if err := write(frame); err != nil {
				return err
			}
			// Only a written frame leaves the queue: one that failed stays
			// for the next connection.
			c.mu.Lock()
			if fromCtrl {
				cn.ctrl = cn.ctrl[1:]
			} else if len(c.buf) > 0 && &c.buf[0].frame[0] == &frame[0] {
				c.buf[0] = outgoing{}
				c.buf = c.buf[1:]
			}
			c.mu.Unlock()
			select {
			case <-cn.closeReq:
				return nil
			case <-cn.readDone:
				return nil
			default:
			}
		}
	}
	if err := flush(); err != nil {
		return fail(err)
	}
	emitEvent(c, Connected, ConnectedEvent{Reconnected: reconnected})

	var beat, pongWait timer = stoppedTimer{}, stoppedTimer{}
	if c.opts.HeartbeatInterval > 0 {
		beat = c.clock.NewTimer(c.opts.HeartbeatInterval)
	}
	defer func() { beat.Stop(); pongWait.Stop() }()
	for {
		select {
		case <-cn.wake:
			if err := flush(); err != nil {
				return fail(err)
			}
		case <-beat.C():
			beat = c.clock.NewTimer(c.opts.HeartbeatInterval)
			if _, waiting := pongWait.(stoppedTimer); !waiting {
				continue // a ping is still outstanding
			}
			if err := write(pingFrame); err != nil {
				return fail(err)
			}
			pongWait = c.clock.NewTimer(c.opts.HeartbeatTimeout)
		case <-cn.pong:
			pongWait.Stop()
			pongWait = stoppedTimer{}
		case <-pongWait.C():
			err := fmt.Errorf("%w: no pong within %v", ErrHeartbeatTimeout, c.opts.HeartbeatTimeout)
			c.report(err)
			ws.NetConn().Close() // a dead peer gets no close handshake
			return err
		case <-cn.readDone:
			return readEnded()
		case <-cn.closeReq:
			if cn.mode == closeClean {
				msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")
				_ = ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(cleanCloseBound))
			}
			return nil
		}
	}
}

func (c *Client) rejects(code int) bool {
	for _, r := range c.opts.RejectCodes {
		if r == code {
			return true
		}
	}
	return false
}

// read is the connection's only reader. It answers nothing itself: pongs go
// to the writer, envelopes to the dispatcher (waiting for a free slot, so a
// flood slows the sender instead of growing memory).
func (c *Client) read(cn *connection) {
	defer close(cn.readDone)
	var fr frameReader
	names := nameCache{}
	for {
		mt, r, err := cn.ws.NextReader()
		if err != nil {
			cn.readErr = err
			return
		}
		if mt != websocket.TextMessage {
			if _, err := io.Copy(io.Discard, r); err != nil {
				cn.readErr = err
				return
			}
			c.report(fmt.Errorf("%w: binary frame", ErrMalformedFrame))
			continue
		}
		frame, err := fr.next(r)
		if err != nil {
			cn.readErr = err
			return
		}
		if len(frame) == 1 && frame[0] == pongFrame[0] {
			select {
			case cn.pong <- struct{}{}:
			default:
			}
			continue
		}
		env, err := parseEnvelope(frame, names)
		if err != nil {
			c.report(err)
			continue
		}
		if env.Name == replyName {
			c.routeReply(cn, env) // replies go to their Call (call.go)
			continue
		}
		if !c.disp.pushBounded(func() { c.deliver(env) }, cn.done) {
			return
		}
	}
}

// frameChunk is the size of the blocks frames are read into.
const frameChunk = 32 << 10

// frameReader reads frames into large blocks, one after the other, so that
// most frames cost no allocation of their own. A block is never written
// again once a frame in it is handed out: envelopes alias their frame and
// handlers may keep them as long as they like (a kept envelope keeps its
// block alive).
type frameReader struct {
	block []byte
	off   int
}

// next reads the rest of r as one frame.
func (fr *frameReader) next(r io.Reader) ([]byte, error) {
	start := fr.off
	for {
		if fr.off == len(fr.block) {
			// Full: move the partial frame to a new block, twice its size
			// if it is large.
			n := fr.off - start
			size := frameChunk
			if 2*n > size {
				size = 2 * n
			}
			nb := make([]byte, size)
			copy(nb, fr.block[start:fr.off])
			fr.block, start, fr.off = nb, 0, n
		}
		m, err := r.Read(fr.block[fr.off:])
		fr.off += m
		if err == io.EOF {
			return fr.block[start:fr.off:fr.off], nil
		}
		if err != nil {
			return nil, err
		}
	}
}
