package site

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/iamref/iamref/builder/output"
	"github.com/iamref/iamref/internal/sitetest"
)

// policySite is a hand-made catalog with three managed policies that
// cover NotAction, a Deny with and without a Condition, "?" wildcards,
// resource scopes, conditions and names the catalog lacks, and one example.
const policySite = `
-- catalog/demo.json --
{"demo": {"service_name": "Demo", "prefix": "demo", "privileges": {
  "CreateWidget": {"privilege": "CreateWidget", "description": "Create", "access_level": "Write", "resource_types": {"": {"resource_type": "", "required": false, "condition_keys": [], "dependent_actions": []}}},
  "DeleteWidget": {"privilege": "DeleteWidget", "description": "Delete", "access_level": "Write", "resource_types": {"": {"resource_type": "", "required": false, "condition_keys": [], "dependent_actions": []}}},
  "DescribeWidget": {"privilege": "DescribeWidget", "description": "Describe", "access_level": "Read", "resource_types": {"": {"resource_type": "", "required": false, "condition_keys": [], "dependent_actions": []}}},
  "ListWidgets": {"privilege": "ListWidgets", "description": "List", "access_level": "List", "resource_types": {"": {"resource_type": "", "required": false, "condition_keys": [], "dependent_actions": []}}},
  "TagWidget": {"privilege": "TagWidget", "description": "Tag", "access_level": "Tagging", "resource_types": {"": {"resource_type": "", "required": false, "condition_keys": [], "dependent_actions": []}}}},
 "resources": {}, "conditions": {}}}
-- catalog/other.json --
{"other": {"service_name": "Other", "prefix": "other", "privileges": {
  "GetThing": {"privilege": "GetThing", "description": "Get", "access_level": "Read", "resource_types": {"": {"resource_type": "", "required": false, "condition_keys": [], "dependent_actions": []}}},
  "PutThing": {"privilege": "PutThing", "description": "Put", "access_level": "Write", "resource_types": {"": {"resource_type": "", "required": false, "condition_keys": [], "dependent_actions": []}}}},
 "resources": {}, "conditions": {}}}
-- catalog/lone.json --
{"lone": {"service_name": "Lone", "prefix": "lone", "privileges": {
  "Ping": {"privilege": "Ping", "description": "Ping", "access_level": "Read", "resource_types": {"": {"resource_type": "", "required": false, "condition_keys": [], "dependent_actions": []}}}},
 "resources": {}, "conditions": {}}}
-- catalog/snapshot.yaml --
date: "2026-06-14"
source: test
-- policies/DemoNotAction.json --
{"PolicyName": "DemoNotAction", "Arn": "arn:aws:iam::aws:policy/DemoNotAction", "DefaultVersionId": "v3",
 "CreateDate": "2020-01-01T00:00:00Z", "UpdateDate": "2024-02-02T00:00:00Z", "Deprecated": false,
 "Document": {"Version": "2012-10-17", "Statement": [
  {"Sid": "AllButDelete", "Effect": "Allow", "NotAction": ["demo:Delete*", "lone:*"], "Resource": "*"},
  {"Effect": "Deny", "Action": "demo:TagWidget", "Resource": "*"}]}}
-- policies/DemoMixed.json --
{"PolicyName": "DemoMixed", "Arn": "arn:aws:iam::aws:policy/DemoMixed", "DefaultVersionId": "v1",
 "CreateDate": "2021-01-01T00:00:00Z", "UpdateDate": null, "Deprecated": false,
 "Document": {"Version": "2012-10-17", "Statement": [
  {"Sid": "Widgets", "Effect": "Allow", "Action": ["demo:*"], "Resource": "*"},
  {"Sid": "NoCreateOutsideHome", "Effect": "Deny", "Action": "demo:Create*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}},
  {"Sid": "Things", "Effect": "Allow", "Action": ["other:G?tThing", "demo:ListWidget"], "Resource": "arn:aws:other:::thing/*"},
  {"Sid": "Puts", "Effect": "Allow", "Action": "other:Put*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
  {"Sid": "Nothing", "Effect": "Allow", "Action": "nosuch:Thing*", "Resource": "*"}]}}
-- policies/DemoOld.json --
{"PolicyName": "DemoOld", "Arn": null, "DefaultVersionId": "v1", "CreateDate": "2019-01-01T00:00:00Z", "UpdateDate": null, "Deprecated": true,
 "Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "demo:Describe?idget", "Resource": "arn:aws:demo:::widget/*"}]}}
-- examples/demo-read.md --
---
title: Read Demo widgets
summary: Describe and list widgets.
service: demo
---
Allows **reading** widgets.
-- examples/demo-read.json --
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["demo:Describe*", "demo:List*"], "Resource": "*"}
  ]
}
`

