// Package faultproxy is a TCP proxy for tests that can misbehave on
// command: blackhole (accept bytes, forward nothing), reset, delay, throttle
// and half-close. A mode applies at once to every open connection and to
// the ones accepted later, until the next SetMode.
package faultproxy

import (
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// Kind names a behaviour.
type Kind int

const (
	// Pass forwards bytes both ways, as a cable would.
	Pass Kind = iota
	// Blackhole accepts every byte from both sides and forwards none: a
	// peer that vanished without a FIN or RST (a dead NAT, a suspended VM).
	Blackhole
	// Reset drops every connection with a TCP RST and resets new ones on
	// accept.
	Reset
	// Delay holds every chunk for Mode.Delay before forwarding it.
	Delay
	// Throttle forwards at most Mode.BytesPerSec bytes per second each way.
	Throttle
	// HalfClose sends a FIN towards the client (it reads EOF) while still
	// forwarding what the client sends to the server.
	HalfClose
)

// Mode is a behaviour and its parameter.
type Mode struct {
	Kind        Kind
	Delay       time.Duration // for Delay
	BytesPerSec int           // for Throttle
}

// Proxy listens on a loopback port and forwards to a target address.
type Proxy struct {
	ln     net.Listener
	target string

	mu      sync.Mutex
	mode    Mode
	changed chan struct{} // closed and replaced on every SetMode
	conns   map[*link]struct{}
	closed  bool
	wg      sync.WaitGroup
}

// New starts a proxy to target on 127.0.0.1 with a free port.
func New(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{ln: ln, target: target, changed: make(chan struct{}), conns: map[*link]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the proxy's host:port.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// SetMode switches every connection, open or future, to m.
func (p *Proxy) SetMode(m Mode) {
	p.mu.Lock()
	p.mode = m
	close(p.changed)
	p.changed = make(chan struct{})
	var reset []*link
	if m.Kind == Reset {
		for l := range p.conns {
			reset = append(reset, l)
		}
	}
	var half []*link
	if m.Kind == HalfClose {
		for l := range p.conns {
			half = append(half, l)
		}
	}
	p.mu.Unlock()
	for _, l := range reset {
		l.reset()
	}
	for _, l := range half {
		l.halfClose()
	}
}

// Close stops the proxy and drops every connection; it returns when all of
// the proxy's goroutines have ended.
func (p *Proxy) Close() {
	p.mu.Lock()
	p.closed = true
	ls := make([]*link, 0, len(p.conns))
	for l := range p.conns {
		ls = append(ls, l)
	}
	p.mu.Unlock()
	p.ln.Close()
	for _, l := range ls {
		l.close()
	}
	p.wg.Wait()
}

func (p *Proxy) current() (Mode, <-chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.mode, p.changed
}

// link is one proxied connection.
type link struct {
	client, server *net.TCPConn
	once           sync.Once
	halfOnce       sync.Once
}

func (l *link) close() {
	l.once.Do(func() {
		l.client.Close()
		l.server.Close()
	})
}

func (l *link) reset() {
	l.client.SetLinger(0)
	l.server.SetLinger(0)
	l.close()
}

func (l *link) halfClose() {
	l.halfOnce.Do(func() { l.client.CloseWrite() })
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go p.serve(c.(*net.TCPConn))
	}
}

func (p *Proxy) serve(client *net.TCPConn) {
	defer p.wg.Done()
	mode, _ := p.current()
	if mode.Kind == Reset {
		client.SetLinger(0)
		client.Close()
		return
	}
	sc, err := net.DialTimeout("tcp", p.target, time.Second)
	if err != nil {
		client.SetLinger(0)
		client.Close()
		return
	}
	l := &link{client: client, server: sc.(*net.TCPConn)}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		l.close()
		return
	}
	p.conns[l] = struct{}{}
	p.mu.Unlock()
	if mode.Kind == HalfClose {
		l.halfClose()
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); p.pump(l, l.client, l.server, false) }()
	go func() { defer wg.Done(); p.pump(l, l.server, l.client, true) }()
	wg.Wait()
	l.close()
	p.mu.Lock()
	delete(p.conns, l)
	p.mu.Unlock()
}

// pump copies src to dst under the current mode until either side fails.
// toClient says dst is the client.
func (p *Proxy) pump(l *link, src, dst *net.TCPConn, toClient bool) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && !p.forward(l, dst, buf[:n], toClient) {
			l.close()
			return
		}
		if errors.Is(err, io.EOF) {
			// Pass the FIN on and leave the other direction running.
			dst.CloseWrite()
			return
		}
		if err != nil {
			l.close()
			return
		}
	}
}

// forward writes chunk to dst as the mode says; false ends the pump.
func (p *Proxy) forward(l *link, dst *net.TCPConn, chunk []byte, toClient bool) bool {
	mode, changed := p.current()
	switch mode.Kind {
	case Blackhole:
		return true // swallowed
	case Reset:
		return false
	case HalfClose:
		if toClient {
			return true // the client's read side is closed: nothing to deliver
		}
	case Delay:
		select {
		case <-time.After(mode.Delay):
		case <-changed:
			// The mode changed while holding the chunk: deliver it under
			// the new mode.
			return p.forward(l, dst, chunk, toClient)
		}
	case Throttle:
		for len(chunk) > 0 && mode.BytesPerSec > 0 {
			n := min(len(chunk), max(1, mode.BytesPerSec/100))
			if _, err := dst.Write(chunk[:n]); err != nil {
				return false
			}
			chunk = chunk[n:]
			time.Sleep(time.Duration(n) * time.Second / time.Duration(mode.BytesPerSec))
		}
		return true
	}
	_, err := dst.Write(chunk)
	return err == nil
}
