//go:build linux || freebsd || netbsd || openbsd || illumos

package notify

// beeepViaDBus: on these systems beeep's notifications reach a freedesktop
// notification server (over D-Bus or through notify-send), which may
// interpret markup in the body.
const beeepViaDBus = true
