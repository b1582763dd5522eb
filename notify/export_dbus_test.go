//go:build (linux || freebsd || netbsd || openbsd || illumos) && !nodbus

package notify

// TagID exposes the replaces_id remembered for tag, for tests.
func TagID(d *DBus, tag string) uint32 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.tags[tag]
}
