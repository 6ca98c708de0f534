package upstream

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// Tarball is an npm package tarball, read into memory.
type Tarball struct {
	Name    string            // the file it was read from, for messages
	Files   map[string][]byte // path inside the package ("package/" removed) → contents
	Package string            // package.json's name
	Version string            // package.json's version
	// Integrity is the tarball's sha512, as npm's dist.integrity writes it.
	Integrity string
}

// maxFile bounds one file of a package (the managed policies are 77 MB).
const maxFile = 1 << 30

// ReadTarball reads a gzipped npm package tarball: every regular file under
// package/, and package.json's name and version. A truncated or corrupt
// file is an error naming it.
func ReadTarball(name string, data []byte) (*Tarball, error) {
	t := &Tarball{Name: name, Files: map[string][]byte{}, Integrity: Integrity(data)}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...))
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, bad("not a gzipped tarball: %v", err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, bad("truncated or corrupt tarball: %v", unexpected(err))
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		p := path.Clean(h.Name)
		rest, ok := strings.CutPrefix(p, "package/")
		if !ok {
			// npm packs everything under package/; a few old tarballs use
			// another top directory. Take the first segment off.
			_, rest, ok = strings.Cut(p, "/")
			if !ok {
				continue
			}
		}
		if h.Size > maxFile {
			return nil, bad("%s is larger than %d MB", h.Name, maxFile>>20)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, bad("truncated or corrupt tarball: %s: %v", h.Name, unexpected(err))
		}
		if _, dup := t.Files[rest]; dup {
			return nil, bad("%s is in the tarball twice", h.Name)
		}
		t.Files[rest] = b
	}
	// gzip checks its checksum only at the end of the stream.
	if _, err := io.Copy(io.Discard, zr); err != nil {
		return nil, bad("truncated or corrupt tarball: %v", unexpected(err))
	}
	pj, ok := t.Files["package.json"]
	if !ok {
		return nil, bad("package/package.json is missing: not an npm package")
	}
	var meta struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	if err := decodeStrict(pj, &meta, false); err != nil || meta.Name == "" || meta.Version == "" {
		return nil, bad("package/package.json gives no name and version (%v)", err)
	}
	t.Package, t.Version = meta.Name, meta.Version
	return t, nil
}

// unexpected names io.ErrUnexpectedEOF for what it means here.
func unexpected(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("it ends too early (unexpected EOF)")
	}
	return err
}

// where names a file of the package for messages: "<package> <version>: <file>".
func (t *Tarball) where(file string) string {
	return fmt.Sprintf("%s %s: %s", t.Package, t.Version, file)
}
