package socket

import (
	"context"
	stdjson "encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	json "github.com/goccy/go-json"
)

// Call sends req and waits for the reply, for ctx, or for the connection to
// end, whichever comes first.
//
// req is validated first, as Emit validates (its Validate method, if it has
// one), and must encode to a JSON object with neither a "type" nor a "ref"
// field. While the client is not connected the request waits in the send
// buffer like a buffered Emit: it counts against BufferLimit (full:
// ErrBufferFull) and is written after the next connection's handshake and
// room joins.
//
// The error says what happened to the request:
//   - ctx ended first: ctx.Err(). A request still in the buffer is removed
//     and never written; a reply that comes later is dropped.
//   - written, and then its connection ended before the reply: an error
//     matching ErrConnectionLost, at once. The server may or may not have
//     acted, so retry only requests whose handling is idempotent.
//   - still in the buffer when Disconnect cleared it: ErrNotConnected; it
//     was never written.
//   - the server answered ok false: a wrapped *RemoteError (errors.As).
//   - the reply's data does not fit Resp or fails its validation: a
//     *DecodeError.
//
// Call blocks its caller only; it starts no goroutine. Calling it from a
// handler holds up every later callback until the reply, so give it a short
// deadline there, or call from a goroutine of your own.
func Call[Req, Resp any](ctx context.Context, c *Client, r Request[Req, Resp], req Req) (Resp, error) {
	var zero Resp
	if c == nil || ctx == nil {
		return zero, fmt.Errorf("socket: call %q: nil client or context", r.name)
	}
	if r.name == "" {
		return zero, errors.New("socket: call: a request needs a name (DefineRequest)")
	}
	if err := (Message[Req]{name: r.name}).check(&req); err != nil {
		return zero, fmt.Errorf("socket: call %q: invalid: %w", r.name, err)
	}
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	pc, err := c.startCall(r.name, req)
	if err != nil {
		return zero, err
	}
	var res callResult
	select {
	case res = <-pc.done:
	case <-ctx.Done():
		if !c.abandonCall(pc) {
			return zero, ctx.Err()
		}
		res = <-pc.done // the result won the race: it is there
	}
	if res.err != nil {
		return zero, res.err
	}
	return decodeReply[Resp](r.name, res.data)
}

// decodeReply decodes and validates a reply's data as Resp; absent data
// decodes as null.
func decodeReply[Resp any](name string, data []byte) (Resp, error) {
	var v Resp
	if len(data) == 0 {
		data = []byte("null")
	}
	if err := json.Unmarshal(data, &v); err != nil {
		var zero Resp
		return zero, &DecodeError{Name: name, Err: fmt.Errorf("reply: %w", err)}
	}
	if err := (Message[Resp]{name: name}).check(&v); err != nil {
		var zero Resp
		return zero, &DecodeError{Name: name, Err: fmt.Errorf("reply invalid: %w", err)}
	}
	return v, nil
}

// calls is the client's table of requests awaiting their reply. It is
// guarded by Client.mu. A call is in the table from Call until its result is
// decided; it costs one entry and one small channel, nothing afterwards.
type calls struct {
	lastRef uint64
	pending map[string]*call
	peak    int // most entries pending since the table was last empty
}

// shrinkAfter is the peak above which an emptied table is let go: a map
// keeps the room it once needed, and a burst of calls should not hold it.
const shrinkAfter = 64

// call is one request awaiting its reply.
type call struct {
	name string
	ref  string
	conn *connection     // where it is (being) written; nil while it waits
	done chan callResult // cap 1: receives the one result
}

// callResult is how a call ended: the reply's data, or why not.
type callResult struct {
	data stdjson.RawMessage
	err  error
}

// remove takes pc out of the table, letting go of a table emptied after a
// burst.
func (cs *calls) remove(pc *call) {
	delete(cs.pending, pc.ref)
	if len(cs.pending) == 0 && cs.peak > shrinkAfter {
		cs.pending, cs.peak = nil, 0
	}
}

// startCall encodes the request with a fresh ref and queues it in the send
// buffer.
func (c *Client) startCall(name string, req any) (*call, error) {
	c.mu.Lock()
	c.calls.lastRef++
	ref := strconv.FormatUint(c.calls.lastRef, 10)
	c.mu.Unlock()
	frame, err := encodeRequest(name, ref, req)
	if err != nil {
		return nil, err
	}
	pc := &call{name: name, ref: ref, done: make(chan callResult, 1)}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.buf) >= c.opts.BufferLimit {
		return nil, fmt.Errorf("%w: %d messages waiting (call %q)", ErrBufferFull, len(c.buf), name)
	}
	if c.calls.pending == nil {
		c.calls.pending = map[string]*call{}
	}
	c.calls.pending[ref] = pc
	c.calls.peak = max(c.calls.peak, len(c.calls.pending))
	c.buf = append(c.buf, outgoing{frame: frame, call: pc})
	if c.conn != nil {
		c.conn.wakeWriter()
	}
	return pc, nil
}

