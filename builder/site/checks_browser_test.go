package site

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/iamref/iamref/builder/preview"
	"github.com/iamref/iamref/internal/browsertest"
	"github.com/iamref/iamref/internal/sitetest"
)

// TestChecksAccessibility runs axe-core on the pages of the checks, global
// keys and risks, in both themes, and tries the matrix's risk filter.
func TestChecksAccessibility(t *testing.T) {
	if testing.Short() {
		t.Skip("a browser test")
	}
	axe := axeSource(t)
	ctx := browsertest.New(t)
	out, _ := buildSite(t, sitetest.TxtarFS(t, riskSite))
	srv := httptest.NewServer(preview.FileServer(out))
	defer srv.Close()
	pages := []string{"/checks/", "/conditions/", "/conditions/aws_SourceIp/", "/policies/DemoAdmin/", "/examples/pass/", "/iam/CreatePolicyVersion/", "/iam/matrix/", "/quality/"}
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

	// The matrix's risk filter: with privilege escalation ticked, only the
	// sensitive rows show, and the groups left empty hide.
	run(t, ctx, chromedp.Navigate(srv.URL+"/iam/matrix/"))
	state := func() string {
		return run(t, ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("#matrix-table tbody tr")).map(r => (r.id || r.className + "-" + r.dataset.level) + (r.hidden ? ":hidden" : "")).join(" ")`))
	}
	all := state()
	if strings.Contains(all, ":hidden") {
		t.Errorf("rows hidden before filtering: %s", all)
	}
	run(t, ctx, chromedp.Evaluate[bool](`(() => { const c = document.querySelector('.filter input[name=risk][value=privesc]'); c.checked = true; c.dispatchEvent(new Event("change")); return true })()`))
	privesc := state()
	for _, w := range []string{"action-GetRole:hidden", "group-read:hidden"} {
		if !strings.Contains(privesc, w) {
			t.Errorf("risk:privesc: want %s in %s", w, privesc)
		}
	}
	for _, w := range []string{"action-PassRole:hidden", "action-CreatePolicyVersion:hidden", "group-write:hidden"} {
		if strings.Contains(privesc, w) {
			t.Errorf("risk:privesc: %s in %s", w, privesc)
		}
	}
	run(t, ctx, chromedp.Evaluate[bool](`(() => { const c = document.querySelector('.filter input[name=risk][value=privesc]'); c.checked = false; c.dispatchEvent(new Event("change")); return true })()`))
	if again := state(); strings.Contains(again, ":hidden") {
		t.Errorf("rows hidden after unticking: %s", again)
	}
	t.Logf("all: %s\nprivesc: %s", all, privesc)
}
