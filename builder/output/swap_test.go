//go:build unix

package output

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// build writes a one-page site saying text into final and commits it.
func build(t testing.TB, final, text string) error {
	o, err := New(final, nil)
	if err != nil {
		return err
	}
	for _, p := range []string{"/", "/chime/", "/chime/CreateMeeting/"} {
		if err := o.Write(p, []byte(text)); err != nil {
			o.Abort()
			return err
		}
	}
	return o.Commit()
}

// canExchange reports whether the file system of dir swaps directories in
// one step.
func canExchange(t *testing.T, dir string) bool {
	a, b := filepath.Join(dir, "probe-a"), filepath.Join(dir, "probe-b")
	for _, d := range []string{a, b} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(d)
	}
	return exchange(a, b) == nil
}

// forceFallback makes the swap take two renames, as on a system that
// cannot exchange directories, for the rest of the test.
func forceFallback(t *testing.T) {
	saved := exchange
	exchange = func(a, b string) error { return errors.ErrUnsupported }
	t.Cleanup(func() { exchange = saved })
}

// TestSwapNeverMissing: while builds swap their output in, a reader never
// finds the site missing (one request in 145,507 got a 404 with the two
// renames the swap used to be).
func TestSwapNeverMissing(t *testing.T) {
	parent := t.TempDir()
	if !canExchange(t, parent) {
		t.Skip("this file system cannot exchange two directories; TestSwapFallback covers the other way")
	}
	final := filepath.Join(parent, "public")
	if err := build(t, final, "first"); err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	var reads, misses atomic.Int64
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for !stop.Load() {
				reads.Add(1)
				if _, err := os.ReadFile(filepath.Join(final, "chime", "CreateMeeting", "index.html")); err != nil {
					misses.Add(1)
				}
			}
		})
	}
	for i := range 20 {
		if err := build(t, final, fmt.Sprint("build ", i)); err != nil {
			t.Fatal(err)
		}
	}
	stop.Store(true)
	wg.Wait()
	if misses.Load() > 0 {
		t.Errorf("%d of %d reads found no page while the site was swapped", misses.Load(), reads.Load())
	}
	if data, _ := os.ReadFile(filepath.Join(final, "index.html")); string(data) != "build 19" {
		t.Errorf("the site is %q, want the last build's", data)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 1 {
		t.Errorf("%d entries beside the site after the builds, want none", len(entries)-1)
	}
}

