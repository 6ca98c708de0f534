package site

import (
	"encoding/json"
	"testing"

	"github.com/iamref/iamref/internal/sitetest"
)

// TestWorkbenchPages checks /analyze/ and /write/ as built, without the
// browser: what they say without JavaScript, the header's links and the
// home page's, the action page's button, and the names they offer. The
// build of the tests has no policy engine, so the pages say so.
func TestWorkbenchPages(t *testing.T) {
	t.Parallel()
	out, _ := buildSite(t, sitetest.TxtarFS(t, riskSite))
	for _, tt := range []struct {
		file string
		want []string
	}{
		{"analyze/index.html", []string{
			`<h1 id="top">Analyze a policy</h1>`, `<noscript><p class="note wb-nojs">`, "<code>go run ./cmd/policy analyze policy.json</code>",
			"<code>go run ./cmd/policy lint policy.json</code>", `href="../policies/">managed policies</a>`,
			`class="note wb-missing">This build of the site has no policy engine`, `<div id="analyzer" class="workbench" data-root="../" data-names="../static/workbench-names.`,
			`<label for="policy-doc">Policy document (JSON)</label>`, `<label for="compare-name">`,
			"! data-wasm=", "! js/analyze.", "! js/policy-engine.", "! style=", "! <script>",
		}},
		{"write/index.html", []string{
			`<h1 id="top">Write a least-privilege policy</h1>`, "<code>go run ./cmd/policy write -action s3:GetObject -var s3:object:BucketName=reports</code>",
			`<div id="writer" class="workbench"`, `<label for="find-actions">`, `<label for="level-service">Service prefix</label>`,
			`<input type="checkbox" name="level" value="Permissions management">`, "! data-wasm=", "! <script>",
		}},
		{"index.html", []string{`<a href="./analyze/">Analyze a policy</a>`, `<a href="./write/">Write a least-privilege policy</a>`, `js/basket.`}},
		{"iam/PassRole/index.html", []string{
			`<a href="../../analyze/">Analyze a policy</a>`, `<a href="../../write/" class="basket-link">Write a policy<span class="basket-count" id="basket-count" hidden></span></a>`,
			`<button type="button" class="add-to-policy" data-action-id="iam:PassRole" aria-pressed="false" hidden>Add to policy</button>`,
		}},
	} {
		sitetest.Contains(t, tt.file, sitetest.ReadFile(t, out, tt.file), tt.want...)
	}
	files := siteFiles(t, out)
	var names string
	for f := range files {
		if len(f) > len("/static/workbench-names.") && f[:len("/static/workbench-names.")] == "/static/workbench-names." {
			names = f
		}
	}
	if names == "" {
		t.Fatal("no /static/workbench-names.*.json")
	}
	var n workbenchNames
	if err := json.Unmarshal([]byte(sitetest.ReadFile(t, out, names[1:])), &n); err != nil {
		t.Fatal(err)
	}
	if len(n.Policies) != 1 || n.Policies[0] != "DemoAdmin" || len(n.Services) != 1 || n.Services[0] != [2]string{"iam", "IAM"} {
		t.Errorf("names: %+v", n)
	}
}
