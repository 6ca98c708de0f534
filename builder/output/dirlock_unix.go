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
