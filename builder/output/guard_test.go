package output

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFiles makes the files of m (slash paths → text) under dir.
func writeFiles(t *testing.T, dir string, m map[string]string) {
	t.Helper()
	for name, data := range m {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCheck: an output that is, contains or lies inside a directory the
// build reads, a repository, a file or a directory holding anything but a
// previous build is refused, naming why; a missing or empty directory and
// a previous build (marked, or from before the marker) are not.
func TestCheck(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"go.mod":                       "module example.com/p\n",
		"content/catalog/chime.json":   "{}",
		"templates/base.tmpl":          "x",
		"static/css/site.css":          "x",
		"notes/todo.txt":               "keep me",
		"public/" + Marker:             string(markerText),
		"public/index.html":            "old site",
		"legacy/_redirects":            legacyHeader + ": aliases\n/a /b\n",
		"legacy/index.html":            "older site",
		"fake/_redirects":              "/a /b\n",
		"afile":                        "x",
		"nested/repo/.git/HEAD":        "ref",
		"empty/.keep-me-not-really/.x": "",
	})
	if err := os.MkdirAll(filepath.Join(root, "emptydir"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "content"), filepath.Join(root, "link-to-content")); err != nil {
		t.Fatal(err)
	}
	in := func(p string) string { return filepath.Join(root, filepath.FromSlash(p)) }
	protect := []string{in("content"), in("templates"), in("static"), in("no-such-dir")}
	for _, tt := range []struct {
		out, want string // want "" is accepted
	}{
		{"content", "it is "},
		{"content/catalog", "it lies inside "},
		{"content/new-out", "it lies inside "},
		{"templates", "it is "},
		{"static/css", "it lies inside "},
		{".", "it contains "},
		{"link-to-content", "it is "},
		{"link-to-content/x", "it lies inside "},
		{"notes", "no build of iamref"},
		{"fake", "no build of iamref"},
		{"nested/repo", "root of a repository (it holds .git)"},
		{"afile", "it is a file"},
		{"public", ""},
		{"legacy", ""},
		{"emptydir", ""},
		{"not-yet", ""},
		{"deep/not/yet", ""},
	} {
		err := Check(in(tt.out), protect)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("Check(%s) = %v, want nil", tt.out, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("Check(%s) = %v, want an error with %q", tt.out, err, tt.want)
		case tt.want != "":
			var re *RefusedError
			if !errors.As(err, &re) || !strings.HasPrefix(err.Error(), "refusing to build into "+in(tt.out)+": ") {
				t.Errorf("Check(%s) = %v: not a RefusedError naming the output", tt.out, err)
			}
		}
	}
	// Without a protected list, the repository root is still refused.
	if err := Check(root, nil); err == nil || !strings.Contains(err.Error(), "root of a repository (it holds go.mod)") {
		t.Errorf("Check(root) = %v", err)
	}
}

// TestNewRefusesWhatIsNoBuild: the output is only ever replaced when it
// is a previous build; anything else stays exactly as it was.
func TestNewRefusesWhatIsNoBuild(t *testing.T) {
	parent := t.TempDir()
	project := filepath.Join(parent, "project")
	writeFiles(t, project, map[string]string{"go.mod": "module p\n", "content/catalog/chime.json": "{}"})
	notes := filepath.Join(parent, "notes")
	writeFiles(t, notes, map[string]string{"todo.txt": "keep me"})
	for _, dir := range []string{project, notes, filepath.Join(project, "content")} {
		if _, err := New(dir, nil); err == nil {
			t.Errorf("New(%s) accepted a directory that is no build", dir)
		}
	}
	if data, err := os.ReadFile(filepath.Join(notes, "todo.txt")); err != nil || string(data) != "keep me" {
		t.Errorf("notes/todo.txt = %q, %v", data, err)
	}
	if data, err := os.ReadFile(filepath.Join(project, "content", "catalog", "chime.json")); err != nil || string(data) != "{}" {
		t.Errorf("the content = %q, %v", data, err)
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 2 {
		t.Errorf("refused builds left %d entries beside the directories", len(entries))
	}
}
