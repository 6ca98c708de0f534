package site

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/iamref/iamref/builder/preview"
	"github.com/iamref/iamref/internal/browsertest"
	"github.com/iamref/iamref/internal/sitetest"
)

// viewport sets the page's size (mobile: a phone's touch viewport), the
// media type ("" or "print") and whether scripts run.
func viewport(w, h int64, mobile bool, media string, scripts bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: w, Height: h, DeviceScaleFactor: 1, Mobile: mobile}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !scripts})
		return err
	})
}

// shotDir is where the reading tests write their screenshots: the
// directory in IAMREF_SHOTS, kept, or the test's temporary one.
func shotDir(t *testing.T) string {
	dir := os.Getenv("IAMREF_SHOTS")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)
	return dir
}

func shoot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	png := run(t, ctx, chromedp.CaptureScreenshot())
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func shotName(p, mode string) string {
	n := strings.NewReplacer("/", "_", "#", "-", "?", "_", "=", "_").Replace(strings.Trim(p, "/"))
	if n == "" {
		n = "home"
	}
	return n + "." + mode
}

// comparePage is a comparison page of the host site, of two Chime policies when there is one.
func comparePage(t *testing.T, out string) string {
	var all []string
	for f := range siteFiles(t, out) {
		if regexp.MustCompile(`^/policies/compare/[^/]+/[^/]+/index\.html$`).MatchString(f) {
			all = append(all, strings.TrimSuffix(f, "index.html"))
		}
	}
	sort.Strings(all)
	for _, p := range all {
		if strings.Count(p, "Chime") == 2 {
			return p
		}
	}
	if len(all) == 0 {
		t.Fatal("the host site has no comparison page")
	}
	return all[0]
}

