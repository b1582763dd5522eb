//go:build unix

package settings

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// lockTimeout bounds how long a write waits for another process's write.
const lockTimeout = 3 * time.Second

// lockFile takes an exclusive advisory lock (flock) on path+".lock", so
// that the read-modify-write of flush is one step across processes: two
// processes writing different keys at the same moment both keep theirs.
// The lock file stays (removing it would race with a waiter). unlock is
// never nil; after lockTimeout the write goes ahead unlocked rather than
// hang on a stuck process.
func lockFile(path string) (unlock func(), err error) {
	fh, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return func() {}, err
	}
	deadline := time.Now().Add(lockTimeout)
	for {
		err = syscall.Flock(int(fh.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() {
				_ = syscall.Flock(int(fh.Fd()), syscall.LOCK_UN)
				_ = fh.Close()
			}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) || time.Now().After(deadline) {
			_ = fh.Close()
			return func() {}, err
		}
		time.Sleep(5 * time.Millisecond)
	}
}
