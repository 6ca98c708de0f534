package site

import (
	"context"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/history"
	"github.com/iamref/iamref/internal/sitetest"
)

// Three hand-made snapshots of a small catalog with every kind of change:
//
//	2025-01-10 → 2025-06-01: demo:CreateWidget's description; DeleteWidget
//	  Write → Permissions management; GetWidget's widget row required →
//	  optional; OldThing removed; PutWidgetPolicy (Permissions management) and
//	  ListWidgets added; resource type "gadget" and condition key demo:Color
//	  removed.
//	2025-06-01 → 2026-06-14: CreateWidget's widget row gains the key
//	  demo:Size; DeleteWidget gains the dependent action demo:GetWidget;
//	  getPolicy removed and GetPolicy added (a change of letter case); the
//	  service "gone" removed; "fresh" added.

func svcJSON(prefix, name, privileges, resources, conditions string) string {
	return `{"` + prefix + `": {"service_name": "` + name + `", "prefix": "` + prefix + `", "privileges": {` + privileges + `}, "resources": {` + resources + `}, "conditions": {` + conditions + `}}}`
}

func priv(name, desc, level, rows string) string {
	if rows == "" {
		rows = `"": {"resource_type": "", "required": false, "condition_keys": [], "dependent_actions": []}`
	}
	return `"` + name + `": {"privilege": "` + name + `", "description": "` + desc + `", "access_level": "` + level + `", "resource_types": {` + rows + `}}`
}

func row(rt string, required bool, keys, deps string) string {
	req := "false"
	if required {
		req = "true"
	}
	return `"` + rt + `": {"resource_type": "` + rt + `", "required": ` + req + `, "condition_keys": [` + keys + `], "dependent_actions": [` + deps + `]}`
}

const widgetRes = `"widget": {"resource": "widget", "arn": "arn:${Partition}:demo:${Region}:${Account}:widget/${Id}", "condition_keys": []}`
const gadgetRes = `"gadget": {"resource": "gadget", "arn": "arn:${Partition}:demo:${Region}:${Account}:gadget/${Id}", "condition_keys": []}`
const colorKey = `"demo:Color": {"condition": "demo:Color", "description": "Filters by color", "type": "String"}`
const shapeKey = `"demo:Shape": {"condition": "demo:Shape", "description": "Filters by shape", "type": "String"}`
const sizeKey = `"demo:Size": {"condition": "demo:Size", "description": "Filters by size", "type": "Numeric"}`

