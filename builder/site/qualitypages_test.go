package site

import (
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/iamref/iamref/internal/sitetest"
)

// qualitySite is policySite with the catalog problems /quality/ lists: a
// dangling resource type, ARN formats with a foreign service part and a
// malformed one, an empty service, and a policy newer than the catalog.
func qualitySite(t *testing.T) fstest.MapFS {
	content := sitetest.TxtarFS(t, policySite)
	content["catalog/odd.json"] = &fstest.MapFile{Data: []byte(`{"odd": {"service_name": "Odd", "prefix": "odd", "privileges": {
  "Use": {"privilege": "Use", "description": "Use", "access_level": "Write", "resource_types": {
    "thing": {"resource_type": "thing", "required": true, "condition_keys": [], "dependent_actions": []},
    "phantom": {"resource_type": "phantom", "required": false, "condition_keys": [], "dependent_actions": []}}}},
 "resources": {
  "thing": {"resource": "thing", "arn": "arn:${Partition}:other:${Region}:${Account}:thing/${Id}", "condition_keys": []},
  "broken": {"resource": "broken", "arn": "arn:${Partition}:odd:${Region}", "condition_keys": []}},
 "conditions": {}}}`)}
	content["catalog/hollow.json"] = &fstest.MapFile{Data: []byte(`{"hollow": {"service_name": "Hollow", "prefix": "hollow", "privileges": {}, "resources": {}, "conditions": {}}}`)}
	content["policies/DemoNew.json"] = &fstest.MapFile{Data: []byte(`{"PolicyName": "DemoNew", "Arn": "arn:aws:iam::aws:policy/DemoNew", "DefaultVersionId": "v2",
 "CreateDate": "2026-01-01T00:00:00Z", "UpdateDate": "2026-07-01T09:00:00Z", "Deprecated": false,
 "Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["demo:ListWidget", "demo:Fly"], "Resource": "*"}]}}`)}
	return content
}

func TestQualityPage(t *testing.T) {
	t.Parallel()
	out, _ := buildSite(t, qualitySite(t))
	sitetest.Contains(t, "quality/index.html", sitetest.ReadFile(t, out, "quality/index.html"),
		`<tr id="count-unknown_actions"><th scope="row"><a href="#unknown_actions">Actions named by managed policies that the catalog lacks</a></th><td class="num">2</td><td>3 uses in policies</td></tr>`,
		`<tr id="count-unmatched_wildcards"><th scope="row"><a href="#unmatched_wildcards">Wildcards in managed policies that match no action</a></th><td class="num">1</td>`,
		`<tr id="count-dangling_resource_types">`, `<tr id="count-empty_services">`,
		// demo:ListWidget, named by two policies, each linked at its statement
		`<tr id="unknown-demo_ListWidget"><th scope="row"><code>demo:ListWidget</code></th><td><a href="../policies/DemoMixed/#statement-3">DemoMixed</a>, <a href="../policies/DemoNew/#statement-1">DemoNew</a></td><td><a href="../demo/ListWidgets/"><code>demo:ListWidgets</code></a>`,
		`<tr id="unknown-demo_Fly">`,
		`<tr id="wildcard-nosuch_Thing_"><th scope="row"><code>nosuch:Thing*</code></th><td><a href="../policies/DemoMixed/#statement-5">DemoMixed</a></td>`,
		`<tr id="dangling-odd-Use-phantom"><th scope="row"><a href="../odd/Use/#resource-phantom">odd:Use</a></th><td><span class="dangling">phantom</span></td></tr>`,
		`<tr id="arn-odd-broken"><th scope="row"><a href="../odd/resources/broken/">odd/broken</a></th>`, `<span class="bad">malformed</span>: 4 of the 6 colon-separated parts`,
		`<tr id="arn-odd-thing"><th scope="row"><a href="../odd/resources/thing/">odd/thing</a></th>`, `service part &#34;other&#34;`,
		`<li id="empty-hollow"><a href="../hollow/">Hollow</a> <code>hollow</code></li>`,
		`<dt>Newest managed policy</dt><dd>2026-07-01 (<a href="../policies/DemoNew/">DemoNew</a>)</dd>`,
		`<tr id="newer-DemoNew"><th scope="row"><a href="../policies/DemoNew/">DemoNew</a></th><td>2026-07-01</td><td class="num">2</td></tr>`,
		"! style=")
	// malformed ARNs come before foreign service parts
	page := sitetest.ReadFile(t, out, "quality/index.html")
	if strings.Index(page, `id="arn-odd-broken"`) > strings.Index(page, `id="arn-odd-thing"`) {
		t.Error("malformed ARN formats are not listed first")
	}
	sitetest.Contains(t, "index.html", sitetest.ReadFile(t, out, "index.html"), `<a href="./quality/">Data quality (`)
}

