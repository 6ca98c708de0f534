package site

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/iamref/iamref/builder/policy"
	"github.com/iamref/iamref/builder/preview"
	"github.com/iamref/iamref/internal/browsertest"
)

// axeSource finds axe-core's axe.min.js: AXE_CORE_JS, or where .ci/run
// installs it (npm install --prefix .cache/npm axe-core@4).
func axeSource(t *testing.T) string {
	t.Helper()
	p := os.Getenv("AXE_CORE_JS")
	if p == "" {
		p = "../../.cache/npm/node_modules/axe-core/axe.min.js"
	}
	data, err := os.ReadFile(p)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("axe-core is required in CI: %v", err)
		}
		t.Skipf("axe-core not installed (%v): run npm install --prefix .cache/npm axe-core@4, or set AXE_CORE_JS", err)
	}
	return string(data)
}

func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second) // generous: CI machines can be slow
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func colorScheme(scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return err
	})
}

// pageKinds picks one page of each kind the built site has.
func pageKinds(t *testing.T, out string) map[string]string {
	files := siteFiles(t, out)
	// Fixed pages where a kind has one we know; the first of the kind
	// otherwise. The managed policy is the seed's AmazonChimeReadOnly: the
	// first by name has 4,000 rows, which axe takes half a minute over.
	kinds := map[string]string{"home": "/", "service": "/chime/", "action": "/chime/CreateMeeting/", "resource type": "/s3/resources/object/", "condition key": "/conditions/s3_ResourceAccount/"}
	if files["/policies/AmazonChimeReadOnly/index.html"] {
		kinds["managed policy"] = "/policies/AmazonChimeReadOnly/"
	}
	var sorted []string
	for f := range files {
		sorted = append(sorted, f)
	}
	sort.Strings(sorted)
	for kind, re := range map[string]string{
		"managed policy": `^/policies/[^/]+/index\.html$`,
		"matrix":         `^/[^/]+/matrix/index\.html$`,
		"example":        `^/examples/[^/]+/index\.html$`,
		"guide":          `^/[^/]+/guides/[^/]+/index\.html$`,
	} {
		if kinds[kind] != "" {
			continue
		}
		for _, f := range sorted {
			if regexp.MustCompile(re).MatchString(f) {
				kinds[kind] = strings.TrimSuffix(f, "index.html")
				break
			}
		}
	}
	return kinds
}

