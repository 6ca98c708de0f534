// Package contentdir changes a content directory as a whole: it reads the
// directory into memory, where the commands that rewrite content
// (cmd/update, cmd/snapshot) compute its next state, and replaces it with
// that state in one swap, so that a failed or interrupted run never leaves
// a half-written content/.
//
// Replace copies the directory beside itself (.<name>.new-*), applies the
// changes to the copy, lets the caller check the copy (load everything it
// holds) and only then swaps it in: the old directory is renamed aside
// (.<name>.old-*) and removed. A run that is killed leaves the copy behind;
// the next Replace removes such directories once they are an hour old.
package contentdir

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing/fstest"
	"time"

	"github.com/iamref/iamref/builder/contentfs"
)

// Read reads every regular file under dir but the files of editors and the
// system (contentfs.Ignored), keyed by its slash-separated
// path relative to dir.
func Read(dir string) (fstest.MapFS, error) {
	m := fstest.MapFS{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir && contentfs.Ignored(d.Name()) {
			// An editor's or the system's file is no content: not read,
			// and, absent from the tree, never changed by a Diff (Replace
			// copies it over as it is).
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		m[filepath.ToSlash(rel)] = &fstest.MapFile{Data: data, Mode: 0o644}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Change is one file to write (Data) or to delete (Delete).
type Change struct {
	Path   string // relative to the content directory, slash-separated
	Data   []byte
	Delete bool
}

// Diff lists the changes that turn the files of old into those of new,
// sorted by path.
func Diff(old, new fstest.MapFS) []Change {
	var out []Change
	for p, f := range new {
		if o, ok := old[p]; !ok || !bytes.Equal(o.Data, f.Data) {
			out = append(out, Change{Path: p, Data: f.Data})
		}
	}
	for p := range old {
		if _, ok := new[p]; !ok {
			out = append(out, Change{Path: p, Delete: true})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Apply applies changes to a copy of files and returns the copy.
func Apply(files fstest.MapFS, changes []Change) fstest.MapFS {
	out := make(fstest.MapFS, len(files))
	for p, f := range files {
		out[p] = f
	}
	for _, c := range changes {
		if c.Delete {
			delete(out, c.Path)
		} else {
			out[c.Path] = &fstest.MapFile{Data: c.Data, Mode: 0o644}
		}
	}
	return out
}

// staleAfter is how old a leftover copy must be before Replace removes it.
const staleAfter = time.Hour

// Replace applies changes to dir: to a copy of it, which verify must
// accept, swapped in for dir. On any error dir is as it was. No changes
// leave dir alone.
func Replace(dir string, changes []Change, verify func(fs.FS) error) error {
	if len(changes) == 0 {
		return nil
	}
	dir = filepath.Clean(dir)
	parent, name := filepath.Dir(dir), filepath.Base(dir)
	removeStale(parent, "."+name+".")
	tmp, err := os.MkdirTemp(parent, "."+name+".new-")
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			_ = os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if err := copyTree(dir, tmp); err != nil {
		return fmt.Errorf("copying %s: %w", dir, err)
	}
	for _, c := range changes {
		if err := checkPath(c.Path); err != nil {
			return err
		}
		p := filepath.Join(tmp, filepath.FromSlash(c.Path))
		if c.Delete {
			if err := os.Remove(p); err != nil {
				return err
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, c.Data, 0o644); err != nil {
			return err
		}
	}
	removeEmptyDirs(tmp)
	if verify != nil {
		if err := verify(contentfs.New(os.DirFS(tmp))); err != nil {
			return fmt.Errorf("the new content does not load, so %s is left as it was: %w", dir, err)
		}
	}
	old := filepath.Join(parent, "."+name+".old-"+strings.TrimPrefix(filepath.Base(tmp), "."+name+".new-"))
	if err := os.Rename(dir, old); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		_ = os.Rename(old, dir)
		return err
	}
	ok = true
	return os.RemoveAll(old)
}

// checkPath refuses paths that would leave the content directory.
func checkPath(p string) error {
	if p == "" || path.IsAbs(p) || path.Clean(p) != p || p == ".." || strings.HasPrefix(p, "../") {
		return fmt.Errorf("content path %q is not a clean relative path", p)
	}
	return nil
}

// copyTree copies the regular files and directories under src into dst.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil || rel == "." {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.Mkdir(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file", p)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}

// removeEmptyDirs removes the directories under dir that deletions emptied.
func removeEmptyDirs(dir string) {
	var dirs []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && p != dir {
			dirs = append(dirs, p)
		}
		return nil
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		_ = os.Remove(dirs[i]) // fails, as it should, unless empty
	}
}

// removeStale removes leftover copies (.<name>.new-*, .<name>.old-*) older
// than staleAfter.
func removeStale(parent, prefix string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() || !(strings.HasPrefix(n, prefix+"new-") || strings.HasPrefix(n, prefix+"old-")) {
			continue
		}
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > staleAfter {
			_ = os.RemoveAll(filepath.Join(parent, n))
		}
	}
}
