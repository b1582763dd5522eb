//go:build !race

package socket_test

// raceEnabled: the race detector slows the client ~10×; floods shrink.
const raceEnabled = false