// cellOf returns the matrix cell of an action's row in a column.
func cellOf(t *testing.T, page, action string, col int) string {
	t.Helper()
	i := strings.Index(page, `<tr id="action-`+action+`"`)
	if i < 0 {
		t.Fatalf("matrix has no row for %s", action)
	}
	row := page[i : i+strings.Index(page[i:], "</tr>")]
	cells := regexp.MustCompile(`<td[^>]*>.*?</td>`).FindAllString(row, -1)
	if col >= len(cells) {
		t.Fatalf("row %s has %d cells, want column %d", action, len(cells), col)
	}
	return cells[col]
}

func TestPolicyMiniSite(t *testing.T) {
	t.Parallel()
	out, _ := buildSite(t, sitetest.TxtarFS(t, policySite))
	matrix := sitetest.ReadFile(t, out, "demo/matrix/index.html")
	// Columns, most-granting first: DemoMixed (all 5), DemoNotAction (3: not
	// Delete by NotAction, not Tag by the Deny), DemoOld (1).
	cols := regexp.MustCompile(`<th scope="col" class="pol"><a href="[^"]*" title="([^":]+):`).FindAllStringSubmatch(matrix, -1)
	var names []string
	for _, c := range cols {
		names = append(names, c[1])
	}
	if got := strings.Join(names, " "); got != "DemoMixed DemoNotAction DemoOld" {
		t.Errorf("matrix columns = %q, want most-granting first", got)
	}
	cells := []struct {
		action string
		col    int
		want   string
	}{
		{"CreateWidget", 0, `<td class="m-d"><abbr title="allowed, partly denied">✓d</abbr></td>`}, // the Deny has a Condition
		{"CreateWidget", 1, `<td class="m-a"><abbr title="allowed">✓</abbr></td>`},
		{"DeleteWidget", 1, `<td></td>`}, // NotAction demo:Delete*
		{"TagWidget", 0, `<td class="m-a">`},
		{"TagWidget", 1, `<td></td>`}, // unconditional Deny on "*" subtracts
		{"DescribeWidget", 2, `<td class="m-r"><abbr title="allowed, resource-scoped">✓r</abbr></td>`}, // "?" wildcard
		{"ListWidgets", 2, `<td></td>`},
	}
	for _, c := range cells {
		if got := cellOf(t, matrix, c.action, c.col); !strings.HasPrefix(got, c.want) {
			t.Errorf("cell %s × column %d = %s, want %s…", c.action, c.col, got, c.want)
		}
	}
	other := sitetest.ReadFile(t, out, "other/matrix/index.html")
	if got := cellOf(t, other, "GetThing", 0); !strings.Contains(got, `class="m-r"`) {
		t.Errorf("other:GetThing (other:G?tThing on a thing ARN) = %s, want resource-scoped", got)
	}
	if got := cellOf(t, other, "PutThing", 0); !strings.Contains(got, `class="m-c"`) || !strings.Contains(got, "✓c") {
		t.Errorf("other:PutThing (Condition) = %s, want conditional", got)
	}

	pages := []struct {
		file string
		want []string
	}{
		{"policies/index.html", []string{`data-filter-table="policies-table"`, `href="../policies/DemoMixed/"`, `<span class="badge b-deprecated">deprecated</span>`,
			`<span class="badge b-denied">Deny</span>`, `<span class="badge">NotAction</span>`, `<span class="badge b-unknown">2 unknown</span>`}},
		{"policies/DemoMixed/index.html", []string{
			`<code class="arn">arn:aws:iam::aws:policy/DemoMixed</code>`, `<code>v1</code>`,
			`<tr id="statement-1"><th scope="row"><span id="sid-Widgets"></span><a href="#statement-1">1</a>`,
			`<tr id="statement-5">`,
			// the unknown literal and the wildcard that matches nothing, with suggestions and their lines
			`<code>demo:ListWidget</code>`, `href="../../demo/ListWidgets/"><code>demo:ListWidgets</code></a>`, `<code>nosuch:Thing*</code> <span class="badge">wildcard</span>`,
			`<a href="#L28">line 28</a>, column 9: &#34;demo:ListWidget&#34; is not an action in the catalog`, `<span class="line hl"><span class="ln" id="L28">`,
			`<a href="#L46">line 46</a>, column 17: &#34;nosuch:Thing*&#34;: the catalog has no service prefix`,
			// CreateWidget is partly denied by the conditional Deny, named in the author's spelling
			`<a href="../../demo/CreateWidget/">CreateWidget</a> <span class="via"><a href="#statement-1"><code>demo:*</code></a></span> <span class="via">denied in part by <a href="#statement-2"><code>demo:Create*</code></a></span> <span class="badge b-denied">partly denied</span>`,
			`<a href="#statement-3"><code>other:G?tThing</code></a></span> <span class="badge b-scoped">resource-scoped</span>`,
			`<a href="#statement-4"><code>other:Put*</code></a></span> <span class="badge b-cond">conditional</span>`,
			`<div class="code"><button type="button" class="copy" data-copy-code hidden>Copy</button><pre class="chroma">`,
		}},
		{"policies/DemoNotAction/index.html", []string{`NotAction: <code>demo:Delete*</code>, <code>lone:*</code>`, "a Deny removes 1 more", "all allowed by <span class=\"via\"><a href=\"#statement-1\">NotAction</a>", "! DeleteWidget/", "! TagWidget/",
			// every other action, all by the same NotAction: summarised, not listed
			`Every one of the 2 other actions, each allowed the same way: <a href="../../other/#actions">the actions table</a> lists them.`, "! other/GetThing/", "! other/PutThing/"}},
		{"policies/DemoOld/index.html", []string{`<span class="badge b-deprecated">deprecated</span>`, "none (deprecated policies have none)", `<code>demo:Describe?idget</code>`}},
		{"demo/CreateWidget/index.html", []string{
			`2 AWS managed policies allow demo:CreateWidget:`,
			`<li><a href="../../policies/DemoNotAction/">DemoNotAction</a> <code>NotAction</code>  <span class="since">since <a href="../../policies/DemoNotAction/#version-v3">v3</a> (the oldest version iamref holds)</span></li>`,
			`<li><a href="../../policies/DemoMixed/">DemoMixed</a> <code>demo:*</code> <span class="badge b-denied">partly denied</span> <span class="since">since <a href="../../policies/DemoMixed/#version-v1">v1</a> (its first version)</span></li>`,
			`<ul class="since-list"><li><a href="../../policies/DemoMixed/#version-v1">DemoMixed v1</a></li><li><a href="../../policies/DemoNotAction/#version-v3">DemoNotAction v3</a></li></ul>`,
			`href="../../demo/matrix/#action-CreateWidget"`,
		}},
		{"demo/DescribeWidget/index.html", []string{
			// the literal-most pattern first: Describe?idget (13 literal characters) before demo:* and NotAction
			`<li><a href="../../policies/DemoOld/">DemoOld</a> <code>demo:Describe?idget</code>`,
			`Example policies that allow it: <a href="../../examples/demo-read/">Read Demo widgets</a> (<code>demo:Describe*</code>)`,
		}},
		{"demo/index.html", []string{`href="../demo/matrix/">Managed policies that allow demo actions (3)</a>`}},
		{"demo/DeleteWidget/index.html", []string{"One AWS managed policy allows demo:DeleteWidget:", "! policies/DemoNotAction/"}},
		{"lone/Ping/index.html", []string{"No AWS managed policy allows lone:Ping.", "! matrix/"}},
		{"lone/index.html", []string{"! matrix/"}},
		{"index.html", []string{`<a href="./policies/">Managed policies</a>`, `<a href="./examples/">Examples</a>`}},
		{"examples/demo-read/index.html", []string{"Read Demo widgets", "<strong>reading</strong>", `<span class="ln" id="L4">`, `href="../../demo/matrix/"`}},
		{"policies/compare/DemoMixed/DemoNotAction/index.html", []string{`Only DemoMixed: <strong>2</strong>`, `Both: <strong>5</strong>`, `Only DemoNotAction: <strong>0</strong>`}},
	}
	for _, p := range pages {
		sitetest.Contains(t, p.file, sitetest.ReadFile(t, out, p.file), p.want...)
	}
}

