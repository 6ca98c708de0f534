package output

import (
	"fmt"
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
// A build that is killed (SIGKILL, out of memory, power) leaves its
// temporary directory behind: half a site, hundreds of MB. Each build
// locks its directory (dirlock_unix.go), and the next build removes every
// such directory nobody holds, while it renders.
type Dir struct {
	final   string
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
func New(final string, onWrite func(file string, data []byte)) (*Dir, error) {
	final = filepath.Clean(final)
	parent := filepath.Dir(final)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	prefix := "." + filepath.Base(final) + ".new-"
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
	o := &Dir{final: final, dir: dir, files: map[string]int64{}, stale: make(chan struct{}), onWrite: onWrite}
	if unlock, ok, _ := lockDir(dir); ok {
		o.unlock = unlock
	}
	go func() {
		defer close(o.stale)
		removeStale(parent, prefix, dir)
	}()
	return o, nil
}

// staleAfter is how long an unlocked temporary directory must have been
// left alone before a build removes it.
const staleAfter = time.Minute

// removeStale removes the temporary directories of earlier builds into the
// same place (name starting with prefix) that no running build holds,
// leaving own alone. A directory changed in the last minute is left too: a
// build starting now may not have locked its new directory yet.
func removeStale(parent, prefix, own string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		p := filepath.Join(parent, e.Name())
		if !e.IsDir() || !strings.HasPrefix(e.Name(), prefix) || p == own {
			continue
		}
		if fi, err := e.Info(); err != nil || time.Since(fi.ModTime()) < staleAfter {
			continue
		}
		unlock, ok, err := lockDir(p)
		if err != nil || !ok {
			continue // a build at work, or no locks here
		}
		_ = removeTree(p)
		unlock()
	}
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

// Commit replaces the final directory with the new one.
func (o *Dir) Commit() error {
	<-o.stale
	defer o.release()
	old := ""
	if _, err := os.Stat(o.final); err == nil {
		old = o.dir + ".old"
		// Hold the old site while it is renamed and removed, so that a
		// build starting meanwhile does not take it for a stale one.
		if unlock, ok, _ := lockDir(o.final); ok {
			defer unlock()
		}
		if err := os.Rename(o.final, old); err != nil {
			return err
		}
	}
	if err := os.Rename(o.dir, o.final); err != nil {
		if old != "" {
			_ = os.Rename(old, o.final)
		}
		return err
	}
	if old != "" {
		return removeTree(old)
	}
	return nil
}

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