// TestAccessibility runs axe-core on one page of each kind, in the light and
// the dark theme, and fails on serious or critical violations.
func TestAccessibility(t *testing.T) {
	axe := axeSource(t)
	ctx := browsertest.New(t)
	out := buildHostSite(t)
	srv := httptest.NewServer(preview.FileServer(out))
	defer srv.Close()
	kinds := pageKinds(t, out)
	var names []string
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	t.Logf("page kinds covered: %s", strings.Join(names, ", "))
	for _, missing := range []string{"managed policy", "matrix", "example"} {
		if kinds[missing] == "" {
			t.Logf("no %s page in this build: not covered", missing)
		}
	}
	type violation struct {
		ID, Impact, Help string
		Nodes            int
		Targets          []string
	}
	for _, scheme := range []string{"light", "dark"} {
		run(t, ctx, colorScheme(scheme))
		for _, kind := range names {
			p := kinds[kind]
			run(t, ctx, chromedp.Navigate(srv.URL+p))
			if dark := run(t, ctx, chromedp.Evaluate[bool](`matchMedia("(prefers-color-scheme: dark)").matches`)); dark != (scheme == "dark") {
				t.Fatalf("%s theme not emulated", scheme)
			}
			run(t, ctx, chromedp.Evaluate[bool](axe+";true"))
			res := run(t, ctx, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, targets: v.nodes.slice(0, 3).map(n => n.target.join(" ") + ": " + n.failureSummary)}))))`, chromedp.EvalAwaitPromise))
			var vs []violation
			if err := json.Unmarshal([]byte(res), &vs); err != nil {
				t.Fatal(err)
			}
			var summary []string
			for _, v := range vs {
				summary = append(summary, v.Impact+" "+v.ID)
				if v.Impact == "serious" || v.Impact == "critical" {
					t.Errorf("%s (%s, %s theme): %s %s: %s (%d elements)\n\t%s", kind, p, scheme, v.Impact, v.ID, v.Help, v.Nodes, strings.Join(v.Targets, "\n\t"))
				}
			}
			t.Logf("axe %s theme, %s %s: %d violations %v", scheme, kind, p, len(vs), summary)
		}
	}
}

// TestKeyboardAndLinks checks, in the browser, that Tab alone reaches the
// search box and the first table link with a visible focus style, that
// headings and rows get copy-link tools, and that the preview server's
// redirects take a short link to its page.
func TestKeyboardAndLinks(t *testing.T) {
	ctx := browsertest.New(t)
	out := buildHostSite(t)
	srv := httptest.NewServer(preview.FileServer(out))
	defer srv.Close()

	run(t, ctx, chromedp.Navigate(srv.URL+"/"))
	var reached []string
	searchAt, tableAt := -1, -1
	for i := 0; i < 40 && tableAt < 0; i++ {
		run(t, ctx, chromedp.KeyEvent("\t"))
		el := run(t, ctx, chromedp.Evaluate[string](`(() => {
			const e = document.activeElement;
			const s = getComputedStyle(e);
			return JSON.stringify({tag: e.tagName, id: e.id, inTable: !!e.closest("table tbody"), outline: s.outlineStyle, width: s.outlineWidth});
		})()`))
		var f struct {
			Tag, ID, Outline, Width string
			InTable                 bool
		}
		if err := json.Unmarshal([]byte(el), &f); err != nil {
			t.Fatal(err)
		}
		reached = append(reached, f.Tag+"#"+f.ID)
		if f.Outline == "none" || f.Width == "0px" {
			t.Errorf("tab stop %d (%s#%s) has no visible focus outline", i+1, f.Tag, f.ID)
		}
		if f.ID == "search-input" && searchAt < 0 {
			searchAt = i + 1
		}
		if f.Tag == "A" && f.InTable {
			tableAt = i + 1
		}
	}
	if searchAt < 0 || tableAt < 0 || searchAt > tableAt {
		t.Errorf("Tab reached the search box at stop %d and the first table link at stop %d: %v", searchAt, tableAt, reached)
	}
	t.Logf("Tab: search box at stop %d, first table link at stop %d", searchAt, tableAt)

	run(t, ctx, chromedp.Navigate(srv.URL+"/chime:createmeeting"))
	if loc := run(t, ctx, chromedp.Location()); loc != srv.URL+"/chime/CreateMeeting/" {
		t.Errorf("short link landed on %s", loc)
	}
	md := run(t, ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("#resource-types .link-tools [data-copy]")).map(b => b.textContent + "=" + b.dataset.copy).join("\n")`))
	want := "Copy link=https://iamref.example/chime/CreateMeeting/#resource-types\nCopy Markdown link=[chime:CreateMeeting — Resource types](https://iamref.example/chime/CreateMeeting/#resource-types)"
	if md != want {
		t.Errorf("heading link tools:\n%s\nwant\n%s", md, want)
	}
	// The minimal policy's button copies the code block's text: the policy,
	// exactly, without the markup.
	copied := run(t, ctx, chromedp.Evaluate[string](copyScript("section[aria-labelledby=policy] .code button.copy"), chromedp.EvalAwaitPromise))
	var pol struct {
		Version   string
		Statement []struct{ Effect, Action, Resource string }
	}
	if err := json.Unmarshal([]byte(copied), &pol); err != nil || len(pol.Statement) != 1 || pol.Statement[0].Action != "chime:CreateMeeting" || pol.Statement[0].Resource != "*" || !strings.HasPrefix(copied, "{\n  \"Version\"") {
		t.Errorf("the minimal policy's copy button copied %q (%v)", copied, err)
	}
	// A policy document's button copies the document as AWS has it, without
	// the line numbers of the highlighted block.
	run(t, ctx, chromedp.Navigate(srv.URL+"/policies/AmazonChimeReadOnly/"))
	copied = run(t, ctx, chromedp.Evaluate[string](copyScript("section[aria-labelledby=document] .code button.copy"), chromedp.EvalAwaitPromise))
	if want := policyDocument(t, "AmazonChimeReadOnly"); copied != want {
		t.Errorf("the policy document's copy button copied\n%s\nwant\n%s", copied, want)
	}
	run(t, ctx, chromedp.Navigate(srv.URL+"/chime/#action-CreateMeeting"))
	row := run(t, ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("#action-CreateMeeting .link-tools button")).map(b => b.dataset.copy).join("\n")`))
	if !strings.Contains(row, "[Amazon Chime — CreateMeeting](https://iamref.example/chime/#action-CreateMeeting)") {
		t.Errorf("row link tools: %q", row)
	}
	// Rows get their tools once a link in them is focused.
	run(t, ctx, chromedp.Evaluate[bool](`document.querySelector("#action-CreateAttendee a").focus(); true`))
	if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#action-CreateAttendee .link-tools [data-copy]").length`)); n != 2 {
		t.Errorf("focused row has %d link tools, want 2", n)
	}
}

// copyScript clicks the copy button selector finds, with the clipboard
// stubbed, and returns what the button copied.
func copyScript(selector string) string {
	return `(async () => {
		let got = "";
		Object.defineProperty(navigator, "clipboard", {value: {writeText: t => { got = t; return Promise.resolve(); }}});
		const b = document.querySelector(` + strconv.Quote(selector) + `);
		if (!b || b.hidden) return "no visible copy button";
		b.click();
		await new Promise(r => setTimeout(r, 10));
		return got;
	})()`
}

// policyDocument is the shipped document of a managed policy, as its page
// shows it, without the final newline.
func policyDocument(t *testing.T, name string) string {
	t.Helper()
	mps, err := policy.LoadManaged(os.DirFS("../../content"))
	if err != nil {
		t.Fatal(err)
	}
	for _, mp := range mps {
		if mp.Name == name {
			return strings.TrimRight(string(mp.Document), "\n")
		}
	}
	t.Fatalf("no managed policy %s in the content", name)
	return ""
}
