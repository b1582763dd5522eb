package socket

// PendingCalls returns how many calls await their reply, so tests can check
// that finished calls leave nothing behind.
func (c *Client) PendingCalls() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.calls.pending)
}
