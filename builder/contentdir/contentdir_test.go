package contentdir

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"testing/fstest"
)

func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, d := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(d), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func contents(t *testing.T, dir string) map[string]string {
	t.Helper()
	m, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for p, f := range m {
		out[p] = string(f.Data)
	}
	return out
}

func TestReplace(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "content")
	writeTree(t, dir, map[string]string{"a.txt": "a", "sub/b.txt": "b", "gone/c.txt": "c"})
	before, _ := Read(dir)
	after := Apply(before, []Change{{Path: "a.txt", Data: []byte("A")}, {Path: "new/d.txt", Data: []byte("d")}, {Path: "gone/c.txt", Delete: true}})
	changes := Diff(before, after)
	want := []Change{{Path: "a.txt", Data: []byte("A")}, {Path: "gone/c.txt", Delete: true}, {Path: "new/d.txt", Data: []byte("d")}}
	if !reflect.DeepEqual(changes, want) {
		t.Fatalf("Diff = %+v", changes)
	}

	// A failed check leaves the directory as it was, and no copy behind.
	bad := errors.New("does not load")
	if err := Replace(dir, changes, func(fs.FS) error { return bad }); !errors.Is(err, bad) {
		t.Fatalf("Replace with a failing check: %v", err)
	}
	if got := contents(t, dir); !reflect.DeepEqual(got, map[string]string{"a.txt": "a", "sub/b.txt": "b", "gone/c.txt": "c"}) {
		t.Errorf("after a failed Replace: %v", got)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}

	var seen fstest.MapFS
	err := Replace(dir, changes, func(f fs.FS) error {
		var err error
		seen, err = readFS(f)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	wantFiles := map[string]string{"a.txt": "A", "sub/b.txt": "b", "new/d.txt": "d"}
	if got := contents(t, dir); !reflect.DeepEqual(got, wantFiles) {
		t.Errorf("after Replace: %v", got)
	}
	if len(seen) != 3 {
		t.Errorf("the check saw %d files", len(seen))
	}
	if _, err := os.Stat(filepath.Join(dir, "gone")); !os.IsNotExist(err) {
		t.Error("the emptied directory stayed")
	}
	if entries, _ := os.ReadDir(root); len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
	if err := Replace(dir, []Change{{Path: "../escape", Data: nil}}, nil); err == nil {
		t.Error("a path outside the directory was written")
	}
}

func readFS(f fs.FS) (fstest.MapFS, error) {
	m := fstest.MapFS{}
	err := fs.WalkDir(f, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(f, p)
		m[p] = &fstest.MapFile{Data: data}
		return err
	})
	return m, err
}

// TestEditorFiles: Read leaves the files of editors and the system out
// (the loaders never see them), Replace leaves them where they are (a vim
// swap file survives an update), and verify sees the content as the build
// does, without them.
func TestEditorFiles(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "content")
	writeTree(t, dir, map[string]string{
		"catalog/chime.json":      "{}",
		"catalog/.chime.json.swp": "b0VIM",
		"catalog/chime.json~":     "old",
		".DS_Store":               "\x00",
		".git/HEAD":               "ref",
	})
	if got := contents(t, dir); !reflect.DeepEqual(got, map[string]string{"catalog/chime.json": "{}"}) {
		t.Errorf("Read = %v", got)
	}
	cur, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	next := fstest.MapFS{"catalog/chime.json": {Data: []byte(`{"chime": {}}`)}}
	verify := func(f fs.FS) error {
		if _, err := fs.Stat(f, "catalog/.chime.json.swp"); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("verify sees the swap file: %v", err)
		}
		return nil
	}
	if err := Replace(dir, Diff(cur, next), verify); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]string{"catalog/chime.json": `{"chime": {}}`, "catalog/.chime.json.swp": "b0VIM", "catalog/chime.json~": "old", ".git/HEAD": "ref"} {
		if data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p))); err != nil || string(data) != want {
			t.Errorf("%s after Replace: %q, %v", p, data, err)
		}
	}
}