// TestQualityJSON checks the shape of /api/quality.json, which docs/api.md documents.
func TestQualityJSON(t *testing.T) {
	t.Parallel()
	out, _ := buildSite(t, qualitySite(t))
	var doc map[string]any
	if err := json.Unmarshal([]byte(sitetest.ReadFile(t, out, "api/quality.json")), &doc); err != nil {
		t.Fatal(err)
	}
	keys := func(v any) string {
		var ks []string
		for k := range v.(map[string]any) {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return strings.Join(ks, " ")
	}
	if got, want := keys(doc), "arn_formats counts dangling_resource_types dates empty_services escalation_paths policy_checks schema snapshot undescribed_global_keys unknown_actions unknown_risk_names unmatched_wildcards url"; got != want {
		t.Errorf("keys = %s, want %s", got, want)
	}
	if doc["schema"] != "iamref.quality.v1" || doc["url"] != "/quality/" {
		t.Errorf("header = %v %v", doc["schema"], doc["url"])
	}
	counts := doc["counts"].(map[string]any)
	want := map[string]float64{"unknown_actions": 2, "unmatched_wildcards": 1, "dangling_resource_types": 1, "malformed_arns": 1, "arn_service_mismatches": 1, "empty_services": 1, "policies_newer_than_catalog": 1,
		"policy_check_findings": counts["policy_check_findings"].(float64), "escalation_paths": 0, "undescribed_global_keys": 0, "unknown_risk_names": 0}
	// The checks' findings: the three unknown names, the wildcard that
	// matches nothing, and what else the checks say of the demo policies.
	checks := doc["policy_checks"].(map[string]any)
	if c := checks["UNKNOWN_ACTION"].(map[string]any); c["findings"] != 3.0 || c["policies"] != 2.0 || c["warning"] != 3.0 || c["url"] != "/checks/#UNKNOWN_ACTION" {
		t.Errorf("policy_checks[UNKNOWN_ACTION] = %v, want 3 warnings in 2 policies", c)
	}
	total := 0.0
	for _, c := range checks {
		total += c.(map[string]any)["findings"].(float64)
	}
	if total != counts["policy_check_findings"] || total < 4 {
		t.Errorf("policy_check_findings = %v, the codes add up to %v", counts["policy_check_findings"], total)
	}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("counts[%s] = %v, want %v", k, counts[k], n)
		}
	}
	if len(counts) != len(want) {
		t.Errorf("counts = %v", counts)
	}
	u := doc["unknown_actions"].([]any)[1].(map[string]any)
	if got := keys(u); got != "name references suggestions url" {
		t.Errorf("unknown entry keys = %s", got)
	}
	r := u["references"].([]any)[0].(map[string]any)
	if u["name"] != "demo:ListWidget" || u["url"] != "/quality/#unknown-demo_ListWidget" || r["policy"] != "DemoMixed" || r["url"] != "/policies/DemoMixed/#statement-3" || r["statement"] != 3.0 || r["line"] != 28.0 {
		t.Errorf("unknown_actions[1] = %v", u)
	}
	d := doc["dangling_resource_types"].([]any)[0].(map[string]any)
	if d["action"] != "odd:Use" || d["resource_type"] != "phantom" || d["url"] != "/odd/Use/#resource-phantom" {
		t.Errorf("dangling = %v", d)
	}
	a := doc["arn_formats"].([]any)[0].(map[string]any)
	if got := keys(a); got != "arn malformed problem resource_type service url" || a["malformed"] != true {
		t.Errorf("arn_formats[0] = %v", a)
	}
	dates := doc["dates"].(map[string]any)
	if dates["catalog"] != "2026-06-14" || dates["policies_newest"] != "2026-07-01" || dates["policies_newest_name"] != "DemoNew" {
		t.Errorf("dates = %v", dates)
	}
	readme, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"iamref.quality.v1", "/api/quality.json", `"unmatched_wildcards"`, `"dangling_resource_types"`, `"arn_formats"`, `"policies_newer_than_catalog"`,
		`"policy_checks"`, `"escalation_paths"`, `"undescribed_global_keys"`, `"unknown_risk_names"`} {
		if !strings.Contains(string(readme), k) {
			t.Errorf("docs/api.md does not document %s", k)
		}
	}
}
