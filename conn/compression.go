package conn

// SetCompression turns permessage-deflate (socket.Options.Compression) on
// or off. It is negotiated when a connection opens, so the client is
// replaced by one for the same server with the new option, like SetServer
// but keeping the store's list (the server did not change): the new
// connection catches up as after any reconnect. A server switched by a
// SetServer running at the same time wins; the option then applies from
// the next client.
func (c *Conn) SetCompression(on bool) error {
	if c.compress.Swap(on) == on {
		return nil
	}
	c.mu.Lock()
	server := c.cl.sc.URL()
	c.mu.Unlock()
	cl, err := c.newClient(server)
	if err != nil {
		return err
	}
	c.mu.Lock()
	if closed := c.closed; closed || c.cl.sc.URL() != server {
		c.mu.Unlock()
		cl.close()
		if closed {
			return ErrClosed
		}
		return nil
	}
	// As in SetServer: the OS pauses and the rooms go onto the new client
	// before anyone can see it.
	cl.sc.SetOnline(!c.offline)
	cl.sc.SetAwake(!c.asleep)
	for _, r := range *c.rooms.Load() {
		cl.sc.JoinRoom(r)
	}
	old := c.cl
	c.cl = cl
	started := c.started
	c.mu.Unlock()
	old.close() // when it returns, no handler of the old client runs
	c.log.Info("compression changed", "compression", on)
	if started {
		c.connectIfCurrent(cl)
	}
	return nil
}
