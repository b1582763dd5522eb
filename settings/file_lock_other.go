//go:build !unix

package settings

// lockFile is a no-op where flock does not exist: writes are still atomic,
// but two processes writing at the same moment may lose one's keys.
func lockFile(string) (func(), error) { return func() {}, nil }
