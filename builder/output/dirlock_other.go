//go:build !unix

package output

import "errors"

// lockDir is not supported here: stale build directories are left alone.
func lockDir(string) (unlock func(), ok bool, err error) {
	return nil, false, errors.ErrUnsupported
}

// lockCommit: no locks here; builds swap unlocked (see CollisionError).
func lockCommit(string) (unlock func()) { return func() {} }
