package site

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

// output writes the site into a fresh temporary directory beside the final
// one; commit swaps it in only when the whole build succeeded, so a failed
// build never leaves a half-written site.
//
// A build that is killed (SIGKILL, out of memory, power) leaves its
// temporary directory behind: half a site, hundreds of MB. Each build
// locks its directory (dirlock_unix.go), and the next build removes every
// such directory nobody holds, while it renders.
type output struct {
	final  string
	dir    string
	unlock func()        // releases the lock on dir; nil where locks are unsupported
	stale  chan struct{} // closed when the stale directories are gone

	mu    sync.Mutex
	files map[string]int64              // site-absolute path → size
	dirs  oncemap.Map[string, struct{}] // the directories made
	links linkIndex                     // ids and references of every HTML page written (links.go)
}

func newOutput(final string) (*output, error) {
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
	o := &output{final: final, dir: dir, files: map[string]int64{}, stale: make(chan struct{})}
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

// filePath maps a site path to a file: "/a/b/" → a/b/index.html.
func filePath(sitePath string) string {
	p := strings.TrimPrefix(sitePath, "/")
	if p == "" || strings.HasSuffix(p, "/") {
		p += "index.html"
	}
	return p
}

// write stores one file; writing the same path twice is an error, so two
// pages can never silently collide.
func (o *output) write(sitePath string, data []byte) error {
	rel := filePath(sitePath)
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
	o.links.add(key, data)
	return os.WriteFile(full, data, 0o644)
}

// mkdir makes a directory of the output and its parents, each once (by
// whichever writer needs it first while the others wait for it): a plain
// mkdir per directory instead of MkdirAll's stat of every parent for every
// file.
func (o *output) mkdir(d string) error {
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

// has reports whether a site-absolute file path was written.
func (o *output) has(p string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	_, ok := o.files[p]
	return ok
}

// paths lists every written file, sorted.
func (o *output) paths() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	ps := make([]string, 0, len(o.files))
	for p := range o.files {
		ps = append(ps, p)
	}
	sort.Strings(ps)
	return ps
}

func (o *output) totalBytes() int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	var n int64
	for _, s := range o.files {
		n += s
	}
	return n
}

// commit replaces the final directory with the new one.
func (o *output) commit() error {
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
func (o *output) release() {
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

// abort removes the unfinished directory.
func (o *output) abort() {
	<-o.stale
	_ = os.RemoveAll(o.dir)
	o.release()
}