func historySnapshots() []fstest.MapFS {
	gone := svcJSON("gone", "Gone Service", priv("Ping", "Grants permission to ping", "Read", ""), "", "")
	a := fstest.MapFS{
		"catalog/demo.json": {Data: []byte(svcJSON("demo", "Demo",
			strings.Join([]string{
				priv("CreateWidget", "Create a widget", "Write", row("widget", true, "", "")),
				priv("DeleteWidget", "Grants permission to delete a widget", "Write", ""),
				priv("GetWidget", "Grants permission to get a widget", "Read", row("widget", true, "", "")),
				priv("OldThing", "Grants permission to do the old thing", "Read", row("gadget", true, `"demo:Color"`, `"demo:GetWidget"`)),
				priv("getPolicy", "Grants permission to get the policy", "Read", ""),
			}, ", "), widgetRes+", "+gadgetRes, colorKey+", "+shapeKey))},
		"catalog/gone.json":     {Data: []byte(gone)},
		"catalog/snapshot.yaml": {Data: []byte("date: \"2025-01-10\"\nsource: test A\n")},
	}
	b := fstest.MapFS{
		"catalog/demo.json": {Data: []byte(svcJSON("demo", "Demo",
			strings.Join([]string{
				priv("CreateWidget", "Grants permission to create a widget", "Write", row("widget", true, "", "")),
				priv("DeleteWidget", "Grants permission to delete a widget", "Permissions management", ""),
				priv("GetWidget", "Grants permission to get a widget", "Read", row("widget", false, "", "")),
				priv("ListWidgets", "Grants permission to list widgets", "List", ""),
				priv("PutWidgetPolicy", "Grants permission to set who may use a widget", "Permissions management", ""),
				priv("getPolicy", "Grants permission to get the policy", "Read", ""),
			}, ", "), widgetRes, shapeKey))},
		"catalog/gone.json":     {Data: []byte(gone)},
		"catalog/snapshot.yaml": {Data: []byte("date: \"2025-06-01\"\nsource: test B\n")},
	}
	c := fstest.MapFS{
		"catalog/demo.json": {Data: []byte(svcJSON("demo", "Demo",
			strings.Join([]string{
				priv("CreateWidget", "Grants permission to create a widget", "Write", row("widget", true, `"demo:Size"`, "")),
				priv("DeleteWidget", "Grants permission to delete a widget", "Permissions management", row("", false, "", `"demo:GetWidget"`)),
				priv("GetPolicy", "Grants permission to get the policy", "Read", ""),
				priv("GetWidget", "Grants permission to get a widget", "Read", row("widget", false, "", "")),
				priv("ListWidgets", "Grants permission to list widgets", "List", ""),
				priv("PutWidgetPolicy", "Grants permission to set who may use a widget", "Permissions management", ""),
			}, ", "), strings.Replace(widgetRes, ":widget/${Id}", ":widgets/${WidgetId}", 1), sizeKey+", "+strings.Replace(shapeKey, `"String"`, `"ArrayOfString"`, 1)))},
		"catalog/fresh.json":    {Data: []byte(svcJSON("fresh", "Fresh", priv("Start", "Grants permission to start", "Write", ""), "", ""))},
		"catalog/snapshot.yaml": {Data: []byte("date: \"2026-06-14\"\nsource: test C\n")},
	}
	// steady never changes: its action pages share one rendering of the section.
	steady := svcJSON("steady", "Steady", priv("Look", "Grants permission to look", "Read", "")+", "+priv("See", "Grants permission to see", "Read", ""), "", "")
	for _, s := range []fstest.MapFS{a, b, c} {
		s["catalog/steady.json"] = &fstest.MapFile{Data: []byte(steady)}
	}
	return []fstest.MapFS{a, b, c}
}

// historyContent is the content of the latest snapshot with the history of
// all of them, written by package history's encoders as cmd/snapshot does.
func historyContent(t testing.TB, snaps []fstest.MapFS) fstest.MapFS {
	t.Helper()
	var cats []*catalog.Catalog
	for _, s := range snaps {
		c, err := catalog.Load(s)
		if err != nil {
			t.Fatal(err)
		}
		cats = append(cats, c)
	}
	content := fstest.MapFS{}
	for p, f := range snaps[len(snaps)-1] {
		content[p] = f
	}
	var hs []history.Snapshot
	for i, c := range cats {
		hs = append(hs, history.SnapshotOf(c))
		if i == 0 {
			content[history.FileName(c.Snapshot.Date)] = &fstest.MapFile{Data: history.EncodeListing(c)}
			continue
		}
		content[history.FileName(c.Snapshot.Date)] = &fstest.MapFile{Data: history.EncodeTransition(history.Diff(cats[i-1], c))}
	}
	content[history.SnapshotsFile] = &fstest.MapFile{Data: history.EncodeSnapshots(hs)}
	return content
}

