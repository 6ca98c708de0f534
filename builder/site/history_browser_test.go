package site

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/chromedp/chromedp"

	"github.com/iamref/iamref/builder/preview"
	"github.com/iamref/iamref/internal/browsertest"
)

// TestHistoryAccessibility runs axe-core on the page kinds of issue 6 (the
// changes pages with their charts, an action's history, tombstones, the
// quality page and a matrix with corrected levels), in both themes.
func TestHistoryAccessibility(t *testing.T) {
	axe := axeSource(t)
	ctx := browsertest.New(t)
	snaps := historySnapshots()
	snaps[2]["catalog/access-level-overrides.yml"] = &fstest.MapFile{Data: []byte("demo:\n  Write:\n    - putwidgetpolicy\n  Permissions management:\n    - createwidget\n")}
	content := historyContent(t, snaps)
	content["policies/DemoAll.json"] = &fstest.MapFile{Data: []byte(`{"PolicyName": "DemoAll", "Arn": "arn:aws:iam::aws:policy/DemoAll", "DefaultVersionId": "v1",
 "CreateDate": "2026-01-01T00:00:00Z", "UpdateDate": "2026-07-01T00:00:00Z", "Deprecated": false,
 "Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["demo:*", "demo:Fly", "nosuch:*"], "Resource": "*"}]}}`)}
	out, _ := buildSite(t, content)
	srv := httptest.NewServer(preview.FileServer(out))
	defer srv.Close()
	pages := []string{"/changes/", "/demo/changes/", "/demo/", "/demo/CreateWidget/", "/demo/OldThing/", "/gone/", "/demo/resources/gadget/", "/conditions/demo_Color/", "/quality/", "/demo/matrix/"}
	for _, scheme := range []string{"light", "dark"} {
		run(t, ctx, colorScheme(scheme))
		for _, p := range pages {
			run(t, ctx, chromedp.Navigate(srv.URL+p))
			run(t, ctx, chromedp.Evaluate[bool](axe+";true"))
			res := run(t, ctx, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map(n => n.target.join(" ") + ": " + n.failureSummary)}))))`, chromedp.EvalAwaitPromise))
			var vs []struct {
				ID, Impact, Help string
				Targets          []string
			}
			if err := json.Unmarshal([]byte(res), &vs); err != nil {
				t.Fatal(err)
			}
			for _, v := range vs {
				if v.Impact == "serious" || v.Impact == "critical" {
					t.Errorf("%s (%s theme): %s %s: %s\n\t%s", p, scheme, v.Impact, v.ID, v.Help, strings.Join(v.Targets, "\n\t"))
				}
			}
		}
	}

	// The matrix filter: with Write unticked, CreateWidget (Write, corrected
	// to Permissions management) hides by its official level and shows by
	// the corrected one; PutWidgetPolicy (Permissions management, corrected
	// to Write) the other way round.
	run(t, ctx, chromedp.Navigate(srv.URL+"/demo/matrix/"))
	state := func() string {
		return run(t, ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("#matrix-table tbody tr")).map(r => (r.id || r.className) + (r.hidden ? ":hidden" : "")).join(" ")`))
	}
	run(t, ctx, chromedp.Evaluate[bool](`(() => { const c = document.querySelector('.filter input[type=checkbox][value=write]'); c.checked = false; c.dispatchEvent(new Event("change")); return true })()`))
	official := state()
	if !strings.Contains(official, "action-CreateWidget:hidden") || strings.Contains(official, "action-PutWidgetPolicy:hidden") {
		t.Errorf("official levels without Write: %s", official)
	}
	run(t, ctx, chromedp.Evaluate[bool](`(() => { const r = document.querySelector('input[name=level-basis][value=corrected]'); r.checked = true; r.dispatchEvent(new Event("change")); return true })()`))
	corrected := state()
	if strings.Contains(corrected, "action-CreateWidget:hidden") || !strings.Contains(corrected, "action-PutWidgetPolicy:hidden") {
		t.Errorf("corrected levels without Write: %s", corrected)
	}
	t.Logf("official: %s\ncorrected: %s", official, corrected)
}
