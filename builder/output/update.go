package output

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// Sum is the SHA-256 of a file's bytes: what Update compares.
type Sum [sha256.Size]byte

// Manifest is what an output directory holds: each site-absolute file
// path (/s3/index.html) with the sum of its bytes. The preview keeps it
// between builds, so a rebuild need not read the files back.
type Manifest map[string]Sum

// Update rewrites an output directory in place for the preview server,
// writing only the files whose bytes changed. Write stages a changed or new
// file in a temporary directory beside the output and leaves an unchanged
// one alone; Commit moves the staged files in, one rename each, and, after
// a whole build (not Partial), removes the files the build no longer
// writes. Until Commit the output is untouched, so a build that fails
// leaves the served site as it was. A reader may see some files of the new
// build and others of the old one while Commit runs, never a half-written
// file.
type Update struct {
	final   string
	stage   *Dir
	prev    Manifest
	partial bool
	onWrite func(file string, data []byte)

	mu      sync.Mutex
	written Manifest // what this build wrote, changed or not
	changed []string // written and different from prev, or new
}

// NewUpdate starts an update of the output directory final, which holds
// prev. A partial update writes only some of the site's files and keeps
// the others; a whole one writes every file the site has. onWrite, when not
// nil, sees every file written, changed or not (see New).
func NewUpdate(final string, prev Manifest, partial bool, onWrite func(file string, data []byte)) (*Update, error) {
	stage, err := New(final, nil)
	if err != nil {
		return nil, err
	}
	return &Update{final: filepath.Clean(final), stage: stage, prev: prev, partial: partial, onWrite: onWrite, written: Manifest{}}, nil
}

// Write stores one file at a site path, staging it when its bytes differ
// from the output's. Writing the same path twice is an error. Safe for
// concurrent use.
func (u *Update) Write(sitePath string, data []byte) error {
	key := "/" + FilePath(sitePath)
	sum := Sum(sha256.Sum256(data))
	u.mu.Lock()
	if _, dup := u.written[key]; dup {
		u.mu.Unlock()
		return fmt.Errorf("two pages write %s", key)
	}
	u.written[key] = sum
	old, had := u.prev[key]
	same := had && old == sum
	if !same {
		u.changed = append(u.changed, key)
	}
	u.mu.Unlock()
	if u.onWrite != nil {
		u.onWrite(key, data)
	}
	if same {
		return nil
	}
	return u.stage.Write(sitePath, data)
}

// Has reports whether the site has a file at a site-absolute path: written
// by this build, or, for a partial one, kept from the output.
func (u *Update) Has(p string) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	if _, ok := u.written[p]; ok {
		return true
	}
	_, ok := u.prev[p]
	return ok && u.partial
}

// Paths lists every file of the site after the update, sorted.
func (u *Update) Paths() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	ps := make([]string, 0, len(u.written)+len(u.prev))
	for p := range u.written {
		ps = append(ps, p)
	}
	if u.partial {
		for p := range u.prev {
			if _, ok := u.written[p]; !ok {
				ps = append(ps, p)
			}
		}
	}
	sort.Strings(ps)
	return ps
}

// Files is how many files the site has after the update.
func (u *Update) Files() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	if !u.partial {
		return len(u.written)
	}
	n := len(u.prev)
	for p := range u.written {
		if _, ok := u.prev[p]; !ok {
			n++
		}
	}
	return n
}

// Bytes is how many bytes this build staged: the changed files'.
func (u *Update) Bytes() int64 { return u.stage.Bytes() }

// Path is the output directory itself: the files the update does not
// write are there.
func (u *Update) Path() string { return u.final }

// Changed lists the files Commit writes or removes, sorted: those whose
// bytes changed, the new ones and, after a whole build, those it no
// longer writes.
func (u *Update) Changed() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	ch := append([]string(nil), u.changed...)
	ch = append(ch, u.removed()...)
	sort.Strings(ch)
	return ch
}

// removed are the files of prev a whole build did not write; u.mu held.
func (u *Update) removed() []string {
	if u.partial {
		return nil
	}
	var rm []string
	for p := range u.prev {
		if _, ok := u.written[p]; !ok {
			rm = append(rm, p)
		}
	}
	sort.Strings(rm)
	return rm
}

// Added lists the files written that the output did not have, sorted.
func (u *Update) Added() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	var added []string
	for p := range u.written {
		if _, ok := u.prev[p]; !ok {
			added = append(added, p)
		}
	}
	sort.Strings(added)
	return added
}

// Manifest is what the output holds after Commit. A partial update's is
// the previous one, updated in place with what it wrote (a copy of
// 30,000 sums for every small rebuild is time the preview waits): the
// caller gives up prev once it asks.
func (u *Update) Manifest() Manifest {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.partial {
		for p, s := range u.written {
			u.prev[p] = s
		}
		return u.prev
	}
	m := make(Manifest, len(u.written))
	for p, s := range u.written {
		m[p] = s
	}
	return m
}

// Commit moves the changed files into the output and removes those the
// site no longer has (with the directories left empty), then the staging
// directory.
func (u *Update) Commit() error {
	u.mu.Lock()
	changed := append([]string(nil), u.changed...)
	removed := u.removed()
	u.mu.Unlock()
	defer u.stage.Abort()
	for _, p := range changed {
		rel := filepath.FromSlash(strings.TrimPrefix(p, "/"))
		dst := filepath.Join(u.final, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.Rename(filepath.Join(u.stage.Path(), rel), dst); err != nil {
			return err
		}
	}
	for _, p := range removed {
		dst := filepath.Join(u.final, filepath.FromSlash(strings.TrimPrefix(p, "/")))
		if err := os.Remove(dst); err != nil && !os.IsNotExist(err) {
			return err
		}
		// The directories it leaves empty go too, as a fresh build would
		// not make them; Remove fails on the first one that is not empty.
		for d := filepath.Dir(dst); d != u.final && strings.HasPrefix(d, u.final+string(filepath.Separator)); d = filepath.Dir(d) {
			if os.Remove(d) != nil {
				break
			}
		}
	}
	return nil
}

// Abort drops the staged files; the output stays as it was.
func (u *Update) Abort() { u.stage.Abort() }
