package site

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/iamref/iamref/internal/sitetest"
)

// TestMatrixProvenance: a matrix row whose access level policy_sentry
// corrects shows both levels without JavaScript and carries the
// correction for the filter (site.js).
func TestMatrixProvenance(t *testing.T) {
	t.Parallel()
	content := sitetest.TxtarFS(t, policySite)
	content["catalog/access-level-overrides.yml"] = &fstest.MapFile{Data: []byte("demo:\n  Permissions management:\n    - createwidget\n")}
	out, _ := buildSite(t, content)
	sitetest.Contains(t, "demo/matrix/index.html", sitetest.ReadFile(t, out, "demo/matrix/index.html"),
		`<tr id="action-CreateWidget" data-level="write" data-corrected="permissions"><th scope="row"><a href="../../demo/CreateWidget/">Create<wbr>Widget</a> <span class="level level-write">Write</span> <span class="level level-permissions override" title="Corrected by policy_sentry access-level overrides">→ Permissions management<sup>*</sup></span></th>`,
		`<tr id="action-DeleteWidget" data-level="write"><th scope="row"><a href="../../demo/DeleteWidget/">Delete<wbr>Widget</a></th>`,
		`<input type="radio" name="level-basis" value="corrected">`, "! style=")
	js, err := os.ReadFile("../../static/js/site.js")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(js), `getAttribute("data-corrected")`) || !strings.Contains(string(js), "level-basis") {
		t.Error("site.js does not filter by the corrected level")
	}
}
