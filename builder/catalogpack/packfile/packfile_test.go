package packfile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/catalogpack"
	"github.com/iamref/iamref/internal/sitetest"
)

// load is the catalog of the shipped content's services named.
func load(t *testing.T, prefixes ...string) *catalog.Catalog {
	t.Helper()
	c, err := catalog.Load(sitetest.OnlyServices(t, os.DirFS("../../../content"), prefixes...))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestWrite(t *testing.T) {
	one := load(t, "chime")
	two := load(t, "chime", "s3")
	path := filepath.Join(t.TempDir(), "catalog.pack.br")
	for i, step := range []struct {
		c       *catalog.Catalog
		changed bool
	}{{one, true}, {one, false}, {two, true}, {two, false}, {one, true}} {
		changed, err := Write(path, step.c)
		if err != nil || changed != step.changed {
			t.Fatalf("step %d: Write = %v, %v; want changed %v", i, changed, err, step.changed)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !Current(b, step.c) {
			t.Fatalf("step %d: the file does not hold the catalog", i)
		}
		raw, err := Decompress(b)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := catalogpack.Decode(raw); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("left beside the file: %v", entries)
	}
	if Current([]byte("not brotli"), one) {
		t.Error("garbage is current")
	}
}

func TestWriteMissingDirectory(t *testing.T) {
	if _, err := Write(filepath.Join(t.TempDir(), "no", "catalog.pack.br"), load(t, "chime")); err == nil {
		t.Error("no error for a directory that does not exist")
	}
}
