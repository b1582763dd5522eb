package socket

import (
	"errors"
	"fmt"
	"io"

	"github.com/gorilla/websocket"
)

// reader is a connection's only reader. It answers nothing itself: it
// tells the heartbeat that frames arrive, hands envelopes to the dispatcher
// and reports bad frames. Both wait for a free dispatch slot, and a burst
// of bad frames shares one queued report, so no flood grows memory: a
// flood of messages slows the sender, a flood of junk is read and dropped.
type reader struct {
	c     *Client
	cn    *connection
	fr    frameReader
	names nameCache
}

// read runs the reader of cn until the connection ends.
func (c *Client) read(cn *connection) {
	defer close(cn.readDone)
	r := reader{c: c, cn: cn, names: nameCache{}, fr: frameReader{limit: int(c.opts.ReadLimit)}}
	cn.readErr = r.loop()
}

// loop reads frames until reading fails (its error) or the connection is
// closing (nil).
func (r *reader) loop() error {
	for {
		mt, src, err := r.cn.ws.NextReader()
		if err != nil {
			return err
		}
		r.cn.live.frameArrived()
		if mt != websocket.TextMessage {
			if _, err := io.Copy(io.Discard, src); err != nil {
				return err
			}
			if !r.bad(errBinaryFrame) {
				return nil
			}
			continue
		}
		frame, err := r.fr.next(src)
		if err != nil {
			return err
		}
		if ok, err := r.handle(frame); !ok {
			return err
		}
	}
}

// errBinaryFrame is reported for every binary frame: the protocol is text.
var errBinaryFrame = fmt.Errorf("%w: binary frame", ErrMalformedFrame)

// handle passes one text frame on. It reports false when reading must end:
// with an error for a frame that is not UTF-8, which fails the connection
// (RFC 6455 §8.1), nil when the connection is closing.
func (r *reader) handle(frame []byte) (bool, error) {
	if len(frame) == 1 && frame[0] == pongFrame[0] {
		r.fr.unread() // frameArrived has answered the ping
		return true, nil
	}
	env, err := parseEnvelope(frame, r.names)
	switch {
	case errors.Is(err, ErrInvalidUTF8):
		return false, err
	case err != nil && env.Name == "":
		r.fr.unread()
		return r.bad(err), nil
	case err != nil: // usable, but for its timestamp
		if !r.bad(err) {
			return false, nil
		}
	}
	if env.Name == replyName {
		// Replies go to their Call (call.go); a malformed orphan is a bad frame.
		if err := r.c.routeReply(r.cn, env); err != nil {
			return r.bad(err), nil
		}
		return true, nil
	}
	return r.c.disp.pushMessage(env, r.cn.done, &r.cn.live), nil
}

// bad reports a bad frame, coalesced with the bad frames before it whose
// report has not run yet.
func (r *reader) bad(err error) bool {
	return r.c.disp.pushBadFrame(err, r.c.reportBadFrames, r.cn.done, &r.cn.live)
}

// frameChunk is the size of the blocks frames are read into.
const frameChunk = 32 << 10

// frameReader reads frames into large blocks, one after the other, so that
// most frames cost no allocation of their own. A block is never written
// again once a frame in it is handed out: envelopes alias their frame and
// handlers may keep them as long as they like (a kept envelope keeps its
// block alive). A frame larger than a block gets a block of its own, which
// is given up once the frame is handed out.
type frameReader struct {
	// limit bounds a frame after decompression (gorilla's ReadLimit counts
	// the bytes on the wire, which a deflate bomb multiplies).
	limit int
	block []byte
	off   int // where the next frame starts
	last  int // where the last frame started, for unread
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
		if fr.off-start > fr.limit {
			fr.block, fr.off, fr.last = nil, 0, 0
			return nil, websocket.ErrReadLimit
		}
		if err == io.EOF {
			frame := fr.block[start:fr.off:fr.off]
			fr.last = start
			if len(fr.block) > frameChunk {
				fr.block, fr.off, fr.last = nil, 0, 0 // no oversized block kept
			}
			return frame, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// unread gives the space of the last frame back: it was not handed out.
func (fr *frameReader) unread() { fr.off = fr.last }
