//go:build (linux || freebsd || netbsd || openbsd || illumos) && !nodbus

package notify

// TagID exposes the replaces_id remembered for tag, for tests.
func TagID(d *DBus, tag string) uint32 {
	d.ids.Lock()
	defer d.ids.Unlock()
	return d.tags[tag]
}
