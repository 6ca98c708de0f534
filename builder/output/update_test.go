package output

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestUpdate writes a site, then updates it whole and partially: only the
// changed files are written (their times show it), the others stay, the
// files a whole update no longer writes go with their empty directories,
// and an aborted update leaves the site as it was.
func TestUpdate(t *testing.T) {
	final := filepath.Join(t.TempDir(), "public")
	d, err := New(final, nil)
	if err != nil {
		t.Fatal(err)
	}
	first := map[string]string{"/index.html": "home", "/a/index.html": "a", "/b/c/index.html": "c", "/keep.txt": "keep"}
	m := Manifest{}
	for p, data := range first {
		if err := d.Write(p, []byte(data)); err != nil {
			t.Fatal(err)
		}
		m[p] = sha256.Sum256([]byte(data))
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	for p := range first {
		if err := os.Chtimes(filepath.Join(final, p), old, old); err != nil {
			t.Fatal(err)
		}
	}
	read := func(p string) (string, bool) {
		data, err := os.ReadFile(filepath.Join(final, p))
		return string(data), err == nil
	}
	touched := func(p string) bool {
		st, err := os.Stat(filepath.Join(final, p))
		return err == nil && st.ModTime().After(old.Add(time.Minute))
	}

	// Aborted: nothing changes.
	u, err := NewUpdate(final, m, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := u.Write("/index.html", []byte("new home")); err != nil {
		t.Fatal(err)
	}
	u.Abort()
	if got, _ := read("/index.html"); got != "home" {
		t.Errorf("after Abort, /index.html = %q", got)
	}

	// Whole: /a/ changes, /d/ is new, /b/c/ and /keep.txt go.
	var seen []string
	u, err = NewUpdate(final, m, false, func(f string, _ []byte) { seen = append(seen, f) })
	if err != nil {
		t.Fatal(err)
	}
	for p, data := range map[string]string{"/": "home", "/a/": "a2", "/d/": "d"} {
		if err := u.Write(p, []byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := u.Write("/d/", nil); err == nil {
		t.Error("writing /d/ twice: no error")
	}
	if !u.Has("/index.html") || u.Has("/keep.txt") {
		t.Error("Has: want the files written, not the ones left out")
	}
	if n := u.Files(); n != 3 || n != len(u.Paths()) {
		t.Errorf("Files = %d, want 3, len(Paths)", n)
	}
	if err := u.Commit(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(seen)
	if want := []string{"/a/index.html", "/d/index.html", "/index.html"}; !slices.Equal(seen, want) {
		t.Errorf("onWrite saw %v, want %v", seen, want)
	}
	if want := []string{"/a/index.html", "/b/c/index.html", "/d/index.html", "/keep.txt"}; !slices.Equal(u.Changed(), want) {
		t.Errorf("Changed = %v, want %v", u.Changed(), want)
	}
	if touched("/index.html") {
		t.Error("the unchanged /index.html was written")
	}
	if got, _ := read("/a/index.html"); got != "a2" {
		t.Errorf("/a/index.html = %q", got)
	}
	if _, ok := read("/keep.txt"); ok {
		t.Error("/keep.txt is still there")
	}
	if _, err := os.Stat(filepath.Join(final, "b")); !os.IsNotExist(err) {
		t.Errorf("the emptied directory b/ is still there (%v)", err)
	}
	m = u.Manifest()
	if len(m) != 3 {
		t.Errorf("manifest has %d files, want 3", len(m))
	}

	// Partial: only /d/ is written; the others stay.
	u, err = NewUpdate(final, m, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := u.Write("/d/", []byte("d2")); err != nil {
		t.Fatal(err)
	}
	if want := []string{"/a/index.html", "/d/index.html", "/index.html"}; !slices.Equal(u.Paths(), want) || !u.Has("/a/index.html") {
		t.Errorf("Paths = %v, want %v", u.Paths(), want)
	}
	if n := u.Files(); n != 3 {
		t.Errorf("Files = %d, want 3", n)
	}
	if err := u.Commit(); err != nil {
		t.Fatal(err)
	}
	if got, _ := read("/a/index.html"); got != "a2" {
		t.Errorf("a partial update removed or changed /a/index.html: %q", got)
	}
	if got, _ := read("/d/index.html"); got != "d2" {
		t.Errorf("/d/index.html = %q", got)
	}
	entries, _ := os.ReadDir(filepath.Dir(final))
	if len(entries) != 1 {
		t.Errorf("left beside the output: %v", entries)
	}
}