// TestPolicyJSON checks the shape of /api/policies/<name>.json, which
// docs/api.md documents.
func TestPolicyJSON(t *testing.T) {
	t.Parallel()
	out, _ := buildSite(t, sitetest.TxtarFS(t, policySite))
	var doc map[string]any
	if err := json.Unmarshal([]byte(sitetest.ReadFile(t, out, "api/policies/DemoMixed.json")), &doc); err != nil {
		t.Fatal(err)
	}
	keys := func(m map[string]any) string {
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return strings.Join(ks, " ")
	}
	if got, want := keys(doc), "allowed arn created deprecated document_version escalation_paths findings kind name policy_type policy_type_guessed schema sensitive_actions snapshot statements unknown url version versions"; got != want {
		t.Errorf("keys = %s, want %s", got, want)
	}
	if doc["schema"] != "iamref.policy.v1" || doc["name"] != "DemoMixed" || doc["arn"] != "arn:aws:iam::aws:policy/DemoMixed" || doc["version"] != "v1" || doc["url"] != "/policies/DemoMixed/" ||
		doc["policy_type"] != "identity" || doc["policy_type_guessed"] != false {
		t.Errorf("header = %v", doc)
	}
	allowed := map[string]map[string]any{}
	for _, a := range doc["allowed"].([]any) {
		m := a.(map[string]any)
		allowed[m["action"].(string)] = m
	}
	if len(allowed) != 7 {
		t.Errorf("allowed %d actions, want 7 (demo's five and other's two)", len(allowed))
	}
	create := allowed["demo:CreateWidget"]
	if got := keys(create); got != "access_level action conditional denied_by granted_by partly_denied resource_scoped" {
		t.Errorf("allowed entry keys = %s", got)
	}
	if create["access_level"] != "Write" || create["partly_denied"] != true || create["conditional"] != false || create["resource_scoped"] != false {
		t.Errorf("demo:CreateWidget = %v", create)
	}
	gb := create["granted_by"].([]any)[0].(map[string]any)
	if gb["statement"] != 1.0 || gb["sid"] != "Widgets" || gb["pattern"] != "demo:*" {
		t.Errorf("granted_by = %v, want statement 1, sid Widgets, pattern demo:*", gb)
	}
	if g := allowed["other:GetThing"]; g["resource_scoped"] != true || g["granted_by"].([]any)[0].(map[string]any)["pattern"] != "other:G?tThing" {
		t.Errorf("other:GetThing = %v", g)
	}
	if g := allowed["other:PutThing"]; g["conditional"] != true {
		t.Errorf("other:PutThing = %v", g)
	}
	unknown := doc["unknown"].([]any)
	if len(unknown) != 2 {
		t.Fatalf("unknown = %v, want demo:ListWidget and nosuch:Thing*", unknown)
	}
	u := unknown[0].(map[string]any)
	if u["pattern"] != "demo:ListWidget" || u["wildcard"] != false || u["statement"] != 3.0 || u["line"] != 28.0 || u["col"] != 9.0 || u["suggestions"].([]any)[0] != "demo:ListWidgets" {
		t.Errorf("unknown[0] = %v", u)
	}
	if u := unknown[1].(map[string]any); u["pattern"] != "nosuch:Thing*" || u["wildcard"] != true {
		t.Errorf("unknown[1] = %v", u)
	}
	f := doc["findings"].([]any)[0].(map[string]any)
	if got := keys(f); got != "code col line message severity suggestions" {
		t.Errorf("finding keys = %s", got)
	}
	codes := map[string]bool{}
	for _, f := range doc["findings"].([]any) {
		codes[f.(map[string]any)["code"].(string)] = true
	}
	if !codes["UNKNOWN_ACTION"] || !codes["UNKNOWN_SERVICE"] { // demo:ListWidget, nosuch:Thing*
		t.Errorf("finding codes = %v, want UNKNOWN_ACTION and UNKNOWN_SERVICE among them", codes)
	}
	// Examples have the same shape.
	var ex map[string]any
	if err := json.Unmarshal([]byte(sitetest.ReadFile(t, out, "api/examples/demo-read.json")), &ex); err != nil {
		t.Fatal(err)
	}
	if ex["kind"] != "example" || ex["name"] != "demo-read" || len(ex["allowed"].([]any)) != 2 || ex["policy_type"] != "identity" || ex["policy_type_guessed"] != true {
		t.Errorf("example JSON = %v", ex)
	}
	// docs/api.md documents every key.
	readme, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"iamref.policy.v1", `"granted_by"`, `"resource_scoped"`, `"partly_denied"`, `"unknown"`, `"findings"`, `"suggestions"`, `"document_version"`, `"statements"`, "/api/examples/",
		`"code"`, `"policy_type"`, `"policy_type_guessed"`, `"escalation_paths"`, `"sensitive_actions"`} {
		if !strings.Contains(string(readme), k) {
			t.Errorf("docs/api.md does not document %s", k)
		}
	}
}

