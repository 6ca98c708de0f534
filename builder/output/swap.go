package output

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Commit replaces the final directory with the new one, which it marks as
// a complete build first. Where the system can exchange two directories in
// one step (renameat2 with RENAME_EXCHANGE on Linux, renamex_np with
// RENAME_SWAP on macOS) the final directory never stops existing: a reader
// sees the old site or the new one, and a build killed at any moment
// leaves one of them at the final path. Elsewhere (and on file systems
// that cannot exchange) the old site is moved aside and the new one moved
// in, two renames with a moment between them; a build killed in that
// moment leaves no final directory, and the next build puts the newest
// complete site back (restore). Builds into the same place swap one at a
// time (lockCommit).
func (o *Dir) Commit() error {
	<-o.stale
	defer o.release()
	if err := os.WriteFile(filepath.Join(o.dir, Marker), markerText, 0o644); err != nil {
		return err
	}
	unlock := lockCommit(o.parent)
	old, unlockOld, err := o.swap()
	unlock()
	if unlockOld != nil {
		defer unlockOld()
	}
	if err != nil {
		return err
	}
	if old != "" {
		return removeTree(old)
	}
	return nil
}

// swap puts the new directory at the final path and returns where the
// previous site is now ("" when there was none), locked so that a build
// starting meanwhile does not take it for a stale one.
func (o *Dir) swap() (old string, unlockOld func(), err error) {
	if _, err := os.Lstat(o.final); errors.Is(err, fs.ErrNotExist) {
		return "", nil, moveIn(o.dir, o.final)
	}
	if unlock, ok, _ := lockDir(o.final); ok {
		unlockOld = unlock
	}
	err = exchange(o.dir, o.final)
	if err == nil {
		return o.dir, unlockOld, nil // the old site is where the new one was
	}
	if !errors.Is(err, errors.ErrUnsupported) {
		return "", unlockOld, fmt.Errorf("swapping %s in for %s: %w", o.dir, o.final, err)
	}
	old = o.dir + ".old"
	if err := os.Rename(o.final, old); err != nil {
		return "", unlockOld, err
	}
	if err := moveIn(o.dir, o.final); err != nil {
		_ = os.Rename(old, o.final)
		return "", unlockOld, err
	}
	return old, unlockOld, nil
}

// exchange swaps two directories in one step, or returns an error that is
// errors.ErrUnsupported where the system or file system cannot. A
// variable, so that the tests can take the other way.
var exchange = exchangeDirs

// CollisionError is a build that could not swap its output in because
// another build put a directory at the final path meanwhile (where no
// lock keeps builds apart).
type CollisionError struct {
	Final string
	Err   error
}

func (e *CollisionError) Error() string {
	return fmt.Sprintf("another build put a new %s in place while this one was swapping its own in, so this build's output was discarded and %s is the other build's: build again if this one's content differs (%v)", e.Final, e.Final, e.Err)
}

func (e *CollisionError) Unwrap() error { return e.Err }

// moveIn renames dir to final, which must not exist.
func moveIn(dir, final string) error {
	err := os.Rename(dir, final)
	if errors.Is(err, fs.ErrExist) || errors.Is(err, syscall.ENOTEMPTY) || errors.Is(err, syscall.EISDIR) {
		return &CollisionError{Final: final, Err: err}
	}
	return err
}
