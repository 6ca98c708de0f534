package policyassets

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/andybalholm/brotli"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/catalogpack"
	"github.com/iamref/iamref/builder/search"
)

// TestJob: the files a build gets, under the names the pages are given:
// the catalog decodes to the build's, the engine is WebAssembly, every
// compressed copy holds its file.
func TestJob(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the policy engine when .cache/wasm is cold")
	}
	c, err := catalog.Load(fstest.MapFS{
		"catalog/demo.json": {Data: []byte(`{"demo": {"service_name": "Demo", "prefix": "demo", "privileges": {
 "GetThing": {"privilege": "GetThing", "description": "d", "access_level": "Read",
  "resource_types": {"": {"resource_type": "", "required": false, "condition_keys": [], "dependent_actions": []}}}}}}`)},
		"catalog/snapshot.yaml": {Data: []byte("date: \"2026-06-14\"\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	j := Start(context.Background(), c, "")
	f, err := j.Ready()
	if err != nil {
		t.Fatal(err)
	}
	rest, err := j.Finish()
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, x := range append(f.List, rest...) {
		if _, dup := files[x.Path]; dup {
			t.Errorf("%s twice", x.Path)
		}
		files[x.Path] = x.Data
	}
	pack := files[f.Catalog]
	if want := "/" + search.HashName("policy-catalog-", ".pack", catalogpack.Encode(c)); f.Catalog != want {
		t.Errorf("catalog at %s, want %s", f.Catalog, want)
	}
	if dc, err := catalogpack.Decode(pack); err != nil || dc.Action("demo:GetThing") == nil {
		t.Errorf("the catalog does not decode to the build's: %v", err)
	}
	if !bytes.HasPrefix(files[f.Wasm], []byte("\x00asm")) || !strings.HasPrefix(f.Wasm, "/policy-") {
		t.Errorf("engine at %s: not WebAssembly", f.Wasm)
	}
	if !bytes.Contains(files[f.WasmExec], []byte("class Go")) && !bytes.Contains(files[f.WasmExec], []byte("Go =")) {
		t.Errorf("%s is not Go's wasm_exec.js", f.WasmExec)
	}
	for _, p := range []string{f.Wasm, f.Catalog, f.WasmExec} {
		br, ok := files[p+".br"]
		if !ok || files[p+".gz"] == nil {
			t.Errorf("%s: no compressed copies", p)
			continue
		}
		got, err := io.ReadAll(brotli.NewReader(bytes.NewReader(br)))
		if err != nil || !bytes.Equal(got, files[p]) {
			t.Errorf("%s.br does not hold %s", p, p)
		}
	}
	st := j.Stats()
	if st.WasmBytes != len(files[f.Wasm]) || st.PackBytes != len(pack) || st.PackBrotli != len(files[f.Catalog+".br"]) {
		t.Errorf("stats %+v", st)
	}
}
