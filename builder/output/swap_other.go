//go:build !linux && !darwin

package output

import "errors"

// exchangeDirs: this system cannot swap two directories in one step.
func exchangeDirs(a, b string) error { return errors.ErrUnsupported }
