package preview

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/iamref/iamref/builder/contentfs"
)

// The watcher's timing. The system tells it of each change (inotify,
// kqueue, ReadDirectoryChangesW, through fsnotify); it waits for quiet
// before it hands the changes over, since one save is often several
// events (vim writes a test file, renames the old one away, writes the
// new one and sets its mode; other editors truncate, then write). Where the
// system cannot tell it, it walks the directories every pollInterval.
const (
	settle       = 30 * time.Millisecond  // quiet after the last event before the changes go
	settleGone   = 50 * time.Millisecond  // more, while a file that was there is missing
	settleMax    = 500 * time.Millisecond // the longest a stream of events holds them back
	pollInterval = 400 * time.Millisecond
)

// watcher reports the files changed under some directories, leaving out
// the files of editors and the system (package contentfs), which the build
// never reads.
type watcher struct {
	dirs []string
	last tree // the files as last reported
	fsw  *fsnotify.Watcher
	// full asks the next changes to walk every directory again: the
	// system dropped events (a queue overflow).
	full bool
	// touched are the paths events named that next has not reported yet:
	// kept when its ctx ends first, so the next call reports them.
	touched map[string]bool
}

// newWatcher starts watching dirs ("" is skipped) and records their files:
// every change from now on is reported by next. Without the system's
// notifications (none on this system, or a directory it cannot watch) it
// polls, and says so on log.
func newWatcher(dirs []string, log io.Writer) *watcher {
	var ds []string
	for _, d := range dirs {
		if d != "" {
			ds = append(ds, d)
		}
	}
	w := &watcher{dirs: ds}
	fsw, err := fsnotify.NewWatcher()
	if err == nil {
		w.fsw = fsw
		for _, d := range ds {
			if err = w.addTree(d); err != nil {
				break
			}
		}
		if err != nil {
			fsw.Close()
			w.fsw = nil
		}
	}
	if err != nil {
		fmt.Fprintf(log, "watching by polling every %s (%v)\n", pollInterval, err)
	}
	// After the watches: a change between the two is reported, not lost.
	w.last = snapshotTree(ds)
	return w
}

func (w *watcher) close() {
	if w.fsw != nil {
		w.fsw.Close()
	}
}

// addTree watches the directory and every directory under it that is not
// an editor's or the system's (.git).
func (w *watcher) addTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			return nil // gone meanwhile
		}
		if !e.IsDir() {
			return nil
		}
		if p != dir && contentfs.Ignored(e.Name()) {
			return fs.SkipDir
		}
		return w.fsw.Add(p)
	})
}

// ignored reports whether a path the system named is an editor's or the
// system's, or under such a directory, inside one of the directories.
func (w *watcher) ignored(p string) bool {
	for _, d := range w.dirs {
		if r, err := filepath.Rel(d, p); err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) {
			return r != "." && contentfs.IgnoredPath(filepath.ToSlash(r))
		}
	}
	return false
}

// next waits for files to change and returns them, sorted (the paths as
// found under the directories); ok is false once ctx is done. What it saw
// before then is not lost: the next call reports it.
func (w *watcher) next(ctx context.Context) (changed []string, ok bool) {
	if w.fsw == nil {
		return w.poll(ctx)
	}
	for {
		if w.touched == nil {
			w.touched = map[string]bool{}
		}
		touched := w.touched
		// Wait for the first event that is not an editor's file.
		for len(touched) == 0 && !w.full {
			select {
			case <-ctx.Done():
				return nil, false
			case ev, open := <-w.fsw.Events:
				if !open {
					return nil, false
				}
				w.event(ev, touched)
			case err, open := <-w.fsw.Errors:
				if !open {
					return nil, false
				}
				w.fsError(err)
			}
		}
		// Then for quiet.
		quiet := time.NewTimer(settle)
		limit := time.NewTimer(settleMax)
	settling:
		for {
			select {
			case <-ctx.Done():
				quiet.Stop()
				limit.Stop()
				return nil, false
			case ev, open := <-w.fsw.Events:
				if !open {
					return nil, false
				}
				if w.event(ev, touched) {
					quiet.Reset(settle)
				}
			case err, open := <-w.fsw.Errors:
				if !open {
					return nil, false
				}
				w.fsError(err)
			case <-quiet.C:
				if w.gone(touched) {
					// A file gone, maybe for a moment: editors save by
					// moving the old file away and writing the new one.
					quiet.Reset(settleGone)
					continue
				}
				break settling
			case <-limit.C:
				break settling
			}
		}
		quiet.Stop()
		limit.Stop()
		w.touched = nil
		var now tree
		if w.full {
			w.full = false
			now = snapshotTree(w.dirs)
		} else {
			now = w.last.updated(touched, w.ignored)
		}
		if ch := changedFiles(w.last, now); len(ch) > 0 {
			w.last = now
			return ch, true
		}
	}
}

