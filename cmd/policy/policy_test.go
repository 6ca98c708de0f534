package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/catalogpack/packfile"
	"github.com/iamref/iamref/internal/sitetest"
)

// TestEmbeddedCatalog: the embedded catalog is the shipped content's, in
// catalogpack's encoding. go run ./cmd/update rewrites it with the content
// it writes; after an edit by hand,
//
//	go test ./cmd/policy -run TestEmbeddedCatalog -update
func TestEmbeddedCatalog(t *testing.T) {
	c, err := catalog.Load(os.DirFS("../../content"))
	if err != nil {
		t.Fatal(err)
	}
	if packfile.Current(shippedPack, c) {
		return
	}
	if !sitetest.Update() {
		t.Fatal("catalog.pack.br is not the catalog of content/: run go test ./cmd/policy -run TestEmbeddedCatalog -update")
	}
	if _, err := packfile.Write("catalog.pack.br", c); err != nil {
		t.Fatal(err)
	}
	t.Log("wrote catalog.pack.br")
}

// runCLI runs the command line in dir with stdin.
func runCLI(t *testing.T, dir string, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	if dir != "" {
		t.Chdir(dir)
	}
	var o, e bytes.Buffer
	code = runWith(&env{ctx: context.Background(), stdin: strings.NewReader(stdin), stdout: &o, stderr: &e}, args)
	return o.String(), e.String(), code
}

// TestGolden runs the cases of testdata/*.txtar. Each holds the command
// line in "args" (one argument a line, none if empty; $CONTENT is testdata/content, a
// frozen subset of the catalog), optionally "stdin", the files it reads,
// and what it must give: "stdout" (with the catalog's snapshot hash as
// $HASH), "stderr" and "exit". -update rewrites
// those three from what the command gives.
func TestGolden(t *testing.T) {
	cases, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	content, err := filepath.Abs("testdata/content")
	if err != nil {
		t.Fatal(err)
	}
	c, err := catalog.Load(os.DirFS(content))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range cases {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var args []string
			var stdin string
			hasArgs := false
			want := map[string]string{}
			dir := t.TempDir()
			for _, f := range ar.Files {
				switch f.Name {
				case "args":
					hasArgs = true
					if strings.TrimSpace(string(f.Data)) == "" {
						continue // no arguments at all
					}
					for _, l := range strings.Split(strings.TrimRight(string(f.Data), "\n"), "\n") {
						args = append(args, strings.ReplaceAll(l, "$CONTENT", content))
					}
				case "stdin":
					stdin = string(f.Data)
				case "stdout", "stderr", "exit":
					want[f.Name] = string(f.Data)
				default:
					p := filepath.Join(dir, f.Name)
					if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(p, f.Data, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			if !hasArgs {
				t.Fatal("no args section")
			}
			wd, _ := os.Getwd()
			stdout, stderr, code := runCLI(t, dir, stdin, args...)
			// The snapshot hash follows the loader's hashing, not only the
			// frozen files: the cases say $HASH.
			hashes := strings.NewReplacer(`"hash":"`+c.Snapshot.Hash+`"`, `"hash":"$HASH"`, `"catalogHash":"`+c.Snapshot.Hash+`"`, `"catalogHash":"$HASH"`)
			got := map[string]string{"stdout": hashes.Replace(stdout), "stderr": strings.ReplaceAll(stderr, content, "$CONTENT"), "exit": strconv.Itoa(code) + "\n"}
			if sitetest.Update() {
				var kept []txtar.File
				for _, f := range ar.Files {
					if _, ok := got[f.Name]; !ok {
						kept = append(kept, f)
					}
				}
				for _, n := range []string{"stdout", "stderr", "exit"} {
					if got[n] != "" {
						kept = append(kept, txtar.File{Name: n, Data: []byte(got[n])})
					}
				}
				ar.Files = kept
				if err := os.WriteFile(filepath.Join(wd, file), txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			for _, n := range []string{"stdout", "stderr", "exit"} {
				if got[n] != want[n] {
					t.Errorf("%s:\n%s\nwant:\n%s\n(go test ./cmd/policy -run TestGolden -update rewrites the cases; review the diff)", n, got[n], want[n])
				}
			}
		})
	}
}
