package preview

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestWatcher: with the system's notifications and by polling, a save is
// reported once, as the files it changed: an edit in place, an editor's
// save by rename (vim), a new directory with a file, a removal; the files
// of editors and the system, and .git, are not.
func TestWatcher(t *testing.T) {
	for _, mode := range []string{"notify", "poll"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			write := func(name, data string) string {
				t.Helper()
				p := filepath.Join(dir, filepath.FromSlash(name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
				return p
			}
			guide := write("guides/chime/intro.md", "# Intro")
			write(".git/HEAD", "ref")
			w := newWatcher([]string{dir, ""}, io.Discard)
			defer w.close()
			if mode == "notify" && w.fsw == nil {
				t.Skip("no file system notifications here")
			}
			if mode == "poll" {
				w.close()
				w.fsw = nil
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			// next expects the files changed, in one report, or (polling,
			// which may walk in the middle of a save, or a loaded machine
			// that pauses the test longer than the watcher waits) in
			// several, each of them among the files, until the watcher's
			// files are the disk's.
			next := func(what string, want ...string) {
				t.Helper()
				for n := 0; ; n++ {
					got, ok := w.next(ctx)
					if !ok {
						t.Fatalf("%s: no change reported", what)
					}
					if !subset(got, want) {
						t.Errorf("%s: changed %q, want %q", what, got, want)
					}
					if len(changedFiles(w.last, snapshotTree([]string{dir}))) == 0 {
						return
					}
					if n == 3 {
						t.Fatalf("%s: the watcher's files are not the disk's", what)
					}
				}
			}

			// Editors' and the system's files first, then the edit: only
			// the edit is reported.
			write("guides/chime/.intro.md.swp", "swap")
			write("guides/chime/intro.md~", "backup")
			write(".git/index", "index")
			write("guides/chime/intro.md", "# Intro, edited")
			next("an edit", guide)

			// vim's save: a test file, the old file renamed away, the new
			// one written.
			write("guides/chime/4913", "")
			if err := os.Remove(filepath.Join(dir, "guides/chime/4913")); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(guide, guide+"~"); err != nil {
				t.Fatal(err)
			}
			write("guides/chime/intro.md", "# Intro, saved by vim")
			next("a save by rename", guide)

			added := write("guides/s3/buckets.md", "# Buckets")
			next("a new directory", added)
			// The new directory is watched: a change in it is seen.
			write("guides/s3/buckets.md", "# Buckets, edited")
			next("an edit in the new directory", added)

			if err := os.RemoveAll(filepath.Join(dir, "guides", "s3")); err != nil {
				t.Fatal(err)
			}
			next("a directory removed", added)
		})
	}
}

// TestTreeUpdated: the tree after some paths were touched is the tree a
// walk finds.
func TestTreeUpdated(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"a/x", "a/y", "b/z", "c"} {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	before := snapshotTree([]string{dir})
	if err := os.RemoveAll(filepath.Join(dir, "a")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "b", "w"), []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "c"), []byte("changed"), 0o644); err != nil {
		t.Fatal(err)
	}
	touched := map[string]bool{filepath.Join(dir, "a"): true, filepath.Join(dir, "b"): true, filepath.Join(dir, "c"): true}
	got := before.updated(touched, func(string) bool { return false })
	want := snapshotTree([]string{dir})
	if ch := changedFiles(got, want); len(ch) > 0 {
		t.Errorf("updated tree differs from a walk in %q", ch)
	}
}

// subset reports whether every element of a is in b.
func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// TestWatcherKeepsWhatACancelSaw: a change seen by a call to next whose ctx
// ends while it waits for quiet is reported by the next call, not lost
// (the server cancels next when the build it watches during ends).
func TestWatcherKeepsWhatACancelSaw(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "intro.md")
	if err := os.WriteFile(file, []byte("# Intro"), 0o644); err != nil {
		t.Fatal(err)
	}
	w := newWatcher([]string{dir}, io.Discard)
	defer w.close()
	if w.fsw == nil {
		t.Skip("no file system notifications here")
	}
	// The ctx ends a moment after the save: inside the settle time, once
	// the event is in.
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		if err := os.WriteFile(file, []byte("# Intro, edited"), 0o644); err != nil {
			t.Error(err)
		}
		time.Sleep(settle / 3)
		cancel()
	}()
	if got, ok := w.next(ctx); ok {
		// The machine paused the goroutine past the settle time: the change
		// came at once, which is right too.
		if !slices.Equal(got, []string{file}) {
			t.Fatalf("changed %q, want [%s]", got, file)
		}
		return
	}
	later, stop := context.WithTimeout(context.Background(), 10*time.Second)
	defer stop()
	got, ok := w.next(later)
	if !ok || !slices.Equal(got, []string{file}) {
		t.Fatalf("after the cancelled call: changed %q, %v; want [%s]", got, ok, file)
	}
}