// TestBrokenExample: an example whose document is no JSON (the Chime
// guide's read-only example as published, a comma missing), is empty or
// is no object fails the build at its file and position; it used to build
// as a page saying the policy "allows no catalog action" (or, empty, broke
// the link check with #L1).
func TestBrokenExample(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("../policy/testdata/chime-read-only-broken.json")
	if err != nil {
		t.Fatal(err)
	}
	for name, tt := range map[string]struct{ data, want string }{
		"published": {string(src), "examples/broken.json:16:11: invalid JSON: unexpected '\"' in array, expecting ',' or ']' (is a comma missing?)"},
		"empty":     {" \n", "examples/broken.json:1:1: empty policy document: want a JSON object with Version and Statement"},
		"array":     {"\n[]", "examples/broken.json:2:1: a policy document is a JSON object, not array"},
	} {
		t.Run(name, func(t *testing.T) {
			content := sitetest.TxtarFS(t, policySite)
			content["examples/broken.json"] = &fstest.MapFile{Data: []byte(tt.data)}
			content["examples/broken.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Broken read-only\n---\nAs published.\n")}
			_, err := Build(context.Background(), Config{Content: content, Out: filepath.Join(t.TempDir(), "public")})
			if err == nil || err.Error() != tt.want {
				t.Errorf("build: %v, want %s", err, tt.want)
			}
		})
	}
}

