//go:build unix

package output

import (
	"errors"
	"os"
	"syscall"
)

// lockDir takes an exclusive lock on a directory without waiting: ok is
// false when another process holds it. The lock belongs to the directory,
// not its name, so it follows the directory through renames, and the
// system releases it when the process ends, however it ends.
func lockDir(dir string) (unlock func(), ok bool, err error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, false, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, false, nil
		}
		return nil, false, err
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, true, nil
}

// lockCommit takes the lock that lets one build at a time swap its output
// into the directory parent, waiting for it, and returns its release. The
// lock is on parent itself; where it cannot be taken, builds go unlocked.
func lockCommit(parent string) (unlock func()) {
	f, err := os.Open(parent)
	if err != nil {
		return func() {}
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return func() {}
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}
}
