package output

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/iamref/iamref/internal/oncemap"
)

// Dir writes the site into a fresh temporary directory beside the final
// one; Commit swaps it in only when the whole build succeeded.
//
// The swap exchanges the two directories in one step where the system can
// (swap_*.go), so the final directory never stops existing, and moves the
// previous site aside otherwise. A build that is killed (SIGKILL, out of
// memory, power) leaves its temporary directory behind: half a site,
// hundreds of MB, or, killed while swapping, a complete one. Each build
// locks its directory (dirlock_unix.go); the next build puts back the
// newest complete site if the final directory is missing, and removes
// every other such directory nobody holds while it renders, but never a
// complete site while the final directory is missing (Marker).
type Dir struct {
	final   string
	parent  string
	prefix  string
	dir     string
	unlock  func()        // releases the lock on dir; nil where locks are unsupported
	stale   chan struct{} // closed when the stale directories are gone
	onWrite func(file string, data []byte)

	mu    sync.Mutex
	files map[string]int64              // site-absolute path → size
	dirs  oncemap.Map[string, struct{}] // the directories made
}

// New starts the output that will replace final. onWrite, when not nil,
// sees every file written (its site-absolute path, such as /s3/index.html,
// and its bytes), on the writer's goroutine: the link checker indexes the
// pages as they are written.
//
// New refuses a final directory that holds anything but a previous build
// (see Check, which also protects the directories the build reads). When
// final is a symbolic link, the directory it names is replaced.
func New(final string, onWrite func(file string, data []byte)) (*Dir, error) {
	real, err := resolve(final)
	if err != nil {
		return nil, err
	}
	parent := filepath.Dir(real)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	prefix := "." + filepath.Base(real) + ".new-"
	// Under the lock no other build is swapping: the only complete site a
	// build killed between two renames left is put back, and what is at
	// the final path is checked.
	unlockCommit := lockCommit(parent)
	restore(parent, prefix, real)
	err = checkExisting(final, real)
	unlockCommit()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(parent, prefix)
	if err != nil {
		return nil, err
	}
	// MkdirTemp joins without cleaning ("./.public.new-1" for a relative
	// output): mkdir climbs from cleaned paths and must meet dir exactly.
	dir = filepath.Clean(dir)
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	o := &Dir{final: real, parent: parent, prefix: prefix, dir: dir, files: map[string]int64{}, stale: make(chan struct{}), onWrite: onWrite}
	if unlock, ok, _ := lockDir(dir); ok {
		o.unlock = unlock
	}
	go func() {
		defer close(o.stale)
		removeStale(parent, prefix, dir, real)
	}()
	return o, nil
}

// staleAfter is how long an unlocked temporary directory must have been
// left alone before a build removes it.
const staleAfter = time.Minute

// leftovers lists the temporary directories of earlier builds into the
// same place (name starting with prefix), other than own, that no running
// build holds, each locked: the caller must call unlock for every one.
func leftovers(parent, prefix, own string, fn func(dir string, fi fs.FileInfo)) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		p := filepath.Join(parent, e.Name())
		if !e.IsDir() || !strings.HasPrefix(e.Name(), prefix) || p == own {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		unlock, ok, err := lockDir(p)
		if err != nil || !ok {
			continue // a build at work, or no locks here
		}
		fn(p, fi)
		unlock()
	}
}

// restore puts back the newest complete site left beside final when final
// is missing: a build killed between moving the old site aside and moving
// its own in (where the system cannot exchange two directories) leaves
// none. The caller holds the commit lock.
func restore(parent, prefix, final string) {
	if _, err := os.Lstat(final); !errors.Is(err, fs.ErrNotExist) {
		return
	}
	best, bestTime := "", time.Time{}
	leftovers(parent, prefix, "", func(dir string, _ fs.FileInfo) {
		if !isBuild(dir) {
			return
		}
		t := time.Time{}
		if fi, err := os.Stat(filepath.Join(dir, Marker)); err == nil {
			t = fi.ModTime()
		}
		if best == "" || t.After(bestTime) {
			best, bestTime = dir, t
		}
	})
	if best != "" {
		_ = os.Rename(best, final)
	}
}

// removeStale removes the temporary directories of earlier builds into the
// same place that no running build holds, leaving own alone. A directory
// changed in the last minute is left too: a build starting now may not
// have locked its new directory yet. While final is missing, complete
// sites are kept: one of them is all there is.
func removeStale(parent, prefix, own, final string) {
	leftovers(parent, prefix, own, func(dir string, fi fs.FileInfo) {
		if time.Since(fi.ModTime()) < staleAfter {
			return
		}
		if _, err := os.Lstat(final); err != nil && isBuild(dir) {
			return
		}
		_ = removeTree(dir)
	})
}