// TestPolicyContentErrors: bad managed-policy JSON and bad example front
// matter fail the build with file:line:col, together.
func TestPolicyContentErrors(t *testing.T) {
	t.Parallel()
	content := sitetest.TxtarFS(t, policySite)
	content["policies/Bad.json"] = &fstest.MapFile{Data: []byte("{\"PolicyName\": \"Bad\",\n  \"Document\": {\"Statement\": []}\n  \"Arn\": null}")}
	content["examples/bad.md"] = &fstest.MapFile{Data: []byte("---\ntitle: x\ncolour: red\n---\nbody\n")}
	content["examples/bad.json"] = &fstest.MapFile{Data: []byte("{}")}
	content["examples/lonely.json"] = &fstest.MapFile{Data: []byte("{}")}
	_, err := Build(context.Background(), Config{Content: content, Out: filepath.Join(t.TempDir(), "public")})
	if err == nil {
		t.Fatal("build succeeded")
	}
	for _, w := range []string{"policies/Bad.json:3:3:", "examples/bad.md:3:1:", "examples/lonely.json: no explanation examples/lonely.md"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error does not report %q:\n%v", w, err)
		}
	}
}

// onlyPolicies keeps the managed policies named, dropping the others.

// TestPolicyGolden compares a managed-policy page and the Chime matrix,
// with its documented-versus-computed table, with golden files.
func TestPolicyGolden(t *testing.T) {
	t.Parallel()
	content := sitetest.OnlyPolicies(sitetest.OnlyServices(t, os.DirFS("../../content"), "chime", "s3", "logs", "sns", "sqs", "iam"),
		"AmazonChimeReadOnly", "AmazonChimeFullAccess", "AmazonChimeUserManagement", "AmazonChimeSDK", "AmazonChimeVoiceConnectorServiceLinkedRolePolicy", "AmazonS3ReadOnlyAccess")
	out, _ := buildSite(t, content)
	for _, p := range []string{"policies/AmazonChimeReadOnly/index.html", "chime/matrix/index.html"} {
		t.Run(p, func(t *testing.T) { checkGolden(t, out, p) })
	}
	// What the golden files must show, so that -update cannot bless a regression.
	matrix := sitetest.ReadFile(t, out, "chime/matrix/index.html")
	for _, w := range []string{
		`<code>chime:GetGlobalSettings</code></a></th><td>Calling <span class="muted">(line 76)</span></td><td class="">documented, granted</td><td class=""></td><td class="drift"><strong>granted</strong> (allowed), not documented</td>`,
		`<code>chime:ListMeetingReportData</code> <span class="badge b-unknown">unknown</span>`,
		`<code>chime:RetrieveDataExport</code> <span class="badge b-unknown">unknown</span>`,
		`href="../../chime/ListMeetingsReportData/"><code>chime:ListMeetingsReportData</code></a>`,
	} {
		if !strings.Contains(matrix, w) {
			t.Errorf("chime matrix does not contain %q", w)
		}
	}
}