func TestHistoryPages(t *testing.T) {
	t.Parallel()
	out, _ := buildSite(t, historyContent(t, historySnapshots()))

	// Action pages: first appearance and every kind of change.
	sitetest.Contains(t, "demo/CreateWidget/index.html", sitetest.ReadFile(t, out, "demo/CreateWidget/index.html"),
		`<h2 id="history">History`, "In the catalog since the earliest snapshot iamref has, 10 January 2025",
		`<tr id="change-2026-06-14"><th scope="row"><a href="../../demo/changes/#2026-06-14-action-CreateWidget">14 June 2026</a>`,
		`Condition keys of <code>widget</code>: added <code>demo:Size</code>`,
		`<tr id="change-2025-06-01">`, `Description: <del>Create a widget</del> → <ins>Grants permission to create a widget</ins>`)
	sitetest.Contains(t, "demo/DeleteWidget/index.html", sitetest.ReadFile(t, out, "demo/DeleteWidget/index.html"),
		`Access level: <span class="level level-write">Write</span> → <span class="level level-permissions">Permissions management</span>`,
		`Dependent actions of the action (no resource type): added <code>demo:GetWidget</code>`)
	sitetest.Contains(t, "demo/GetWidget/index.html", sitetest.ReadFile(t, out, "demo/GetWidget/index.html"), `Resource type <code>widget</code>: required → <strong>optional</strong>`)
	sitetest.Contains(t, "demo/PutWidgetPolicy/index.html", sitetest.ReadFile(t, out, "demo/PutWidgetPolicy/index.html"),
		"First appeared in the catalog snapshot of <strong>1 June 2025</strong>",
		`Added as <span class="level level-permissions">Permissions management</span> <span class="badge b-pm">new Permissions management</span>`)
	sitetest.Contains(t, "demo/ListWidgets/index.html", sitetest.ReadFile(t, out, "demo/ListWidgets/index.html"), "First appeared in the catalog snapshot of <strong>1 June 2025</strong>, unchanged since.")
	sitetest.Contains(t, "fresh/Start/index.html", sitetest.ReadFile(t, out, "fresh/Start/index.html"), "First appeared in the catalog snapshot of <strong>14 June 2026</strong>")
	for _, a := range []string{"Look", "See"} {
		sitetest.Contains(t, "steady/"+a+"/index.html", sitetest.ReadFile(t, out, "steady/"+a+"/index.html"), "<section aria-labelledby=\"history\">\n<h2 id=\"history\">History <a class=\"anchor\" href=\"#history\" aria-label=\"Link to this section\">#</a></h2>\n"+
			`<p>In the catalog since the earliest snapshot iamref has, 10 January 2025, unchanged since. <a href="../../steady/changes/">All steady changes</a>.</p>`+"\n</section>\n\n</main>")
	}
	sitetest.Contains(t, "demo/ListWidgets/index.html", sitetest.ReadFile(t, out, "demo/ListWidgets/index.html"), "</table>\n</section>\n\n</main>") // the same frame, rendered per page

	// The changes pages.
	sitetest.Contains(t, "changes/index.html", sitetest.ReadFile(t, out, "changes/index.html"),
		`<link rel="alternate" type="application/atom+xml" title="iamref: catalog changes" href="../changes/feed.xml">`,
		`<link rel="alternate" type="application/atom+xml" title="iamref: new Permissions management actions" href="../changes/permissions-management.xml">`,
		`<h2 id="2026-06-14">14 June 2026 <span class="muted">since 1 June 2025</span>`,
		`<h2 id="2025-06-01">`,
		`<tr id="2025-06-01-counts-added"><th scope="row">Added</th><td class="num">2</td><td class="num">1</td><td class="num"></td><td class="num"></td><td class="num">1</td>`,
		`<h3 id="2025-06-01-permissions-management" class="pm"><span class="level level-permissions">Permissions management</span> 1 new, 1 moved to it</h3>`,
		`<li id="2025-06-01-action-demo-PutWidgetPolicy-pm"><span class="badge b-pm">new</span> <a href="../demo/PutWidgetPolicy/"><code>demo:PutWidgetPolicy</code></a>`,
		`<span class="badge b-pm">now</span> <a href="../demo/DeleteWidget/"><code>demo:DeleteWidget</code></a> <span class="muted">was Write</span>`,
		`<tr id="2026-06-14-gone"><th scope="row"><a href="../gone/changes/#2026-06-14">gone</a> <span class="badge b-denied">removed service</span>`,
		`<tr id="2026-06-14-fresh"><th scope="row"><a href="../fresh/changes/#2026-06-14">fresh</a> <span class="badge b-new">new service</span>`,
		`<a href="../demo/OldThing/">demo:OldThing</a>`,
		`<svg class="chart-svg" role="img" aria-labelledby="growth-title"`, `<title id="growth-title">Actions in the catalog per snapshot: 8 actions as of 10 January 2025, 9 as of 14 June 2026.</title>`,
		`<tr id="growth-2025-06-01"><th scope="row">1 June 2025</th><td class="num">9</td>`,
		"! style=", "! <script>")
	sitetest.Contains(t, "demo/changes/index.html", sitetest.ReadFile(t, out, "demo/changes/index.html"),
		`<link rel="alternate" type="application/atom+xml" title="iamref: demo changes" href="../../demo/changes/feed.xml">`,
		`<h3 id="2025-06-01-added">Added actions (2)</h3>`,
		`<tr id="2025-06-01-action-ListWidgets"><th scope="row"><a href="../../demo/ListWidgets/">ListWidgets</a></th><td>Added as <span class="level level-list">List</span></td></tr>`,
		`<h3 id="2025-06-01-removed">Removed actions (1)</h3>`,
		`<tr id="2025-06-01-action-OldThing"><th scope="row"><a href="../../demo/OldThing/">OldThing</a></th><td>Removed (was <span class="level level-read">Read</span>)</td></tr>`,
		`<h3 id="2025-06-01-changed">Changed actions (3)</h3>`,
		`<tr id="2025-06-01-resource-gadget"><th scope="row"><a href="../../demo/resources/gadget/">gadget</a></th><td>Removed</td></tr>`,
		`<tr id="2025-06-01-condition-demo_Color"><th scope="row"><a href="../../conditions/demo_Color/">demo:Color</a></th><td>Removed from the service's table</td></tr>`,
		`<tr id="2026-06-14-action-getPolicy"><th scope="row"><a href="../../demo/getPolicy/">getPolicy</a>`,
		`<tr id="2026-06-14-action-GetPolicy"><th scope="row"><a href="../../demo/GetPolicy/">GetPolicy</a>`,
		// a resource type's ARN format and a condition key's type
		`<tr id="2026-06-14-resource-widget"><th scope="row"><a href="../../demo/resources/widget/">widget</a></th><td><ul class="fields"><li>ARN format: <code>arn:${Partition}:demo:${Region}:${Account}:widget/${Id}</code> → <code>arn:${Partition}:demo:${Region}:${Account}:widgets/${WidgetId}</code></li></ul></td></tr>`,
		`<tr id="2026-06-14-condition-demo_Shape"><th scope="row"><a href="../../conditions/demo_Shape/">demo:Shape</a></th><td><ul class="fields"><li>Type: <code>String</code> → <code>ArrayOfString</code></li></ul></td></tr>`,
		`<tr id="2026-06-14-condition-demo_Size"><th scope="row"><a href="../../conditions/demo_Size/">demo:Size</a></th><td>Added to the service's table</td></tr>`)
	sitetest.Contains(t, "gone/changes/index.html", sitetest.ReadFile(t, out, "gone/changes/index.html"), "The service is no longer in the catalog.", `<li id="2026-06-14-service-gone">The service Gone Service was removed from the catalog.</li>`)
	sitetest.Contains(t, "demo/index.html", sitetest.ReadFile(t, out, "demo/index.html"), `href="../demo/changes/">What changed in demo (2 of 2 snapshots)</a>`, `<details class="growth" id="growth">`,
		`<link rel="alternate" type="application/atom+xml" title="iamref: demo changes" href="../demo/changes/feed.xml">`)
	sitetest.Contains(t, "index.html", sitetest.ReadFile(t, out, "index.html"), `<a href="./changes/">What changed since 10 January 2025</a>`)

	// Tombstones keep the URLs, say since when and what it was.
	sitetest.Contains(t, "demo/OldThing/index.html", sitetest.ReadFile(t, out, "demo/OldThing/index.html"),
		`<meta name="robots" content="noindex">`, `<span class="kind">removed action</span>`,
		"It was removed in the snapshot of <strong>1 June 2025</strong>; the last snapshot that listed it is 10 January 2025.",
		`href="../../demo/changes/#2025-06-01-action-OldThing"`,
		"Grants permission to do the old thing", `<span class="level level-read">Read</span>`,
		// what it named links to the pages the site has, live or tombstones
		`<tr id="resource-gadget"><th scope="row"><a href="../../demo/resources/gadget/">gadget</a></th><td><span class="yes">Required</span></td><td><a class="key" href="../../conditions/demo_Color/">demo:Color</a> </td><td><a href="../../demo/GetWidget/"><code>demo:GetWidget</code></a> </td></tr>`,
		`<tr id="change-2025-06-01">`)
	sitetest.Contains(t, "demo/getPolicy/index.html", sitetest.ReadFile(t, out, "demo/getPolicy/index.html"), `The catalog now spells it with different letter case: <a href="../../demo/GetPolicy/"><code>demo:GetPolicy</code></a>`)
	sitetest.Contains(t, "demo/GetPolicy/index.html", sitetest.ReadFile(t, out, "demo/GetPolicy/index.html"), "First appeared in the catalog snapshot of <strong>14 June 2026</strong>", `<h1 id="top"><code class="id">demo:GetPolicy</code>`)
	sitetest.Contains(t, "demo/resources/gadget/index.html", sitetest.ReadFile(t, out, "demo/resources/gadget/index.html"), "removed resource type", `:gadget/<var>${Id}</var></code>`, `<meta name="robots" content="noindex">`)
	sitetest.Contains(t, "conditions/demo_Color/index.html", sitetest.ReadFile(t, out, "conditions/demo_Color/index.html"), "removed condition key", "Filters by color", `<tr id="service-demo">`)
	sitetest.Contains(t, "gone/index.html", sitetest.ReadFile(t, out, "gone/index.html"), "removed service", "Gone Service", `<a href="../gone/Ping/">Ping</a>`, "removed in the snapshot of <strong>14 June 2026</strong>")
	sitetest.Contains(t, "gone/Ping/index.html", sitetest.ReadFile(t, out, "gone/Ping/index.html"), "removed action", `<a href="../../gone/">Gone Service</a>`, "also removed")
	// Short links and lower-case paths of removed actions lead to their
	// tombstones; a removed name a live action has in another case keeps
	// the live action's rules.
	redirects := sitetest.ReadFile(t, out, "_redirects")
	for _, want := range []string{"\n/demo:OldThing /demo/OldThing/\n", "\n/demo:oldthing /demo/OldThing/\n", "\n/demo/oldthing /demo/OldThing/\n", "\n/demo:getpolicy /demo/GetPolicy/\n"} {
		if !strings.Contains(redirects, want) {
			t.Errorf("_redirects lacks %q", strings.TrimSpace(want))
		}
	}
	if strings.Contains(redirects, " /demo/getPolicy/\n") {
		t.Error("_redirects sends a live action's alias to the tombstone of its old spelling")
	}
	if sm, err := os.ReadFile(filepath.Join(out, "sitemap.xml")); err == nil {
		for _, p := range []string{"/demo/OldThing/", "/gone/", "/conditions/demo_Color/"} {
			if strings.Contains(string(sm), "https://iamref.example"+p+"<") {
				t.Errorf("sitemap lists the tombstone %s", p)
			}
		}
		if !strings.Contains(string(sm), "https://iamref.example/changes/<") {
			t.Error("sitemap does not list /changes/")
		}
	}
}

