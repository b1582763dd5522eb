package osenv

import "sync"

// caller makes every call into the Target from one goroutine, in the order
// they were asked for, so that a slow SetAwake(false) can be waited on with a
// bound without letting a later SetAwake(true) overtake it.
type caller struct {
	t    Target
	mu   sync.Mutex
	q    []call
	quit bool
	kick chan struct{} // cap 1: the queue or quit changed
	done chan struct{} // closed when the goroutine has returned

	// What Watch has put in force, to lift it on close. Only the caller
	// goroutine touches these.
	offline, asleep bool
}

type call struct {
	awake bool // false: SetOnline
	v     bool
	done  chan struct{}
}

func newCaller(t Target) *caller {
	c := &caller{t: t, kick: make(chan struct{}, 1), done: make(chan struct{})}
	go c.run()
	return c
}

func (c *caller) push(cl call) {
	c.mu.Lock()
	c.q = append(c.q, cl)
	c.mu.Unlock()
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// setOnline queues SetOnline(v).
func (c *caller) setOnline(v bool) {
	c.push(call{v: v, done: make(chan struct{})})
}

// setAwake queues SetAwake(v); the channel is closed once the call returned.
func (c *caller) setAwake(v bool) <-chan struct{} {
	done := make(chan struct{})
	c.push(call{awake: true, v: v, done: done})
	return done
}

// close runs what is queued, lifts any pause Watch put in force, and waits
// for the goroutine to end.
func (c *caller) close() {
	c.mu.Lock()
	c.quit = true
	c.mu.Unlock()
	select {
	case c.kick <- struct{}{}:
	default:
	}
	<-c.done
}

func (c *caller) run() {
	defer close(c.done)
	for {
		<-c.kick
		for {
			c.mu.Lock()
			q, quit := c.q, c.quit
			c.q = nil
			c.mu.Unlock()
			if len(q) == 0 {
				if quit {
					c.lift()
					return
				}
				break
			}
			for _, cl := range q {
				c.do(cl)
			}
		}
	}
}

func (c *caller) do(cl call) {
	if cl.awake {
		c.asleep = !cl.v
		c.t.SetAwake(cl.v)
	} else {
		c.offline = !cl.v
		c.t.SetOnline(cl.v)
	}
	close(cl.done)
}

func (c *caller) lift() {
	if c.offline {
		c.do(call{v: true, done: make(chan struct{})})
	}
	if c.asleep {
		c.do(call{awake: true, v: true, done: make(chan struct{})})
	}
}
