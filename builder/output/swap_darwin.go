package output

import (
	"errors"

	"golang.org/x/sys/unix"
)

// exchangeDirs swaps a and b with renamex_np(RENAME_SWAP) (APFS and HFS+).
func exchangeDirs(a, b string) error {
	err := unix.RenamexNp(a, b, unix.RENAME_SWAP)
	if errors.Is(err, unix.ENOTSUP) || errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) {
		return errors.Join(errors.ErrUnsupported, err)
	}
	return err
}