// checkGolden compares the page p of the site in out with its golden file,
// testdata/golden/<p with _ for />.html (go test -run Golden -update
// rewrites them). Asset hashes change with every stylesheet edit, and the
// content hash in the footer with the services the test site has; the
// pages don't, so the hashes are left out.
func checkGolden(t *testing.T, out, p string) {
	t.Helper()
	got := assetHash.ReplaceAllString(sitetest.ReadFile(t, out, p), ".HASH.$1")
	got = contentHash.ReplaceAllString(got, "(content <code>HASH</code>)")
	sitetest.Golden(t, filepath.Join("testdata", "golden", strings.ReplaceAll(strings.TrimSuffix(p, "/index.html"), "/", "_")+".html"), got)
}

// TestRenderReleasesPolicyViews renders the policy site with one worker:
// the policy jobs go first, and once they are written every evaluation is
// let go while the other pages still render.
func TestRenderReleasesPolicyViews(t *testing.T) {
	b, _, err := prepare(context.Background(), Config{Content: sitetest.TxtarFS(t, policySite)})
	if err != nil {
		t.Fatal(err)
	}
	out, err := output.New(filepath.Join(t.TempDir(), "public"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Abort()
	b.out = out
	first, last := b.policyJobs[0], b.policyJobs[1]
	if first >= last || first == 0 || last == len(b.jobs) {
		t.Fatalf("policy jobs [%d, %d) of %d: want a range inside the jobs", first, last, len(b.jobs))
	}
	for i, j := range b.jobs {
		_, shows := j.page.(*PolicyPage)
		if shows && (i < first || i >= last) {
			t.Errorf("job %d (%s) shows a policy but is not a policy job", i, j.path)
		}
	}
	// Record, as each job is taken, whether the views are still there.
	var seen []bool
	for i := range b.jobs {
		gen := b.jobs[i].gen
		b.jobs[i].gen = func() []byte {
			seen = append(seen, b.pol.managed[0].View != nil)
			if gen == nil {
				return b.jobs[i].data
			}
			return gen()
		}
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	if err := b.render(context.Background()); err != nil {
		t.Fatal(err)
	}
	n := last - first
	for k, alive := range seen {
		if want := k < n; alive != want {
			t.Errorf("job %d of the render order: views alive = %v, want %v", k, alive, want)
		}
	}
	for _, m := range b.pol.managed {
		if m.View != nil {
			t.Errorf("%s: view kept after the render", m.Policy.Name)
		}
	}
	if page := sitetest.ReadFile(t, out.Path(), "policies/DemoMixed/index.html"); !strings.Contains(page, `id="document"`) {
		t.Error("policy page rendered without its document")
	}
}

func TestRenderOrder(t *testing.T) {
	for _, tt := range []struct {
		n     int
		first [2]int
		want  []int32
	}{
		{5, [2]int{2, 4}, []int32{2, 3, 0, 1, 4}},
		{3, [2]int{0, 0}, []int32{0, 1, 2}},
		{3, [2]int{0, 3}, []int32{0, 1, 2}},
		{4, [2]int{3, 4}, []int32{3, 0, 1, 2}},
	} {
		if got := renderOrder(tt.n, tt.first); !slices.Equal(got, tt.want) {
			t.Errorf("renderOrder(%d, %v) = %v, want %v", tt.n, tt.first, got, tt.want)
		}
	}
}

func TestCheckPolicyJSON(t *testing.T) {
	for _, c := range []struct {
		name, data string
		verbatim   bool
		want       string // "" for no error
	}{
		{"object", `{"Version": "2012-10-17", "Statement": []}`, false, ""},
		{"empty", " \n", false, "x.json:1:1: empty policy document"},
		{"empty verbatim", "\n", true, "x.json:1:1: empty policy document"},
		{"syntax", "{\n  \"Version\": \"2012-10-17\"\n  \"Statement\": []\n}", false, "x.json:3:3: invalid JSON"},
		{"syntax verbatim", "{\n  \"Version\": \"2012-10-17\"\n  \"Statement\": []\n}", true, ""},
		{"array", `[{"Effect": "Allow"}]`, false, "x.json:1:1: a policy document is a JSON object, not array"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := ""
			if errs := checkPolicyJSON("x.json", []byte(c.data), c.verbatim); errs != nil {
				got = errs.Error()
			}
			if c.want == "" && got != "" || !strings.HasPrefix(got, c.want) {
				t.Errorf("checkPolicyJSON = %q, want %q", got, c.want)
			}
		})
	}
}
