//go:build unix

package output

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestStaleBuildDirs: a killed build leaves its temporary directory (and
// the previous site it was removing) behind; the next build removes them,
// but never the directory of a build still at work.
func TestStaleBuildDirs(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "public")
	mk := func(name string) string {
		d := filepath.Join(parent, name)
		if err := os.MkdirAll(filepath.Join(d, "chime", "CreateMeeting"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "chime", "CreateMeeting", "index.html"), []byte("half"), 0o644); err != nil {
			t.Fatal(err)
		}
		return d
	}
	killed := mk(".public.new-1234")
	oldSite := mk(".public.new-1234.old")
	running := mk(".public.new-5678")
	other := mk(".other.new-1")     // another output's: not ours to touch
	young := mk(".public.new-9999") // unlocked, but maybe a build that has not locked it yet
	hourAgo := time.Now().Add(-time.Hour)
	for _, d := range []string{killed, oldSite, running, other} {
		if err := os.Chtimes(d, hourAgo, hourAgo); err != nil {
			t.Fatal(err)
		}
	}
	unlock, ok, err := lockDir(running)
	if err != nil || !ok {
		t.Fatalf("lockDir: %v %v", ok, err)
	}
	defer unlock()

	for i := 0; i < 2; i++ { // the second build also swaps out the first one's site
		o, err := New(out, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := o.Write("/demo/CreateWidget/", []byte("page")); err != nil {
			t.Fatal(err)
		}
		if err := o.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{killed, oldSite} {
		if _, err := os.Stat(d); !os.IsNotExist(err) {
			t.Errorf("%s: still there (%v)", filepath.Base(d), err)
		}
	}
	for _, d := range []string{running, other, young, filepath.Join(out, "demo", "CreateWidget", "index.html")} {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("%s: %v", d, err)
		}
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 4 { // public, the running build's, the young one, the other output's
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("left in the parent: %q", names)
	}
	// The lock is gone with the build: the site itself can be locked.
	if unlock, ok, err := lockDir(out); err != nil || !ok {
		t.Errorf("site still locked after the build: %v %v", ok, err)
	} else {
		unlock()
	}
}

// TestMkdirOutsideOutput: a directory that does not lie under the output
// is an error, not a climb to "." that waits on itself.
func TestMkdirOutsideOutput(t *testing.T) {
	o := &Dir{dir: filepath.Join(t.TempDir(), "out")}
	done := make(chan error, 1)
	go func() { done <- o.mkdir("elsewhere/deep/dir") }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not inside the output directory") {
			t.Errorf("mkdir outside the output: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("mkdir outside the output hung")
	}
}

// TestWrite: files land under their site paths, each once, the final
// directory changes only on Commit, and Abort leaves nothing behind.
func TestWrite(t *testing.T) {
	parent := t.TempDir()
	final := filepath.Join(parent, "public")
	if err := os.MkdirAll(final, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(final, "index.html"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(final, Marker), markerText, 0o644); err != nil {
		t.Fatal(err)
	}
	var seen []string
	o, err := New(final, func(file string, data []byte) { seen = append(seen, file+"="+string(data)) })
	if err != nil {
		t.Fatal(err)
	}
	for p, data := range map[string]string{"/": "home", "/s3/": "s3", "/api/s3.json": "{}"} {
		if err := o.Write(p, []byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := o.Write("/s3/index.html", nil); err == nil || !strings.Contains(err.Error(), "two pages write /s3/index.html") {
		t.Errorf("second write of /s3/index.html: %v", err)
	}
	if !o.Has("/s3/index.html") || o.Has("/s3/") || o.Files() != 3 || o.Bytes() != 8 {
		t.Errorf("Has, Files, Bytes: %v %v %d %d", o.Has("/s3/index.html"), o.Has("/s3/"), o.Files(), o.Bytes())
	}
	if got := strings.Join(o.Paths(), " "); got != "/api/s3.json /index.html /s3/index.html" {
		t.Errorf("Paths = %s", got)
	}
	if len(seen) != 3 {
		t.Errorf("onWrite saw %q", seen)
	}
	if data, _ := os.ReadFile(filepath.Join(final, "index.html")); string(data) != "old" {
		t.Errorf("the final directory changed before Commit: %q", data)
	}
	if err := o.Commit(); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(filepath.Join(final, "s3", "index.html")); string(data) != "s3" {
		t.Errorf("after Commit: %q", data)
	}
	if data, _ := os.ReadFile(filepath.Join(final, Marker)); string(data) != string(markerText) {
		t.Errorf("the committed build's marker = %q", data)
	}
	o, err = New(final, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Write("/x/", []byte("x")); err != nil {
		t.Fatal(err)
	}
	o.Abort()
	if entries, _ := os.ReadDir(parent); len(entries) != 1 {
		t.Errorf("Abort left %d entries beside the output", len(entries))
	}
	if _, err := os.Stat(filepath.Join(final, "x")); !os.IsNotExist(err) {
		t.Errorf("Abort changed the final directory: %v", err)
	}
}

func TestFilePath(t *testing.T) {
	for in, want := range map[string]string{"/": "index.html", "/a/b/": "a/b/index.html", "/api/x.json": "api/x.json", "/404.html": "404.html"} {
		if got := FilePath(in); got != want {
			t.Errorf("FilePath(%q) = %q, want %q", in, got, want)
		}
	}
}
