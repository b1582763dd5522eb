//go:build (linux || freebsd || netbsd || openbsd || illumos) && !nodbus

package notify

// TagID exposes the replaces_id remembered for tag, for tests.
func TagID(d *DBus, tag string) uint32 {
	d.ids.Lock()
	defer d.ids.Unlock()
	return d.tags[tag]
}

// Clickable reports whether d has stored the reply to the Notify call that
// returned nid. The server records the call before d reads the reply, so a
// test that clicks as soon as the server saw the call must wait for this.
func Clickable(d *DBus, nid uint32) bool {
	d.ids.Lock()
	defer d.ids.Unlock()
	_, ok := d.clicks.get(nid)
	return ok
}