// How a call's frame travels. The writer takes a frame from the front of
// c.buf and writes it; a frame leaves c.buf only once written, and one whose
// write failed stays for the next connection. When the writer takes a call's
// frame it calls callWritingLocked, which marks the call with the connection
// (pc.conn). When that connection ends, a marked call still in c.buf was not
// written and is unmarked; any other marked call was (or may have been)
// written, and fails with ErrConnectionLost. A call leaving the table for any
// other reason (reply, ctx, Disconnect) is taken out of c.buf, so a frame
// that nobody waits for is never written.
//
// The hooks the rest of the client calls, all with c.mu held except
// routeReply:
//   - the writer: callWritingLocked when it takes a buffered frame; it must
//     tolerate any element of c.buf, the one it is writing included, being
//     removed while it writes (it matches the frame, not the index);
//   - the connection's teardown: failWrittenLocked(cn, why);
//   - the reader: routeReply for every envelope named replyName, instead of
//     dispatching it;
//   - Disconnect: clearBufferLocked instead of c.buf = nil.

// finishLocked decides pc's result, once: it leaves the table and the send
// buffer.
func (c *Client) finishLocked(pc *call, res callResult) {
	if c.forgetLocked(pc) {
		pc.done <- res
	}
}

// forgetLocked takes pc out of the table and the send buffer. It reports
// false when pc had already left the table, its result decided.
func (c *Client) forgetLocked(pc *call) bool {
	if c.calls.pending[pc.ref] != pc {
		return false
	}
	c.calls.remove(pc)
	c.buf = slices.DeleteFunc(c.buf, func(o outgoing) bool { return o.call == pc })
	return true
}

// abandonCall forgets pc when its caller's context ends. It reports true
// when pc's result was decided first and is waiting in pc.done.
func (c *Client) abandonCall(pc *call) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.forgetLocked(pc)
}

// callWritingLocked marks o's call, if it has one, as being written to cn:
// the writer has taken o from the front of the buffer.
func (c *Client) callWritingLocked(cn *connection, o outgoing) {
	if pc := o.call; pc != nil && c.calls.pending[pc.ref] == pc {
		pc.conn = cn
	}
}

// failWrittenLocked ends the calls written to cn, which has closed, with
// ErrConnectionLost: their replies can no longer come. A call whose write
// failed is still buffered and stays so, for the next connection.
func (c *Client) failWrittenLocked(cn *connection, why error) {
	for _, o := range c.buf {
		if o.call != nil && o.call.conn == cn {
			o.call.conn = nil
		}
	}
	for _, pc := range c.calls.pending {
		if pc.conn != cn {
			continue
		}
		err := fmt.Errorf("%w (call %q, ref %s)", ErrConnectionLost, pc.name, pc.ref)
		if why != nil {
			err = fmt.Errorf("%w (call %q, ref %s): %w", ErrConnectionLost, pc.name, pc.ref, why)
		}
		c.finishLocked(pc, callResult{err: err})
	}
}

// clearBufferLocked empties the send buffer for Disconnect: calls still in
// it were never written and fail with ErrNotConnected. The one being written
// right now, if any, is left to the end of its connection.
func (c *Client) clearBufferLocked() {
	for _, o := range c.buf {
		if pc := o.call; pc != nil && pc.conn == nil && c.calls.pending[pc.ref] == pc {
			c.calls.remove(pc)
			pc.done <- callResult{err: fmt.Errorf("%w: disconnected before call %q was sent", ErrNotConnected, pc.name)}
		}
	}
	c.buf = nil
}

// routeReply completes the call a reply envelope received on cn answers. A
// reply that matches no pending call (late, or from before a reconnect) is
// dropped; a malformed one fails its call, or, when it has none, is
// returned for the reader to report as a bad frame (bounded and coalesced
// like every other bad frame, so a flood of junk replies cannot queue
// reports without limit).
func (c *Client) routeReply(cn *connection, env Envelope) error {
	r, perr := parseReply(env.Data)
	c.mu.Lock()
	defer c.mu.Unlock()
	pc := c.calls.pending[r.Ref]
	if pc == nil || pc.conn != cn {
		if perr != nil {
			return &DecodeError{Name: replyName, Err: perr}
		}
		c.log.Debug("socket: reply matches no pending call: dropped", "ref", r.Ref)
		return nil
	}
	res := r.result()
	if res.err != nil {
		res.err = fmt.Errorf("%w (call %q, ref %s)", res.err, pc.name, pc.ref)
	}
	if perr != nil {
		res = callResult{err: &DecodeError{Name: pc.name, Err: fmt.Errorf("reply: %w", perr)}}
	}
	c.finishLocked(pc, res)
	return nil
}