// checkSitePath rejects a site path that is not absolute and clean: a
// segment "." or ".." (an action named "..") would write outside its
// place, over another page, or outside the output.
func checkSitePath(p string) error {
	if !strings.HasPrefix(p, "/") {
		return fmt.Errorf("site path %q does not start with /", p)
	}
	segs := strings.Split(p[1:], "/")
	for i, seg := range segs {
		switch {
		case seg == "" && i == len(segs)-1: // a directory path's trailing slash
		case seg == "", seg == ".", seg == "..", strings.ContainsAny(seg, "\\\x00"):
			return fmt.Errorf("site path %q has the segment %q: a page must not leave its place", p, seg)
		}
	}
	return nil
}

// FilePath maps a site path to a file: "/a/b/" → a/b/index.html.
func FilePath(sitePath string) string {
	p := strings.TrimPrefix(sitePath, "/")
	if p == "" || strings.HasSuffix(p, "/") {
		p += "index.html"
	}
	return p
}

// Write stores one file at a site path ("/s3/" is /s3/index.html). Writing
// the same path twice is an error, so two pages can never silently
// collide. Safe for concurrent use.
func (o *Dir) Write(sitePath string, data []byte) error {
	if err := checkSitePath(sitePath); err != nil {
		return err
	}
	rel := FilePath(sitePath)
	o.mu.Lock()
	key := "/" + rel
	if _, dup := o.files[key]; dup {
		o.mu.Unlock()
		return fmt.Errorf("two pages write %s", key)
	}
	o.files[key] = int64(len(data))
	o.mu.Unlock()
	full := filepath.Join(o.dir, filepath.FromSlash(rel))
	if err := o.mkdir(filepath.Dir(full)); err != nil {
		return err
	}
	if o.onWrite != nil {
		o.onWrite(key, data)
	}
	return os.WriteFile(full, data, 0o644)
}

// mkdir makes a directory of the output and its parents, each once (by
// whichever writer needs it first while the others wait for it): a plain
// mkdir per directory instead of MkdirAll's stat of every parent for every
// file.
func (o *Dir) mkdir(d string) error {
	if d == o.dir {
		return nil
	}
	parent := filepath.Dir(d)
	if parent == d { // climbed past the output without meeting it
		return fmt.Errorf("%s is not inside the output directory %s", d, o.dir)
	}
	_, err := o.dirs.Get(d, func() (struct{}, error) {
		if err := o.mkdir(parent); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, os.Mkdir(d, 0o755)
	})
	return err
}

// Has reports whether a site-absolute file path (/s3/index.html) was written.
func (o *Dir) Has(p string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	_, ok := o.files[p]
	return ok
}

// Paths lists every written file, site-absolute, sorted.
func (o *Dir) Paths() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	ps := make([]string, 0, len(o.files))
	for p := range o.files {
		ps = append(ps, p)
	}
	sort.Strings(ps)
	return ps
}

// Files is how many files were written.
func (o *Dir) Files() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.files)
}

// Bytes is how many bytes were written.
func (o *Dir) Bytes() int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	var n int64
	for _, s := range o.files {
		n += s
	}
	return n
}

// Path is the temporary directory the files are written into.
func (o *Dir) Path() string { return o.dir }

// release drops the lock on the build's directory.
func (o *Dir) release() {
	if o.unlock != nil {
		o.unlock()
		o.unlock = nil
	}
}

// removeTree deletes a directory tree, its top-level entries in parallel:
// deleting the previous site's 50,000 files and directories one by one
// would cost as much as writing the new one.
func removeTree(dir string) error {
	if fi, err := os.Lstat(dir); err != nil || fi.Mode()&fs.ModeSymlink != 0 {
		return os.Remove(dir) // a link is removed, never what it names
	}
	// The marker goes first: a tree half deleted is no complete site.
	if err := os.Remove(filepath.Join(dir, Marker)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return os.RemoveAll(dir)
	}
	var wg sync.WaitGroup
	work := make(chan string)
	errs := make(chan error, len(entries))
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				if err := os.RemoveAll(p); err != nil {
					errs <- err
				}
			}
		}()
	}
	for _, e := range entries {
		work <- filepath.Join(dir, e.Name())
	}
	close(work)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	return os.RemoveAll(dir)
}

// Abort removes the unfinished directory.
func (o *Dir) Abort() {
	<-o.stale
	_ = os.RemoveAll(o.dir)
	o.release()
}
