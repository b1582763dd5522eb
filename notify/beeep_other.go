//go:build !linux && !freebsd && !netbsd && !openbsd && !illumos

package notify

// beeepViaDBus: elsewhere beeep hands plain text to the OS.
const beeepViaDBus = false