// TestReadingLayout opens the pages people open most at 1366 px and on a
// phone (390 px): no page scrolls sideways, the matrix's cells show on a
// phone, a policy's verdict is in the first screen, and the copy tools
// take no room until used. Screenshots go to shotDir.
func TestReadingLayout(t *testing.T) {
	ctx := browsertest.New(t)
	out := buildHostSite(t)
	srv := httptest.NewServer(preview.FileServer(out))
	defer srv.Close()
	dir := shotDir(t)
	pages := map[string]string{
		"service": "/chime/", "wide service": "/s3/", "action": "/s3/PutObject/", "action with keys": "/chime/CreateMeeting/",
		"policy": "/policies/AmazonChimeReadOnly/", "long policy": "/policies/ReadOnlyAccess/",
		"compare": comparePage(t, out), "guide": "/chime/guides/console-access/",
	}
	var kinds []string
	for k := range pages {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, vp := range []struct {
		name   string
		w, h   int64
		mobile bool
	}{{"1366", 1366, 900, false}, {"390", 390, 844, true}} {
		run(t, ctx, viewport(vp.w, vp.h, vp.mobile, "", true))
		for _, kind := range kinds {
			p := pages[kind]
			run(t, ctx, chromedp.Navigate(srv.URL+p))
			sw := run(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
			if sw > int(vp.w) {
				wide := run(t, ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("main *")).filter(e => e.getBoundingClientRect().right > innerWidth + 1 && !e.closest(".matrix-wrap, pre, .chroma")).slice(0, 4).map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right)).join("; ")`))
				t.Errorf("%s %s at %s px: the page is %d px wide (%s)", kind, p, vp.name, sw, wide)
			}
			shoot(t, ctx, dir, shotName(p, vp.name))
		}
		// The verdict of a long policy is in the first screen.
		run(t, ctx, chromedp.Navigate(srv.URL+"/policies/ReadOnlyAccess/"))
		if top := run(t, ctx, chromedp.Evaluate[float64](`(document.querySelector(".verdict-levels") || {getBoundingClientRect: () => ({bottom: 1e9})}).getBoundingClientRect().bottom`)); top > float64(vp.h) {
			t.Errorf("at %s px the policy verdict ends at %.0f px, below the first screen (%d px)", vp.name, top, vp.h)
		}
		// Service actions: name, level and description in view on each row.
		run(t, ctx, chromedp.Navigate(srv.URL+"/s3/"))
		if bad := run(t, ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("#actions-table tbody tr")).slice(0, 40).flatMap(tr => Array.from(tr.querySelectorAll("th, td:nth-child(2), td:nth-child(3) .desc")).filter(e => { const r = e.getBoundingClientRect(); return r.width < 1 || r.right > innerWidth + 1; }).map(e => tr.id + " " + e.tagName)).slice(0, 5).join(", ")`)); bad != "" {
			t.Errorf("at %s px, s3's actions rows show their name, level or description out of view: %s", vp.name, bad)
		}
	}

	// On a phone the matrix shows policy cells beside the action names.
	run(t, ctx, viewport(390, 844, true, "", true))
	run(t, ctx, chromedp.Navigate(srv.URL+"/chime/matrix/"))
	cells := run(t, ctx, chromedp.Evaluate[int](`(() => {
		const wrap = document.querySelector(".matrix-wrap").getBoundingClientRect();
		let seen = 0;
		for (const tr of Array.from(document.querySelectorAll("#matrix-table tbody tr[id]")).slice(0, 5)) {
			tr.scrollIntoView({block: "center"});
			for (const td of tr.querySelectorAll("td")) {
				const r = td.getBoundingClientRect();
				const x = r.left + r.width / 2, y = r.top + r.height / 2;
				if (x > wrap.right || x > innerWidth) break;
				const hit = document.elementFromPoint(x, y);
				if (hit && td.contains(hit)) seen++;
			}
		}
		return seen;
	})()`))
	if cells < 5 {
		t.Errorf("on a 390 px phone only %d matrix cells of the first five rows can be seen", cells)
	}
	shoot(t, ctx, dir, "chime_matrix.390-cells")

	// Copy tools: nothing moves when the pointer or the focus reaches a row,
	// and each heading has one quiet button instead of two.
	run(t, ctx, viewport(1366, 900, false, "", true))
	run(t, ctx, chromedp.Navigate(srv.URL+"/chime/"))
	moved := run(t, ctx, chromedp.Evaluate[string](`(() => {
		const rows = [document.querySelector("section[aria-labelledby=resource-types] tbody tr[id]"), document.querySelector("#actions-table tbody tr[id]")];
		const out = [];
		for (const tr of rows) {
			tr.scrollIntoView({block: "center"});
			const els = Array.from(tr.querySelectorAll("button, a"));
			const before = els.map(e => JSON.stringify(e.getBoundingClientRect()));
			tr.cells[0].dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
			tr.querySelector("a").focus({preventScroll: true});
			const after = els.map(e => JSON.stringify(e.getBoundingClientRect()));
			if (before.join() !== after.join()) out.push(tr.id);
			if (!tr.querySelector(".link-tools")) out.push(tr.id + " has no link tools");
		}
		return out.join(", ");
	})()`))
	if moved != "" {
		t.Errorf("the copy tools moved what was in these rows: %s", moved)
	}
	if n := run(t, ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll("button")).filter(b => b.offsetParent !== null && /Markdown/.test(b.textContent)).length`)); n != 0 {
		t.Errorf("%d Copy Markdown link buttons show before any is asked for", n)
	}
}

// TestDeepLinks opens a sample of every anchor kind and checks its target
// lands fully in view, below whatever is sticky, at 1366 px and on a phone.
func TestDeepLinks(t *testing.T) {
	ctx := browsertest.New(t)
	out := buildHostSite(t)
	srv := httptest.NewServer(preview.FileServer(out))
	defer srv.Close()
	dir := shotDir(t)
	links := []string{ // no two in a row on the same page, so each is a load
		"/chime/#action-CreateMeeting",                     // a row of a service's actions table
		"/s3/#action-PutObject",                            // the same, on a long table
		"/chime/#resource-meeting",                         // a resource type row
		"/chime/matrix/#action-CreateMeeting",              // a matrix row, from policy and compare pages
		"/chime/#condition-aws_RequestTag_TagKey",          // a condition key row
		"/s3/matrix/#action-PutObject",                     // the same, far down a long matrix
		"/chime/#actions",                                  // a heading
		"/chime/CreateMeeting/#policy",                     // an action page's heading
		"/policies/AmazonChimeReadOnly/#L7",                // a line of a policy document
		"/policies/ReadOnlyAccess/#L200",                   // a line of a long, folded document
		"/policies/AmazonChimeReadOnly/#statement-1",       // a statement
		"/policies/ReadOnlyAccess/#grants-s3",              // a service's allowed actions
		"/s3/resources/object/#required-by",                // a resource type page's heading
		"/conditions/s3_ResourceAccount/#actions",          // a condition key page's heading
		"/s3/resources/object/#action-GetObjectTorrent-s3", // a row of its actions
	}
	for _, vp := range []struct {
		name   string
		w, h   int64
		mobile bool
	}{{"1366", 1366, 900, false}, {"390", 390, 844, true}} {
		run(t, ctx, viewport(vp.w, vp.h, vp.mobile, "", true))
		for _, l := range links {
			run(t, ctx, chromedp.Navigate(srv.URL+l))
			res := run(t, ctx, chromedp.Evaluate[string](`new Promise(done => setTimeout(() => {
				const id = decodeURIComponent(location.hash.slice(1));
				const el = document.getElementById(id);
				if (!el) { done("no element " + id); return; }
				const box = el.tagName === "TR" || el.classList.contains("ln") ? (el.closest(".line") || el) : el;
				const r = box.getBoundingClientRect();
				if (r.height === 0) { done("hidden (height 0)"); return; }
				if (r.top < 0 || r.bottom > innerHeight) { done("top " + Math.round(r.top) + ", bottom " + Math.round(r.bottom) + " of " + innerHeight); return; }
				// Probe the target's first line: what is drawn there must be it.
				const y = r.top + Math.min(r.height / 2, 8);
				for (const x of [r.left + 4, Math.min(r.left + r.width / 2, innerWidth - 4)]) {
					const hit = document.elementFromPoint(x, y);
					if (!hit || !(box.contains(hit) || hit.contains(box))) { done("covered at " + Math.round(x) + "," + Math.round(y) + " by " + (hit ? hit.tagName + "." + hit.className : "nothing")); return; }
				}
				done("");
			}, 300))`, chromedp.EvalAwaitPromise))
			if res != "" {
				t.Errorf("%s at %s px: the target is not fully in view: %s", l, vp.name, res)
			}
			if vp.name == "1366" && strings.Contains(l, "#action-CreateMeeting") || strings.HasSuffix(l, "#L7") {
				shoot(t, ctx, dir, shotName(l, vp.name))
			}
		}
	}
	// #L7 marks the whole line, not only its number.
	run(t, ctx, viewport(1366, 900, false, "", true))
	run(t, ctx, chromedp.Navigate(srv.URL+"/policies/AmazonChimeReadOnly/#L7"))
	bg := run(t, ctx, chromedp.Evaluate[string](`(() => { const l = document.getElementById("L7").closest(".line"), o = document.getElementById("L3").closest(".line"); return getComputedStyle(l).backgroundColor + "|" + getComputedStyle(o).backgroundColor; })()`))
	if parts := strings.Split(bg, "|"); len(parts) != 2 || parts[0] == parts[1] {
		t.Errorf("the line #L7 targets is not marked: backgrounds %q", bg)
	}
}

// TestWithoutJavaScript checks that a page without scripts shows only what
// works: no filter boxes, no "press /".
func TestWithoutJavaScript(t *testing.T) {
	ctx := browsertest.New(t)
	out := buildHostSite(t)
	srv := httptest.NewServer(preview.FileServer(out))
	defer srv.Close()
	run(t, ctx, viewport(1366, 900, false, "", false))
	for _, p := range []string{"/", "/chime/", "/chime/matrix/", "/policies/"} {
		run(t, ctx, chromedp.Navigate(srv.URL+p))
		shown := run(t, ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll(".filter")).filter(e => getComputedStyle(e).display !== "none").length`))
		if shown > 0 {
			t.Errorf("%s without JavaScript shows %d filter boxes that cannot work", p, shown)
		}
		if ph := run(t, ctx, chromedp.Evaluate[string](`document.getElementById("search-input").placeholder`)); strings.Contains(ph, "press /") {
			t.Errorf("%s without JavaScript: the search box says %q", p, ph)
		}
	}
	run(t, ctx, viewport(1366, 900, false, "", true))
	run(t, ctx, chromedp.Navigate(srv.URL+"/chime/"))
	if shown := run(t, ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll(".filter")).filter(e => getComputedStyle(e).display !== "none").length`)); shown == 0 {
		t.Error("with JavaScript /chime/ shows no filter box")
	}
}

// TestPrint checks that printed pages keep their content: no table or
// code block is wider than the paper, at A4's 794 px.
func TestPrint(t *testing.T) {
	ctx := browsertest.New(t)
	out := buildHostSite(t)
	srv := httptest.NewServer(preview.FileServer(out))
	defer srv.Close()
	dir := shotDir(t)
	run(t, ctx, viewport(794, 1123, false, "print", true))
	for _, p := range []string{"/chime/", "/s3/PutObject/", "/chime/CreateMeeting/", "/policies/AmazonChimeReadOnly/", "/chime/matrix/"} {
		run(t, ctx, chromedp.Navigate(srv.URL+p))
		clipped := run(t, ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("main table, main pre, main code, main dd, .matrix-wrap")).filter(e => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > innerWidth + 1).slice(0, 4).map(e => e.tagName + "." + e.className + " " + e.scrollWidth + ">" + e.clientWidth).join("; ")`))
		if clipped != "" {
			t.Errorf("printing %s clips: %s", p, clipped)
		}
		shoot(t, ctx, dir, shotName(p, "print"))
	}
}

