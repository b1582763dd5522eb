package socket

import (
	"errors"
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

// connection is one open WebSocket, shared by its writer (the run
// goroutine), its reader and the client's methods. Its fields ctrl and mode
// are guarded by Client.mu; readErr is written by the reader before it
// closes readDone; ws is written only by the writer and read only by the
// reader (gorilla allows one of each); the writer also sets its read
// deadline after a failed write (net.Conn allows that at any time).
type connection struct {
	ws       *websocket.Conn
	ctrl     [][]byte      // room frames to write before buffered ones
	wake     chan struct{} // cap 1: frames are waiting
	closeReq chan struct{} // closed on the first requestClose
	mode     closeMode
	readDone chan struct{} // closed when the reader has ended
	readErr  error         // why the reader ended (valid after readDone)
	done     chan struct{} // closed when the socket is closed
	once     sync.Once
	live     liveness // what the reader tells the heartbeat
}

func newConnection(ws *websocket.Conn, clk clock) *connection {
	return &connection{
		ws:       ws,
		wake:     make(chan struct{}, 1),
		closeReq: make(chan struct{}),
		readDone: make(chan struct{}),
		done:     make(chan struct{}),
		live:     liveness{clock: clk, answered: make(chan struct{}, 1)},
	}
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

// serve runs an open connection until it ends and returns why: nil when it
// was closed on request. The calling goroutine becomes its writer.
func (c *Client) serve(s *session, ws *websocket.Conn, hello []byte) error {
	ws.SetReadLimit(c.opts.ReadLimit)
	cn := newConnection(ws, c.clock)
	rooms, reconnected, ok := c.attach(s, cn)
	if !ok {
		ws.Close()
		return nil
	}
	go c.read(cn)
	w := newWriter(c, cn)
	end := w.run(hello, rooms, reconnected)
	c.detach(s, cn, end)
	code, reason := w.code, w.reason
	if end == nil && w.closedCleanly() {
		code = websocket.CloseNormalClosure
	}
	emitEvent(c, Disconnected, DisconnectedEvent{Code: code, Reason: reason, Err: end})
	return end
}

// attach makes cn the client's connection, unless the session ended or a
// pause came first. It returns the rooms to join and whether this is a
// reconnection.
func (c *Client) attach(s *session, cn *connection) (rooms []string, reconnected, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sess != s || c.status.Paused() {
		return nil, false, false
	}
	c.conn = cn
	reconnected = c.everConnected
	c.everConnected = true
	st := c.status
	st.State, st.Attempt, st.Err = StateConnected, 0, nil
	c.setStatusLocked(st)
	return append([]string(nil), c.rooms...), reconnected, true
}

// detach ends cn, which ended because of end: it fails the calls that were
// written to it, drops the NoBuffer frames meant for it, moves the state
// on, closes the socket and waits for the reader.
func (c *Client) detach(s *session, cn *connection, end error) {
	c.mu.Lock()
	if c.conn == cn {
		c.conn = nil
	}
	// No requestClose can come after c.conn is cleared: cn.mode is final.
	c.failWrittenLocked(cn, end) // calls awaiting a reply on cn (call.go)
	kept := c.buf[:0]
	for _, o := range c.buf {
		if !o.noBuffer {
			kept = append(kept, o)
		}
	}
	clear(c.buf[len(kept):])
	c.buf = kept
	retry := end != nil && !errors.Is(end, ErrRejected) && !c.opts.DisableReconnect
	if c.sess == s && !c.status.Paused() && retry {
		c.setStateLocked(StateReconnecting)
	} else if c.status.State == StateConnected {
		c.setStateLocked(StateDisconnected)
	}
	c.mu.Unlock()
	cn.ws.Close()
	close(cn.done)
	<-cn.readDone
}

func (c *Client) rejects(code int) bool {
	for _, r := range c.opts.RejectCodes {
		if r == code {
			return true
		}
	}
	return false
}