type testFeed struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Links   []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		Title   string `xml:"title"`
		ID      string `xml:"id"`
		Updated string `xml:"updated"`
		Link    struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Content string `xml:"content"`
		Summary string `xml:"summary"`
	} `xml:"entry"`
}

func parseFeed(t *testing.T, out, file string) testFeed {
	t.Helper()
	var f testFeed
	if err := xml.Unmarshal([]byte(sitetest.ReadFile(t, out, file)), &f); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return f
}

func TestHistoryFeeds(t *testing.T) {
	t.Parallel()
	content := historyContent(t, historySnapshots())
	out, _ := buildSite(t, content)

	all := parseFeed(t, out, "changes/feed.xml")
	if all.ID != "tag:iamref,2026:changes" || all.Updated != "2026-06-14T00:00:00Z" {
		t.Errorf("feed id, updated = %q, %q", all.ID, all.Updated)
	}
	if len(all.Entries) != 2 {
		t.Fatalf("catalog feed has %d entries, want 2", len(all.Entries))
	}
	e := all.Entries[0]
	if e.ID != "tag:iamref,2026:changes/2026-06-14" || e.Updated != "2026-06-14T00:00:00Z" || e.Link.Href != "https://iamref.example/changes/#2026-06-14" {
		t.Errorf("newest entry = %+v", e)
	}
	if e := all.Entries[1]; e.ID != "tag:iamref,2026:changes/2025-06-01" || !strings.Contains(e.Content, `<a href="https://iamref.example/demo/PutWidgetPolicy/">demo:PutWidgetPolicy</a>`) {
		t.Errorf("older entry = %+v", e)
	}

	pm := parseFeed(t, out, "changes/permissions-management.xml")
	if len(pm.Entries) != 1 || pm.Entries[0].ID != "tag:iamref,2026:permissions-management/2025-06-01/demo:PutWidgetPolicy" || pm.Entries[0].Updated != "2025-06-01T00:00:00Z" ||
		!strings.Contains(pm.Entries[0].Summary, "Grants permission to set who may use a widget") {
		t.Errorf("permissions-management feed = %+v", pm.Entries)
	}

	demo := parseFeed(t, out, "demo/changes/feed.xml")
	if demo.ID != "tag:iamref,2026:demo/changes" || len(demo.Entries) != 2 || demo.Entries[1].ID != "tag:iamref,2026:demo/changes/2025-06-01" {
		t.Errorf("demo feed = %+v", demo)
	}
	if c := demo.Entries[1].Content; !strings.Contains(c, "DeleteWidget</a> — access level: Write → Permissions management") || !strings.Contains(c, "OldThing</a> — removed (was Read)") {
		t.Errorf("demo feed entry content = %s", c)
	}
	gone := parseFeed(t, out, "gone/changes/feed.xml")
	if len(gone.Entries) != 1 {
		t.Errorf("gone feed has %d entries, want 1", len(gone.Entries))
	}

	// Without a base URL, links are relative to the feed.
	rel := filepath.Join(t.TempDir(), "public")
	if _, err := Build(context.Background(), Config{Content: content, Out: rel}); err != nil {
		t.Fatal(err)
	}
	if f := parseFeed(t, rel, "changes/feed.xml"); f.Entries[0].Link.Href != "../changes/#2026-06-14" {
		t.Errorf("relative entry link = %q", f.Entries[0].Link.Href)
	}

	// Byte-identical between builds: nothing depends on the clock.
	again, _ := buildSite(t, content)
	if diff := compareTrees(t, out, again); diff != "" {
		t.Errorf("two builds differ: %s", diff)
	}
}

