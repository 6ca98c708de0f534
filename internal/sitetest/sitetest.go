// Package sitetest is the test harness of the builder's packages: content
// written as txtar archives, the "! " assertion, golden files compared
// with go-cmp and rewritten with -update, and the shipped content cut down
// to a few services. Only tests import it.
package sitetest

import (
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/iamref/iamref/builder/catalog"
)

var update = flag.Bool("update", false, "rewrite golden files instead of comparing with them")

// Update reports whether the run rewrites golden files (go test -update).
func Update() bool { return *update }

// TxtarFS is the files of a txtar archive as a file system.
func TxtarFS(tb testing.TB, archive string) fstest.MapFS {
	tb.Helper()
	m := fstest.MapFS{}
	for _, f := range txtar.Parse([]byte(archive)).Files {
		m[f.Name] = &fstest.MapFile{Data: f.Data}
	}
	return m
}

// WriteDir writes the files of m into a new temporary directory of tb,
// which it returns: content for what reads a directory, not a file system.
func WriteDir(tb testing.TB, m fstest.MapFS) string {
	tb.Helper()
	dir := tb.TempDir()
	for name, f := range m {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

// ReadFile is the file p (slash-separated) of dir.
func ReadFile(tb testing.TB, dir, p string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// Contains checks that got, the text of name, contains each of wants; a
// want that starts with "! " must not be in it.
func Contains(tb testing.TB, name, got string, wants ...string) {
	tb.Helper()
	for _, w := range wants {
		if neg, ok := strings.CutPrefix(w, "! "); ok {
			if strings.Contains(got, neg) {
				tb.Errorf("%s contains %q", name, neg)
			}
		} else if !strings.Contains(got, w) {
			tb.Errorf("%s does not contain %q", name, w)
		}
	}
}

// Golden compares got with the golden file, or with -update writes got
// into it.
func Golden(tb testing.TB, file, got string) {
	tb.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		tb.Fatalf("%v (run the test with -update to write it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		tb.Errorf("differs from %s (-want +got); run the test with -update and review the diff:\n%s", file, diff)
	}
}

// OnlyServices copies the content that belongs to the given service
// prefixes, and everything that is not per service (all managed policies,
// the global condition keys, the kept facts, which apply to the services
// a catalog has), into a file system. The URL manifest, the history and
// the service categories describe every service, and a subset would fail
// them: they are left out.
func OnlyServices(tb testing.TB, content fs.FS, prefixes ...string) fstest.MapFS {
	tb.Helper()
	keep := map[string]bool{}
	for _, p := range prefixes {
		keep[p] = true
	}
	m := fstest.MapFS{}
	err := fs.WalkDir(content, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if p == "urls.txt" || strings.HasPrefix(p, "history/") {
			return nil
		}
		dir, name := filepath.Split(p)
		switch {
		case p == catalog.CategoriesFile:
			return nil // it names every service, as the history does
		case dir == "catalog/" && catalog.IsServiceFile(p) && strings.HasSuffix(name, ".json"),
			dir == "services/":
			if base := strings.TrimSuffix(strings.TrimSuffix(name, ".json"), ".yaml"); !keep[base] {
				return nil
			}
		}
		if strings.HasPrefix(p, "guides/") && !keep[strings.Split(p, "/")[1]] {
			return nil
		}
		data, err := fs.ReadFile(content, p)
		if err != nil {
			return err
		}
		m[p] = &fstest.MapFile{Data: data}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// OnlyPolicies removes from m the managed policies not named.
func OnlyPolicies(m fstest.MapFS, names ...string) fstest.MapFS {
	keep := map[string]bool{}
	for _, n := range names {
		keep["policies/"+n+".json"] = true
	}
	for p := range m {
		if strings.HasPrefix(p, "policies/") && !keep[p] {
			delete(m, p)
		}
	}
	return m
}