// TestSwapFallback: where directories cannot be exchanged, the swap is two
// renames, and still leaves the new site, marked, and nothing else.
func TestSwapFallback(t *testing.T) {
	forceFallback(t)
	parent := t.TempDir()
	final := filepath.Join(parent, "public")
	for i := range 3 {
		if err := build(t, final, fmt.Sprint("build ", i)); err != nil {
			t.Fatal(err)
		}
	}
	if data, _ := os.ReadFile(filepath.Join(final, "chime", "index.html")); string(data) != "build 2" {
		t.Errorf("the site is %q, want the last build's", data)
	}
	if !isBuild(final) {
		t.Error("the site carries no marker")
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 1 {
		t.Errorf("%d entries beside the site, want none", len(entries)-1)
	}
}

// age makes dirs look an hour old, as a killed build's directories are by
// the time of the next build.
func age(t *testing.T, dirs ...string) {
	t.Helper()
	hourAgo := time.Now().Add(-time.Hour)
	for _, d := range dirs {
		for _, p := range []string{filepath.Join(d, Marker), d} {
			if err := os.Chtimes(p, hourAgo, hourAgo); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
		}
	}
}

// TestKilledBetweenRenames: a build killed between moving the old site
// aside and moving its own in (the two-rename way) leaves no site and two
// complete ones beside it. The next build, even one that fails, puts the
// newest back and never deletes the only complete site (a failing build a
// minute later used to delete both).
func TestKilledBetweenRenames(t *testing.T) {
	parent := t.TempDir()
	final := filepath.Join(parent, "public")
	killed := filepath.Join(parent, ".public.new-1")
	writeFiles(t, killed, map[string]string{"index.html": "new site", Marker: string(markerText)})
	writeFiles(t, killed+".old", map[string]string{"index.html": "old site", Marker: string(markerText)})
	half := filepath.Join(parent, ".public.new-2") // a build killed while rendering
	writeFiles(t, half, map[string]string{"index.html": "half"})
	hourAgo := time.Now().Add(-time.Hour)
	age(t, killed+".old", half)
	if err := os.Chtimes(filepath.Join(killed, Marker), hourAgo.Add(time.Minute), hourAgo.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	age(t, killed)
	if err := os.Chtimes(filepath.Join(killed, Marker), hourAgo.Add(time.Minute), hourAgo.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}

	o, err := New(final, nil) // a build that will fail
	if err != nil {
		t.Fatal(err)
	}
	o.Abort()
	if data, _ := os.ReadFile(filepath.Join(final, "index.html")); string(data) != "new site" {
		t.Fatalf("after the next build the site is %q, want the newest complete one back", data)
	}
	for _, d := range []string{killed + ".old", half} {
		if _, err := os.Stat(d); !os.IsNotExist(err) {
			t.Errorf("%s is still there once the site is back (%v)", filepath.Base(d), err)
		}
	}

	// With no site and nothing to put back but a complete site a build
	// still holds (it is swapping), nothing is removed.
	if err := os.RemoveAll(final); err != nil {
		t.Fatal(err)
	}
	only := filepath.Join(parent, ".public.new-3")
	writeFiles(t, only, map[string]string{"index.html": "only site", Marker: string(markerText)})
	age(t, only)
	unlock, ok, err := lockDir(only)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	o, err = New(final, nil)
	if err != nil {
		t.Fatal(err)
	}
	o.Abort()
	unlock()
	if data, _ := os.ReadFile(filepath.Join(only, "index.html")); string(data) != "only site" {
		t.Errorf("a failed build removed the only complete site: %q", data)
	}
}

// TestRemoveStaleKeepsTheOnlySite: while the site is missing, the clean-up
// of stale directories leaves complete sites alone.
func TestRemoveStaleKeepsTheOnlySite(t *testing.T) {
	parent := t.TempDir()
	final := filepath.Join(parent, "public")
	site := filepath.Join(parent, ".public.new-1")
	half := filepath.Join(parent, ".public.new-2")
	writeFiles(t, site, map[string]string{"index.html": "site", Marker: string(markerText)})
	writeFiles(t, half, map[string]string{"index.html": "half"})
	age(t, site, half)
	removeStale(parent, ".public.new-", "", final)
	if _, err := os.Stat(filepath.Join(site, "index.html")); err != nil {
		t.Errorf("the only complete site was removed: %v", err)
	}
	if _, err := os.Stat(half); !os.IsNotExist(err) {
		t.Errorf("the half-written directory is still there: %v", err)
	}
}

// TestConcurrentBuilds: builds into the same output at once all succeed,
// one after the other at the swap, and leave one complete site (they used
// to fail with a raw "rename …: file exists").
func TestConcurrentBuilds(t *testing.T) {
	for _, fallback := range []bool{false, true} {
		t.Run(fmt.Sprint("fallback=", fallback), func(t *testing.T) {
			if fallback {
				forceFallback(t)
			}
			parent := t.TempDir()
			final := filepath.Join(parent, "public")
			var wg sync.WaitGroup
			errs := make(chan error, 40)
			for w := range 4 {
				wg.Go(func() {
					for i := range 10 {
						if err := build(t, final, fmt.Sprint("builder ", w, " build ", i)); err != nil {
							errs <- err
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			if data, _ := os.ReadFile(filepath.Join(final, "chime", "CreateMeeting", "index.html")); !strings.HasPrefix(string(data), "builder ") || !isBuild(final) {
				t.Errorf("after the builds the site is %q (marked: %v)", data, isBuild(final))
			}
		})
	}
}

// TestCollisionError: a build that finds another one's site at the final
// path when it moves its own in says so, instead of "rename …: file exists".
func TestCollisionError(t *testing.T) {
	parent := t.TempDir()
	final := filepath.Join(parent, "public")
	mine := filepath.Join(parent, ".public.new-1")
	writeFiles(t, final, map[string]string{"index.html": "theirs"})
	writeFiles(t, mine, map[string]string{"index.html": "mine"})
	err := moveIn(mine, final)
	var ce *CollisionError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "another build put a new "+final+" in place") {
		t.Fatalf("moveIn onto another build's site: %v", err)
	}
}

// TestRemoveTreeKeepsWhatLinksName: removing a directory that is a
// symbolic link removes the link, never the files it names.
func TestRemoveTreeKeepsWhatLinksName(t *testing.T) {
	parent := t.TempDir()
	target := filepath.Join(parent, "elsewhere")
	writeFiles(t, target, map[string]string{"precious.txt": "keep"})
	link := filepath.Join(parent, ".public.new-1")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := removeTree(link); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(link); !os.IsNotExist(err) {
		t.Errorf("the link is still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(target, "precious.txt")); err != nil {
		t.Errorf("removing the link removed what it names: %v", err)
	}
}

// TestSymlinkedOutput: an output that is a symbolic link to a directory is
// built where the link points, and the link stays.
func TestSymlinkedOutput(t *testing.T) {
	parent := t.TempDir()
	real := filepath.Join(parent, "www", "site")
	if err := os.MkdirAll(real, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(parent, "public")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if err := build(t, link, fmt.Sprint("build ", i)); err != nil {
			t.Fatal(err)
		}
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", fi, err)
	}
	if data, _ := os.ReadFile(filepath.Join(link, "index.html")); string(data) != "build 1" {
		t.Errorf("through the link the site is %q", data)
	}
}

// TestWriteStaysInPlace: a site path with a "." or ".." segment is an
// error, never a page written over another one (an action named ".."
// wrote its page over the home page).
func TestWriteStaysInPlace(t *testing.T) {
	o, err := New(filepath.Join(t.TempDir(), "public"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Abort()
	for _, p := range []string{"/demo/../", "/demo/./", "/demo/..", "//etc/", "/a//b/", "demo/", "/a\\..\\b/"} {
		if err := o.Write(p, []byte("x")); err == nil {
			t.Errorf("Write(%q) accepted", p)
		}
	}
	for _, p := range []string{"/", "/demo/", "/demo/..x/", "/api/demo.json", "/demo/a.b/"} {
		if err := o.Write(p, []byte("x")); err != nil {
			t.Errorf("Write(%q): %v", p, err)
		}
	}
	if o.Files() != 5 {
		t.Errorf("%d files written, want 5", o.Files())
	}
}