func TestHistoryErrors(t *testing.T) {
	t.Parallel()
	// A broken change line: file:line:col.
	content := historyContent(t, historySnapshots())
	f := history.FileName("2026-06-14")
	lines := strings.SplitAfter(string(content[f].Data), "\n")
	lines[2] = `{"op":"added","entity":"action","service":"demo","name":` + "\n"
	content[f] = &fstest.MapFile{Data: []byte(strings.Join(lines, ""))}
	_, err := Build(context.Background(), Config{Content: content, Out: filepath.Join(t.TempDir(), "public")})
	if err == nil || !strings.Contains(err.Error(), f+":3:") {
		t.Errorf("broken history line: err = %v, want %s:3:col", err, f)
	}

	// A history that does not end at the catalog.
	content = historyContent(t, historySnapshots())
	content["catalog/snapshot.yaml"] = &fstest.MapFile{Data: []byte("date: \"2026-07-01\"\nsource: test C\n")}
	_, err = Build(context.Background(), Config{Content: content, Out: filepath.Join(t.TempDir(), "public")})
	if err == nil || !strings.Contains(err.Error(), history.SnapshotsFile+":") {
		t.Errorf("history behind the catalog: err = %v", err)
	}

	// A removed resource type whose page a live one now has: an error, not an overwrite.
	snaps := historySnapshots()
	snaps[2]["catalog/demo.json"] = &fstest.MapFile{Data: []byte(strings.Replace(string(snaps[2]["catalog/demo.json"].Data), `"resources": {`,
		`"resources": {"gadget?": {"resource": "gadget?", "arn": "arn:${Partition}:demo:${Region}:${Account}:gadget/${Id}", "condition_keys": []}, `, 1))}
	snaps[1]["catalog/demo.json"] = &fstest.MapFile{Data: []byte(strings.Replace(string(snaps[1]["catalog/demo.json"].Data), `"resources": {`,
		`"resources": {"gadget!": {"resource": "gadget!", "arn": "arn:${Partition}:demo:${Region}:${Account}:gadget/${Id}", "condition_keys": []}, `, 1))}
	_, err = Build(context.Background(), Config{Content: historyContent(t, snaps), Out: filepath.Join(t.TempDir(), "public")})
	if err == nil || !strings.Contains(err.Error(), "the removed resource type demo/gadget! would take the page /demo/resources/gadget_/") {
		t.Errorf("slug collision: err = %v", err)
	}
}