// gone reports whether a file the watcher knew is among the paths touched
// and missing now.
func (w *watcher) gone(touched map[string]bool) bool {
	for p := range touched {
		if _, known := w.last[p]; known {
			if _, err := os.Lstat(p); err != nil {
				return true
			}
		}
	}
	return false
}

// event records what a system event touched, and watches a directory made
// (or moved in); it reports whether the event counts (not an editor's
// file).
func (w *watcher) event(ev fsnotify.Event, touched map[string]bool) bool {
	if ev.Name == "" || w.ignored(ev.Name) {
		return false
	}
	touched[ev.Name] = true
	if ev.Has(fsnotify.Create) {
		if st, err := os.Lstat(ev.Name); err == nil && st.IsDir() {
			if err := w.addTree(ev.Name); err != nil {
				w.full = true // its files are walked; later ones may be missed
			}
		}
	}
	return true
}

// fsError handles an error of the system's watch: after dropped events
// (an overflow) every directory is walked again.
func (w *watcher) fsError(err error) {
	if errors.Is(err, fsnotify.ErrEventOverflow) {
		w.full = true
	}
}

// poll walks the directories every pollInterval until a file changed.
func (w *watcher) poll(ctx context.Context) ([]string, bool) {
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, false
		case <-t.C:
		}
		now := snapshotTree(w.dirs)
		if ch := changedFiles(w.last, now); len(ch) > 0 {
			w.last = now
			return ch, true
		}
	}
}

// tree is the state of the watched files: each path with its size and
// modification time.
type tree map[string]stamp

type stamp struct{ size, mod int64 }

// snapshotTree records every file in dirs, without the files of editors
// and the system, which the build ignores (package contentfs): vim
// rewrites its swap file as one types, which must not rebuild the site.
func snapshotTree(dirs []string) tree {
	t := tree{}
	for _, d := range dirs {
		if d == "" {
			continue
		}
		t.walk(d)
	}
	return t
}

// walk records the files under root (root itself, if a file), skipping
// editors' and the system's below it (root's own name is the caller's to
// judge: a watched directory may be named anything).
func (t tree) walk(root string) {
	_ = filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err == nil && p != root && contentfs.Ignored(e.Name()) {
			if e.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if err != nil || e.IsDir() {
			return nil
		}
		if info, err := e.Info(); err == nil {
			t[p] = stamp{info.Size(), info.ModTime().UnixNano()}
		}
		return nil
	})
}

// updated is the tree after the paths touched changed: each is looked at
// again, a directory walked whole, and what is gone is left out with
// everything under it.
func (t tree) updated(touched map[string]bool, ignored func(string) bool) tree {
	now := make(tree, len(t))
	for p, st := range t {
		now[p] = st
	}
	for p := range touched {
		prefix := p + string(filepath.Separator)
		for q := range now {
			if q == p || strings.HasPrefix(q, prefix) {
				delete(now, q)
			}
		}
		if ignored(p) {
			continue
		}
		now.walk(p)
	}
	return now
}

// changedFiles are the files added, removed or changed from a to b, sorted.
func changedFiles(a, b tree) []string {
	var ch []string
	for p, st := range b {
		if old, ok := a[p]; !ok || old != st {
			ch = append(ch, p)
		}
	}
	for p := range a {
		if _, ok := b[p]; !ok {
			ch = append(ch, p)
		}
	}
	sort.Strings(ch)
	return ch
}
