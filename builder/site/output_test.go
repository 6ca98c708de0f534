//go:build unix

package site

import (
	"context"
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
		if _, err := Build(context.Background(), Config{Content: txtarFS(t, miniSite), Out: out}); err != nil {
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
	o := &output{dir: filepath.Join(t.TempDir(), "out")}
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