// TestCompareAnyTwo compares two policies no page pairs, in the browser,
// and checks the counts against their JSON twins.
func TestCompareAnyTwo(t *testing.T) {
	ctx := browsertest.New(t)
	out := buildHostSite(t)
	srv := httptest.NewServer(preview.FileServer(out))
	defer srv.Close()
	allowed := func(name string) map[string]bool {
		var doc struct {
			Allowed []struct{ Action string }
		}
		if err := json.Unmarshal([]byte(sitetest.ReadFile(t, out, "api/policies/"+name+".json")), &doc); err != nil {
			t.Fatal(err)
		}
		m := map[string]bool{}
		for _, a := range doc.Allowed {
			m[a.Action] = true
		}
		return m
	}
	a, b := "AmazonChimeReadOnly", "AmazonS3ReadOnlyAccess"
	if siteFiles(t, out)[ComparePath(a, b)+"index.html"] {
		t.Fatalf("%s has a page: pick a pair without one", ComparePath(a, b))
	}
	sa, sb := allowed(a), allowed(b)
	both := 0
	for k := range sa {
		if sb[k] {
			both++
		}
	}
	want := fmt.Sprintf("Only %s: %d|Both: %d|Only %s: %d", a, len(sa)-both, both, b, len(sb)-both)
	run(t, ctx, chromedp.Navigate(srv.URL+"/policies/"))
	got := run(t, ctx, chromedp.Evaluate[string](`new Promise(done => {
		const f = document.getElementById("compare-any-form");
		if (!f || f.hidden) { done("no form"); return; }
		f.elements.a.value = `+strconv.Quote(a)+`; f.elements.b.value = `+strconv.Quote(b)+`;
		f.requestSubmit();
		const t0 = Date.now();
		(function wait() {
			const c = document.querySelector("#compare-any-result ul.counts");
			if (c) { done(Array.from(c.children).map(li => li.textContent).join("|")); return; }
			if (Date.now() - t0 > 20000) { done("no result: " + document.getElementById("compare-any-result").textContent); return; }
			setTimeout(wait, 50);
		})();
	})`, chromedp.EvalAwaitPromise))
	if got != want {
		t.Errorf("comparing %s with %s in the browser: %q, want %q", a, b, got, want)
	}
}
