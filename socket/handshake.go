package socket

import (
	"context"
	"fmt"
	"net/http"
	"runtime/debug"
)

// handshakeRun is one call of Options.Handshake, on a goroutine of its own
// so that a callback that ignores its ctx cannot hold a dial, a Disconnect
// or a pause. The callback is never called again while an earlier call is
// still running, so a stuck one costs one goroutine, not one per dial.
type handshakeRun struct {
	done chan struct{} // closed when the callback has returned
	hs   Handshake     // valid once done is closed
	err  error         // valid once done is closed
}

// upgradeRequest returns the headers and the first frame of one dial: the
// Options.Header merged with what Options.Handshake supplies. A Handshake
// that panics is recovered into a *HandlerPanicError named "handshake"; one
// that has not returned when ctx ends is abandoned (ctx.Err()).
func (c *Client) upgradeRequest(ctx context.Context) (http.Header, []byte, error) {
	header := c.opts.Header.Clone()
	if c.opts.Handshake == nil {
		return header, nil, nil
	}
	hs, err := c.handshake(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("handshake: %w", err)
	}
	if header == nil {
		header = http.Header{}
	}
	for k, vs := range hs.Header {
		for _, v := range vs {
			header.Add(k, v)
		}
	}
	var hello []byte
	if hs.Name != "" {
		if hello, err = EncodeMessage(hs.Name, hs.Data); err != nil {
			return nil, nil, fmt.Errorf("handshake: %w", err)
		}
	}
	return header, hello, nil
}

// handshake calls Options.Handshake and waits for it or for ctx.
func (c *Client) handshake(ctx context.Context) (Handshake, error) {
	run, err := c.startHandshake(ctx)
	if err != nil {
		return Handshake{}, err
	}
	go func() {
		defer close(run.done)
		defer func() {
			if v := recover(); v != nil {
				run.err = &HandlerPanicError{Name: "handshake", Value: v, Stack: debug.Stack()}
			}
		}()
		run.hs, run.err = c.opts.Handshake(ctx)
	}()
	select {
	case <-run.done:
		return run.hs, run.err
	case <-ctx.Done():
		return Handshake{}, ctx.Err()
	}
}

// startHandshake claims the right to call Options.Handshake, once the
// previous call (of this session or, after a quick Disconnect and Connect,
// of the one before) has returned.
func (c *Client) startHandshake(ctx context.Context) (*handshakeRun, error) {
	for {
		c.mu.Lock()
		prev := c.hsRun
		if prev == nil || isClosed(prev.done) {
			run := &handshakeRun{done: make(chan struct{})}
			c.hsRun = run
			c.mu.Unlock()
			return run, nil
		}
		c.mu.Unlock()
		select {
		case <-prev.done:
		case <-ctx.Done():
			return nil, fmt.Errorf("an earlier call has not returned: %w", ctx.Err())
		}
	}
}

func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
