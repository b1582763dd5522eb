package conn

// SetCompression turns permessage-deflate (socket.Options.Compression) on
// or off. It is negotiated when a connection opens, so the client is
// replaced by one for the same server with the new option (see Redial):
// the new connection catches up as after any reconnect. A server switched
// by a SetServer running at the same time wins; the option then applies
// from the next client.
func (c *Conn) SetCompression(on bool) error {
	if c.compress.Swap(on) == on {
		return nil
	}
	if err := c.replaceClient(); err != nil {
		return err
	}
	c.log.Info("compression changed", "compression", on)
	return nil
}

// Redial replaces the connection by a new one to the same server, keeping
// the store's list (the server did not change): its dial asks
// Options.Token again, so a token changed for this server is used at once,
// not only from the next reconnect. Requests awaiting a reply on the old
// connection end: socket.ErrConnectionLost once written, else
// socket.ErrNotConnected. Before Start it does nothing: the first dial
// asks for the token anyway. A SetServer running at the same time
// wins (it dials anew too).
func (c *Conn) Redial() error {
	c.mu.Lock()
	started := c.started
	c.mu.Unlock()
	if !started {
		return nil
	}
	if err := c.replaceClient(); err != nil {
		return err
	}
	c.log.Info("redialled")
	return nil
}

// replaceClient puts a new client for the current server in place of the
// current one, like SetServer but keeping the store's list, and connects
// it if the Conn was started.
func (c *Conn) replaceClient() error {
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
	old, started := c.adoptLocked(cl)
	c.mu.Unlock()
	old.close() // when it returns, no handler of the old client runs
	if started {
		c.connectIfCurrent(cl)
	}
	return nil
}
