package site

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/iamref/iamref/templates"
)

// TestTemplateWorkers: every render worker gets its own copy of every page
// kind's templates, made when they are parsed, and a set of templates that
// lacks a kind's file, or has a file no kind renders, is refused at once.
func TestTemplateWorkers(t *testing.T) {
	t.Parallel()
	ts, err := parseTemplates(templates.FS, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts.workers) != 3 {
		t.Fatalf("%d worker sets, want 3", len(ts.workers))
	}
	for _, k := range allKinds {
		a, b, c := ts.workers[0][k], ts.workers[1][k], ts.workers[2][k]
		if a == nil || b == nil || c == nil || a == b || b == c || a == c {
			t.Errorf("%s: the workers' templates are missing or shared: %p %p %p", k, a, b, c)
		}
		if _, ok := ts.labels[k]; !ok {
			t.Errorf("%s: no profiler label", k)
		}
	}

	tmpl := fstest.MapFS{}
	files := map[string][]byte{}
	err = fs.WalkDir(templates.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(templates.FS, p)
		files[p] = data
		tmpl[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	delete(tmpl, "matrix.tmpl")
	if _, err := parseTemplates(tmpl, 2); err == nil || !strings.Contains(err.Error(), "matrix.tmpl") {
		t.Errorf("templates without matrix.tmpl: %v", err)
	}
	tmpl["matrix.tmpl"] = &fstest.MapFile{Data: files["matrix.tmpl"]}
	tmpl["matrx.tmpl"] = &fstest.MapFile{Data: files["matrix.tmpl"]}
	if _, err := parseTemplates(tmpl, 2); err == nil || !strings.Contains(err.Error(), "matrx.tmpl is not the template of a page kind") {
		t.Errorf("templates with a stray matrx.tmpl: %v", err)
	}
}
