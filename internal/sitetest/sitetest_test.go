package sitetest

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Errorf(format string, args ...any) { r.errors = append(r.errors, format) }
func (r *recorder) Helper()                           {}

func TestContains(t *testing.T) {
	r := &recorder{TB: t}
	Contains(r, "page", "<p>hello</p>", "hello", "! goodbye", "<p>")
	if len(r.errors) != 0 {
		t.Errorf("wanted text reported missing: %v", r.errors)
	}
	Contains(r, "page", "<p>hello</p>", "goodbye", "! hello", "!hello")
	if len(r.errors) != 3 {
		t.Errorf("%d failures, want 3 (missing, present, and a want without the space)", len(r.errors))
	}
}

func TestGolden(t *testing.T) {
	file := filepath.Join(t.TempDir(), "g.html")
	if err := os.WriteFile(file, []byte("a\nb\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := &recorder{TB: t}
	Golden(r, file, "a\nb\n")
	if len(r.errors) != 0 {
		t.Errorf("equal text differs: %v", r.errors)
	}
	Golden(r, file, "a\nc\n")
	if len(r.errors) != 1 {
		t.Errorf("a different text: %d failures", len(r.errors))
	}
}

func TestTxtarAndDirs(t *testing.T) {
	m := TxtarFS(t, "-- a/b.txt --\nB\n-- c.txt --\nC\n")
	if string(m["a/b.txt"].Data) != "B\n" || len(m) != 2 {
		t.Fatalf("TxtarFS = %v", m)
	}
	dir := WriteDir(t, m)
	if got := ReadFile(t, dir, "a/b.txt"); got != "B\n" {
		t.Errorf("ReadFile = %q", got)
	}
	content := fstest.MapFS{
		"catalog/s3.json": {}, "catalog/ec2.json": {}, "catalog/snapshot.yaml": {}, "services/ec2.yaml": {}, "services/s3.yaml": {},
		"guides/s3/a.md": {}, "guides/ec2/b.md": {}, "policies/A.json": {}, "policies/B.json": {}, "urls.txt": {}, "history/snapshots.yaml": {},
	}
	got := OnlyPolicies(OnlyServices(t, content, "s3"), "B")
	var names []string
	for p := range got {
		names = append(names, p)
	}
	want := map[string]bool{"catalog/s3.json": true, "catalog/snapshot.yaml": true, "services/s3.yaml": true, "guides/s3/a.md": true, "policies/B.json": true}
	if len(got) != len(want) {
		t.Errorf("kept %v", names)
	}
	for p := range want {
		if got[p] == nil {
			t.Errorf("%s dropped", p)
		}
	}
}
