// Package packfile is the file the policy command embeds: the catalog in
// catalogpack's encoding, brotli-compressed (cmd/policy/catalog.pack.br).
// cmd/update rewrites it with the content it writes, and cmd/policy's
// TestEmbeddedCatalog checks it against content/.
//
// It lives apart from catalogpack, whose decoder the browser's engine
// links: the engine needs neither brotli's encoder nor the file system.
package packfile

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/andybalholm/brotli"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/catalogpack"
)

// Compress is the file's bytes for c: catalogpack.Encode(c) at brotli's
// highest quality (the same bytes for the same catalog).
func Compress(c *catalog.Catalog) []byte {
	var b bytes.Buffer
	w := brotli.NewWriterOptions(&b, brotli.WriterOptions{Quality: 11, LGWin: 24})
	w.Write(catalogpack.Encode(c)) // writes to a bytes.Buffer do not fail
	w.Close()
	return b.Bytes()
}

// Decompress is the encoded catalog in a file's bytes.
func Decompress(b []byte) ([]byte, error) {
	return io.ReadAll(brotli.NewReader(bytes.NewReader(b)))
}

// Current reports whether the file's bytes hold the catalog c.
func Current(b []byte, c *catalog.Catalog) bool {
	got, err := Decompress(b)
	return err == nil && bytes.Equal(got, catalogpack.Encode(c))
}

// Write makes path hold the catalog c, and reports whether it changed
// the file. A file that already holds c is left as it is; otherwise the
// new file is written beside it and renamed over it, so that the path
// never holds half a file.
func Write(path string, c *catalog.Catalog) (changed bool, err error) {
	if old, err := os.ReadFile(path); err == nil && Current(old, c) {
		return false, nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".catalog.pack-*")
	if err != nil {
		return false, err
	}
	defer os.Remove(f.Name()) // after the rename, there is nothing to remove
	if _, err := f.Write(Compress(c)); err != nil {
		f.Close()
		return false, err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return false, err
	}
	if err := f.Close(); err != nil {
		return false, err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return false, fmt.Errorf("writing %s: %w", path, err)
	}
	return true, nil
}
