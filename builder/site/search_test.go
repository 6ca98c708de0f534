package site

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/iamref/iamref/builder/preview"
	"github.com/iamref/iamref/builder/search"
	"github.com/iamref/iamref/builder/search/query"
	"github.com/iamref/iamref/internal/browsertest"
	"github.com/iamref/iamref/internal/sitetest"
)

// searchServices make the small site of the search tests: Chime (with
// guides and examples) and S3.
var searchServices = []string{"chime", "s3"}

// searchBaseURL has a path: the site works under a sub-path.
const searchBaseURL = "https://iamref.example/docs"

// searchContent is the content of the search site: searchServices with
// every managed policy, as the browser tests expect; under -short, which
// skips those, with the policies the assets test looks for, so that the
// race detector (.ci/run) gets through the two builds in seconds.
func searchContent(t *testing.T) fstest.MapFS {
	content := sitetest.OnlyServices(t, os.DirFS("../../content"), searchServices...)
	if testing.Short() {
		sitetest.OnlyPolicies(content, "AmazonChimeReadOnly", "AmazonChimeFullAccess", "AmazonS3ReadOnlyAccess")
	}
	return content
}

// buildSearchSite builds the small site with search into a temporary
// directory of t.
func buildSearchSite(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	cfg := Config{Content: searchContent(t), Out: out, BaseURL: searchBaseURL, Search: true, ModuleRoot: root}
	if _, err := Build(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSearchSite builds a small site with search and checks its assets,
// what the preview server sends for them, and the search in the browser.
func TestSearchSite(t *testing.T) {
	out := buildSearchSite(t)
	m, err := search.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("assets", func(t *testing.T) { testSearchAssets(t, out, m) })
	t.Run("server", func(t *testing.T) { testSearchServer(t, out, m) })
	t.Run("browser", func(t *testing.T) { testSearchBrowser(t, out) })
	t.Run("cached", func(t *testing.T) {
		// A second build of the same content reads the index from
		// .cache/search: the same bytes under the same names.
		var progress bytes.Buffer
		root, _ := filepath.Abs("../..")
		out2 := filepath.Join(t.TempDir(), "public")
		cfg := Config{Content: searchContent(t), Out: out2, BaseURL: searchBaseURL, Search: true, ModuleRoot: root, Progress: &progress}
		if _, err := Build(context.Background(), cfg); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(progress.String(), "index read from .cache/search") {
			t.Errorf("the second build did not read the cached index:\n%s", progress.String())
		}
		m2, err := search.ReadManifest(out2)
		if err != nil {
			t.Fatal(err)
		}
		if m2 != m {
			t.Fatalf("second build's assets %+v, first %+v", m2, m)
		}
		for _, f := range []string{m.Index, m.Index + ".br", m.Index + ".gz", m.Descriptions, m.Descriptions + ".br", m.Descriptions + ".gz"} {
			if sitetest.ReadFile(t, out, f) != sitetest.ReadFile(t, out2, f) {
				t.Errorf("%s differs between the builds", f)
			}
		}
	})
}

func testSearchAssets(t *testing.T, out string, m search.Manifest) {
	for name, re := range map[string]string{m.Index: `^search-[0-9a-f]{12}\.idx$`, m.Descriptions: `^search-desc-[0-9a-f]{12}\.idx$`, m.Wasm: `^search-[0-9a-f]{12}\.wasm$`, m.WasmExec: `^wasm_exec-[0-9a-f]{12}\.js$`} {
		if !regexp.MustCompile(re).MatchString(name) {
			t.Errorf("asset %q does not match %s", name, re)
		}
		for _, ext := range []string{"", ".br", ".gz"} {
			if _, err := os.Stat(filepath.Join(out, name+ext)); err != nil {
				t.Error(err)
			}
		}
	}
	idx, err := os.ReadFile(filepath.Join(out, m.Index))
	if err != nil {
		t.Fatal(err)
	}
	if want := search.HashName("search-", ".idx", idx); want != m.Index {
		t.Errorf("index named %s, its content hashes to %s", m.Index, want)
	}
	descs, err := os.ReadFile(filepath.Join(out, m.Descriptions))
	if err != nil {
		t.Fatal(err)
	}
	if want := search.HashName("search-desc-", ".idx", descs); want != m.Descriptions {
		t.Errorf("descriptions named %s, their content hashes to %s", m.Descriptions, want)
	}
	eng, err := query.OpenAll(idx, descs)
	if err != nil {
		t.Fatal(err)
	}
	// one document of every kind, with its page
	for q, want := range map[string]query.Hit{
		"chime:CreateMeeting":                 {ID: "chime:CreateMeeting", Kind: "action", URL: "/chime/CreateMeeting/", AccessLevel: "Write"},
		"kind:service s3":                     {ID: "s3", Kind: "service", URL: "/s3/"},
		"kind:resource meeting service:chime": {ID: "chime:meeting", Kind: "resource", URL: "/chime/resources/meeting/"},
		"s3:x-amz-acl":                        {ID: "s3:x-amz-acl", Kind: "condition", URL: "/conditions/s3_x-amz-acl/"},
		"AmazonChimeReadOnly":                 {ID: "AmazonChimeReadOnly", Kind: "policy", URL: "/policies/AmazonChimeReadOnly/"},
		"kind:example chime-full-access":      {ID: "chime-full-access", Kind: "example", URL: "/examples/chime-full-access/"},
		"kind:guide console access":           {Kind: "guide"},
	} {
		r := eng.Search(q, 3)
		if len(r.Hits) == 0 {
			t.Errorf("%q: no results", q)
			continue
		}
		h := r.Hits[0]
		if h.Kind != want.Kind || want.ID != "" && (h.ID != want.ID || h.URL != want.URL || h.AccessLevel != want.AccessLevel) {
			t.Errorf("%q: first hit %+v, want %+v", q, h, want)
		}
	}
	// guide sections link to their heading
	sections := 0
	for _, h := range eng.Search("kind:guide", 200).Hits {
		page, anchor, ok := strings.Cut(h.URL, "#")
		if !ok {
			continue
		}
		sections++
		if html := sitetest.ReadFile(t, out, page+"index.html"); !strings.Contains(html, `id="`+anchor+`"`) {
			t.Errorf("guide section %q links to %s#%s, which has no such id", h.ID, page, anchor)
		}
	}
	if sections == 0 {
		t.Error("no guide sections in the index")
	}
	// access: matches the official level and policy_sentry's correction
	corrected := 0
	for _, h := range eng.Search("kind:action service:chime", 1000).Hits {
		if h.AccessOverride == "" {
			continue
		}
		corrected++
		for _, level := range []string{h.AccessLevel, h.AccessOverride} {
			q := h.ID + " access:" + strings.Fields(strings.ToLower(level))[0]
			if r := eng.Search(q, 1); len(r.Hits) == 0 || r.Hits[0].ID != h.ID {
				t.Errorf("%q does not find %s (%s, corrected to %s)", q, h.ID, h.AccessLevel, h.AccessOverride)
			}
		}
	}
	if corrected == 0 {
		t.Error("no chime action has a corrected access level; content/catalog/access-level-overrides.yml corrects some")
	}

	page := sitetest.ReadFile(t, out, "chime/CreateMeeting/index.html")
	for _, want := range []string{
		`data-index="../../` + m.Index + `"`, `data-index-desc="../../` + m.Descriptions + `"`, `data-wasm="../../` + m.Wasm + `"`, `data-wasm-exec="../../` + m.WasmExec + `"`,
		`data-worker="../../static/js/search-worker.`, `data-worker-load="../../static/js/worker-load.`, `data-root="../../"`, `<script src="../../static/js/search.`,
		`<link rel="search" type="application/opensearchdescription+xml" title="iamref" href="../../opensearch.xml">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("action page lacks %s", want)
		}
	}
	if x := sitetest.ReadFile(t, out, "opensearch.xml"); !strings.Contains(x, `template="`+searchBaseURL+`/?q={searchTerms}"`) {
		t.Errorf("opensearch.xml:\n%s", x)
	}
	for _, f := range []string{"index.html", "chime/CreateMeeting/index.html", "404.html"} {
		if html := sitetest.ReadFile(t, out, f); regexp.MustCompile(`(?i)<script>|<script [^>]*>[^<]|style="`).MatchString(html) {
			t.Errorf("%s has an inline script or style", f)
		}
	}
}

func testSearchServer(t *testing.T, out string, m search.Manifest) {
	srv := httptest.NewServer(preview.FileServer(out))
	defer srv.Close()
	get := func(p, accept string) (*http.Response, []byte) {
		req, _ := http.NewRequest("GET", srv.URL+p, nil)
		req.Header.Set("Accept-Encoding", accept) // set: the client then does not decompress
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	for _, c := range []struct{ file, accept, encoding, ext, ctype string }{
		{m.Wasm, "gzip, deflate, br, zstd", "br", ".br", "application/wasm"},
		{m.Wasm, "gzip", "gzip", ".gz", "application/wasm"},
		{m.Wasm, "identity", "", "", "application/wasm"},
		{m.Index, "br", "br", ".br", "application/octet-stream"},
		{m.Index, "gzip", "gzip", ".gz", "application/octet-stream"},
		{m.Descriptions, "br", "br", ".br", "application/octet-stream"},
		{m.WasmExec, "br", "br", ".br", "text/javascript; charset=utf-8"},
		{"opensearch.xml", "br", "", "", "application/opensearchdescription+xml"},
	} {
		resp, body := get("/"+c.file, c.accept)
		want, err := os.ReadFile(filepath.Join(out, c.file+c.ext))
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != c.encoding || resp.Header.Get("Content-Type") != c.ctype || string(body) != string(want) {
			t.Errorf("GET %s (Accept-Encoding: %s): %d, Content-Encoding %q, Content-Type %q, %d bytes; want %q, %q, the %d bytes of %s%s",
				c.file, c.accept, resp.StatusCode, resp.Header.Get("Content-Encoding"), resp.Header.Get("Content-Type"), len(body), c.encoding, c.ctype, len(want), c.file, c.ext)
		}
		if !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("GET %s: no Vary: Accept-Encoding", c.file)
		}
	}
}

// withCSP sends the site-wide headers of netlify.toml, so that the browser
// enforces the production Content-Security-Policy.
func withCSP(t *testing.T, h http.Handler) http.Handler {
	var cfg struct {
		Headers []struct {
			For    string
			Values map[string]string
		}
	}
	if _, err := toml.DecodeFile("../../netlify.toml", &cfg); err != nil {
		t.Fatal(err)
	}
	var all map[string]string
	for _, r := range cfg.Headers {
		if r.For == "/*" {
			all = r.Values
		}
	}
	if all["Content-Security-Policy"] == "" {
		t.Fatal("netlify.toml sets no Content-Security-Policy on /*")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range all {
			w.Header().Set(k, v)
		}
		h.ServeHTTP(w, r)
	})
}

// consoleLog collects what the page writes to the console.
type consoleLog struct {
	mu   sync.Mutex
	msgs []chromedp.ConsoleMessage
}

func collectConsole(ctx context.Context) *consoleLog {
	c := &consoleLog{}
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			c.mu.Lock()
			c.msgs = append(c.msgs, m)
			c.mu.Unlock()
		}
	}()
	return c
}

func (c *consoleLog) errors() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, m := range c.msgs {
		if m.Type == chromedp.ConsoleError && strings.HasPrefix(m.Text, "Failed to load resource: the server responded with a status of 404") &&
			(strings.HasSuffix(m.URL, "/favicon.ico") || strings.Contains(m.URL, "/getmeetingx/")) {
			continue // the site has no favicon; the 404 page is asked for on purpose
		}
		if m.Type == chromedp.ConsoleError || m.IsException() {
			out = append(out, m.String()+" "+m.URL)
		}
	}
	return out
}

// hitsJS reads the shown results.
const hitsJS = `JSON.stringify(Array.from(document.querySelectorAll("#search-results .search-hit")).map(li => ({
	id: li.querySelector(".search-id").textContent,
	badges: Array.from(li.querySelectorAll(".level")).map(b => b.textContent),
	levels: Array.from(li.querySelectorAll(".level")).map(b => b.className),
	marks: Array.from(li.querySelectorAll(".search-snippet mark")).map(m => m.textContent),
	href: li.querySelector("a").href,
	active: li.classList.contains("active"),
})))`

type shownHit struct {
	ID     string
	Badges []string
	Levels []string // the access levels' classes, the pages' own (level level-write)
	Marks  []string
	Href   string
	Active bool
}

func shownHits(t *testing.T, ctx context.Context) []shownHit {
	t.Helper()
	var hits []shownHit
	if err := json.Unmarshal([]byte(run(t, ctx, chromedp.Evaluate[string](hitsJS))), &hits); err != nil {
		t.Fatal(err)
	}
	return hits
}

// waitFirstHit waits until the first shown result is id.
func waitFirstHit(t *testing.T, ctx context.Context, id string) {
	t.Helper()
	js := `(() => { const e = document.querySelector("#search-results:not([hidden]) .search-hit .search-id"); return !!e && e.textContent === ` + jsString(id) + `; })()`
	run(t, ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(20*time.Second)))
}

// waitComplete waits until the results shown come from the whole index,
// descriptions included.
func waitComplete(t *testing.T, ctx context.Context) {
	t.Helper()
	// ... the results of the query in the box, not of one typed on the
	// way there (whose first hit may be the same), which come later and
	// make a new list.
	js := `(() => { const s = document.getElementById("search-status"), list = document.getElementById("search-results"); return !!list.querySelector(".search-hit") && !list.hidden && list.dataset.query === document.getElementById("search-input").value && !s.textContent.includes("descriptions"); })()`
	run(t, ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(20*time.Second)))
}

// waitPath waits until the tab shows url, after a navigation the page
// started.
func waitPath(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	var loc string
	for end := time.Now().Add(15 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		l, err := chromedp.Run(ctx, chromedp.Location())
		if err == nil && l == url {
			// The new document, loaded: a node looked up while it was still
			// loading can go stale (chromedp: "Could not find node").
			ready, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.readyState === "complete" && document.getElementById("search-input") !== null`))
			if err == nil && ready {
				return
			}
		}
		loc = l
	}
	t.Fatalf("the tab shows %s, want %s", loc, url)
}

// focusSearch focuses the search box from the page's own script, which
// always sees the current document (a node id chromedp looked up can
// belong to the one before).
func focusSearch(t *testing.T, ctx context.Context) {
	t.Helper()
	const focus = `(() => { const i = document.getElementById("search-input"); if (!i) return false; i.focus(); return document.activeElement === i; })()`
	for end := time.Now().Add(15 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](focus)); err == nil && ok {
			return
		}
	}
	t.Fatal("could not focus the search box")
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func testSearchBrowser(t *testing.T, out string) {
	ctx := browsertest.New(t)
	// The server notes the index and engine files asked for, and the
	// worker and the loader it imports (static/js/worker-load.js, by the
	// URL the page passes on): the page's resource timing does not list
	// what the worker fetches.
	var mu sync.Mutex
	var fetched []string
	files := withCSP(t, preview.FileServer(out))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if m := regexp.MustCompile(`^/(search-(desc-)?)[0-9a-f]{12}(\.idx|\.wasm)$`).FindStringSubmatch(r.URL.Path); m != nil {
			mu.Lock()
			fetched = append(fetched, m[1]+"H"+m[3])
			mu.Unlock()
		}
		if m := regexp.MustCompile(`^/static/js/(search-worker|worker-load)\.[0-9a-f]{10}\.js$`).FindStringSubmatch(r.URL.Path); m != nil {
			mu.Lock()
			fetched = append(fetched, m[1]+".js")
			mu.Unlock()
		}
		files.ServeHTTP(w, r)
	}))
	defer srv.Close()
	loaded := func() string {
		mu.Lock()
		defer mu.Unlock()
		s := slices.Clone(fetched)
		slices.Sort(s)
		return strings.Join(slices.Compact(s), " ")
	}
	console := collectConsole(ctx)

	// Nothing loads before the first use, nor for a pointer far from the
	// box; a pointer near it loads the engine and the names part, and the
	// descriptions part waits for the search.
	run(t, ctx, chromedp.Navigate(srv.URL+"/chime/"))
	box := run(t, ctx, chromedp.Evaluate[[]float64](`(() => { const r = document.getElementById("search-input").getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })()`))
	// far, then fast past the box (on the way to the browser's tabs)
	for _, y := range []float64{box[3] + 400, box[3] + 300, box[3] + 40, box[1] - 5} {
		run(t, ctx, chromedp.MouseEvent(chromedp.MouseMoved, box[0]+20, y))
	}
	time.Sleep(300 * time.Millisecond)
	if got := loaded(); got != "" {
		t.Errorf("before the box was near or used, the page loaded %s", got)
	}
	// slowing down near it
	run(t, ctx, chromedp.MouseEvent(chromedp.MouseMoved, box[0]+20, box[3]+300))
	time.Sleep(300 * time.Millisecond)
	run(t, ctx, chromedp.MouseEvent(chromedp.MouseMoved, box[0]+20, box[3]+60))
	const engineNames = "search-H.idx search-H.wasm search-worker.js worker-load.js"
	for end := time.Now().Add(20 * time.Second); loaded() != engineNames && time.Now().Before(end); {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	if got := loaded(); got != engineNames {
		t.Errorf("with the pointer near the box, before a search, the page loaded %q; want %q", got, engineNames)
	}
	// "/" focuses the box and starts loading; results come as you type.
	run(t, ctx, chromedp.KeyEvent("/"))
	if id := run(t, ctx, chromedp.Evaluate[string](`document.activeElement.id`)); id != "search-input" {
		t.Fatalf("after /, the focus is on %q", id)
	}
	run(t, ctx, chromedp.KeyEvent("create meeting"))
	waitFirstHit(t, ctx, "chime:CreateMeeting")
	// the descriptions follow: the results again, with their snippets
	waitComplete(t, ctx)
	if got := loaded(); got != "search-H.idx search-H.wasm search-desc-H.idx search-worker.js worker-load.js" {
		t.Errorf("after a search, the page loaded %s; want the engine, both parts of the index, the worker and its loader", got)
	}
	hits := shownHits(t, ctx)
	first := hits[0]
	if len(first.Badges) == 0 || first.Badges[0] != "Write" || first.Levels[0] != "level level-write" || len(first.Marks) == 0 || !strings.HasSuffix(first.Href, "/chime/CreateMeeting/") {
		t.Errorf("first result %+v: want the Write badge, highlighted words and a link to /chime/CreateMeeting/", first)
	}
	if aria := run(t, ctx, chromedp.Evaluate[string](`document.getElementById("search-input").getAttribute("aria-expanded")`)); aria != "true" {
		t.Errorf("aria-expanded = %q with results shown", aria)
	}

	// Down, Down, Up selects the first result; Enter opens it.
	run(t, ctx, chromedp.KeyEvent(kb.ArrowDown+kb.ArrowDown+kb.ArrowUp))
	hits = shownHits(t, ctx)
	if !hits[0].Active || hits[1].Active {
		t.Errorf("after Down Down Up, active: %v %v; want the first", hits[0].Active, hits[1].Active)
	}
	if ad := run(t, ctx, chromedp.Evaluate[string](`document.getElementById("search-input").getAttribute("aria-activedescendant")`)); ad != "search-opt-0" {
		t.Errorf("aria-activedescendant = %q", ad)
	}
	run(t, ctx, chromedp.KeyEvent(kb.Enter))
	waitPath(t, ctx, srv.URL+"/chime/CreateMeeting/")

	// From a page two levels down, result links still reach the root
	// (data-root); the focus alone loads the engine, with a visible
	// progress; Escape closes the list, a second Escape clears the box.
	// Record what the status line says while loading.
	run(t, ctx, chromedp.Evaluate[bool](`window.__status = []; new MutationObserver(() => {
		const s = document.getElementById("search-status");
		window.__status.push((s.hidden ? "(hidden) " : "") + s.textContent + (s.querySelector("progress:not([hidden])") ? " [progress]" : ""));
	}).observe(document.getElementById("search-status"), {subtree: true, childList: true, characterData: true, attributes: true}); true`))

	focusSearch(t, ctx)
	run(t, ctx, chromedp.KeyEvent("s3:getobject"))
	waitFirstHit(t, ctx, "s3:GetObject")
	var status []string
	_ = json.Unmarshal([]byte(run(t, ctx, chromedp.Evaluate[string](`JSON.stringify(window.__status)`))), &status)
	if !strings.Contains(strings.Join(status, "\n"), "Loading search…") || !strings.Contains(strings.Join(status, "\n"), "[progress]") {
		t.Errorf("no visible progress while loading; the status line said %q", status)
	}
	if h := shownHits(t, ctx)[0]; h.Href != srv.URL+"/s3/GetObject/" {
		t.Errorf("result link %s, want %s/s3/GetObject/", h.Href, srv.URL)
	}
	run(t, ctx, chromedp.KeyEvent(kb.Escape))
	if !run(t, ctx, chromedp.Evaluate[bool](`document.getElementById("search-results").hidden`)) {
		t.Error("Escape did not close the results")
	}
	run(t, ctx, chromedp.KeyEvent(kb.Escape))
	if v := run(t, ctx, chromedp.Evaluate[string](`document.getElementById("search-input").value`)); v != "" {
		t.Errorf("second Escape left %q in the box", v)
	}

	// A name no action has says so first, with the closest names linked;
	// an exact name (in any case) does not.
	noAction := `(() => { const p = document.getElementById("search-noaction"); return p.hidden ? "" : p.textContent + "|" + Array.from(p.querySelectorAll("a")).map(a => a.href).join(" "); })()`
	for _, q := range []string{"ListMeetingReportData", "chime:ListMeetingReportData"} {
		run(t, ctx, chromedp.Evaluate[bool](`(i => { i.value = ""; i.dispatchEvent(new Event("input")); return true; })(document.getElementById("search-input"))`))
		run(t, ctx, chromedp.KeyEvent(q))
		waitFirstHit(t, ctx, "chime:ListMeetingsReportData")
		// The line for the query in the box: one typed on the way there
		// ("chime:ListMeetingReportDat") has a line of its own, drawn first.
		run(t, ctx, chromedp.Poll[bool](`(() => { const p = document.getElementById("search-noaction"); return !p.hidden && p.textContent.startsWith("No action " + document.getElementById("search-input").value + ";"); })()`, chromedp.WithPollingTimeout(20*time.Second)))
		line := run(t, ctx, chromedp.Evaluate[string](noAction))
		text, links, _ := strings.Cut(line, "|")
		if !strings.HasPrefix(text, "No action "+q+"; closest: chime:ListMeetingsReportData") || !strings.HasPrefix(links, srv.URL+"/chime/ListMeetingsReportData/") {
			t.Errorf("%q: the line above the results reads %q, links %q", q, text, links)
		}
		// the line comes first in the drop-down, above the results
		if order := run(t, ctx, chromedp.Evaluate[string](`(() => { const p = document.getElementById("search-noaction"), l = document.getElementById("search-results"); return String(p.compareDocumentPosition(l) & Node.DOCUMENT_POSITION_FOLLOWING) + String(p.getBoundingClientRect().bottom <= l.getBoundingClientRect().top + 1); })()`)); order != "4true" {
			t.Errorf("%q: the line is not above the results (%s)", q, order)
		}
	}
	for _, q := range []string{"chime:listmeetingsreportdata", "ListMeetingsReportData"} {
		run(t, ctx, chromedp.Evaluate[bool](`(i => { i.value = ""; i.dispatchEvent(new Event("input")); return true; })(document.getElementById("search-input"))`))
		run(t, ctx, chromedp.KeyEvent(q))
		waitFirstHit(t, ctx, "chime:ListMeetingsReportData")
		if line := run(t, ctx, chromedp.Evaluate[string](noAction)); line != "" {
			t.Errorf("%q names an action, yet the results start with %q", q, line)
		}
	}
	run(t, ctx, chromedp.KeyEvent(kb.Escape))

	// A pasted ARN: the resource types whose format it matches, most
	// specific first, then the actions on the first, with a link to all
	// of them on the results page.
	clearBox := `(i => { i.value = ""; i.dispatchEvent(new Event("input")); return true; })(document.getElementById("search-input"))`
	rowsJS := `Array.from(document.querySelectorAll("#search-results .search-hit")).map(r => r.className.replace("search-hit search-kind-", "") + " " + r.querySelector(".search-id").textContent)`
	for _, tc := range []struct {
		arn   string
		first []string // the first rows: kind and id
		not   string
	}{
		{"arn:aws:s3:::my-bucket/photos/cat.jpg", []string{"resource s3:object", "resource s3:bucket"}, ""},
		{"arn:aws:s3:::my-bucket", []string{"resource s3:bucket"}, "resource s3:object"},
		{"arn:${Partition}:s3:::${BucketName}/${ObjectName}", []string{"resource s3:object", "resource s3:bucket"}, ""},
		{"arn:aws:chime:us-east-1:123456789012:meeting/abc", []string{"resource chime:meeting"}, ""},
	} {
		run(t, ctx, chromedp.Evaluate[bool](clearBox))
		run(t, ctx, chromedp.KeyEvent(tc.arn))
		waitFirstHit(t, ctx, strings.TrimPrefix(tc.first[0], "resource "))
		rows := run(t, ctx, chromedp.Evaluate[[]string](rowsJS))
		if len(rows) <= len(tc.first) || !slices.Equal(rows[:len(tc.first)], tc.first) || !strings.HasPrefix(rows[len(tc.first)], "action ") || tc.not != "" && slices.Contains(rows, tc.not) {
			t.Errorf("%s: rows %q; want %q first, then actions", tc.arn, rows, tc.first)
		}
		st := run(t, ctx, chromedp.Evaluate[string](`document.getElementById("search-status").textContent`))
		if !strings.HasPrefix(st, "ARN of "+strings.TrimPrefix(tc.first[0], "resource ")) || !strings.Contains(st, "actions take it") {
			t.Errorf("%s: the status says %q", tc.arn, st)
		}
		if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#search-results .search-kind-action button.search-add").length`)); n == 0 {
			t.Errorf("%s: the actions have no Add to policy", tc.arn)
		}
	}
	// the object ARN: more actions than the drop-down holds; its link
	// opens them all
	const objectARN = "arn:aws:s3:::my-bucket/photos/cat.jpg"
	run(t, ctx, chromedp.Evaluate[bool](clearBox))
	run(t, ctx, chromedp.KeyEvent(objectARN))
	waitFirstHit(t, ctx, "s3:object")
	wantHref := srv.URL + "/?q=" + strings.ReplaceAll(url.QueryEscape(objectARN), "+", "%20")
	// (the results of the ARN as typed so far come first: wait for the whole one's)
	more := run(t, ctx, chromedp.Poll[string](`(a => a.closest("[hidden]") || a.href !== `+jsString(wantHref)+` ? "" : a.textContent + "|" + a.href)(document.getElementById("search-more"))`, chromedp.WithPollingTimeout(20*time.Second)))
	text, href, _ := strings.Cut(more, "|")
	if !strings.HasPrefix(text, "All ") || href != wantHref {
		t.Errorf("the drop-down's link to every result: %q", more)
	}
	run(t, ctx, chromedp.Evaluate[bool](`document.getElementById("search-more").click(), true`))
	waitPath(t, ctx, href)
	listedARN := run(t, ctx, chromedp.Poll[string](`(() => { const c = document.querySelector("#search-page .search-count").textContent; return c.startsWith("ARN of") ? c + "|" + document.querySelectorAll("#search-page ol li").length + "|" + document.querySelector("#search-page ol li .search-id").textContent : ""; })()`, chromedp.WithPollingTimeout(20*time.Second)))
	if parts := strings.Split(listedARN, "|"); len(parts) != 3 || !strings.Contains(parts[0], strings.TrimPrefix(text, "All ")) || parts[2] != "s3:object" {
		t.Errorf("the results page of the object ARN: %q; want every one of the %s, s3:object first", listedARN, text)
	}

	// /?q= opens with results.
	run(t, ctx, chromedp.Navigate(srv.URL+"/?q="+"chime%3AList*"))
	waitFirstHit(t, ctx, "chime:ListAccountUsageReportData")
	if v := run(t, ctx, chromedp.Evaluate[string](`document.getElementById("search-input").value`)); v != "chime:List*" {
		t.Errorf("?q= put %q in the box", v)
	}
	// ... with the focus in the box, the query in the title, and a results
	// page listing every result past the drop-down's 20, which copies as a
	// list of actions.
	if id := run(t, ctx, chromedp.Evaluate[string](`document.activeElement.id + "|" + document.title`)); id != "search-input|“chime:List*” — search · iamref" {
		t.Errorf("?q=: focus and title %q", id)
	}
	listed := run(t, ctx, chromedp.Evaluate[string](`new Promise(done => { const t0 = Date.now(); (function wait() {
		const items = document.querySelectorAll("#search-page ol li");
		if (items.length > 20 || Date.now() - t0 > 20000) {
			done(items.length + "|" + document.querySelector("#search-page .search-count").textContent + "|" + document.querySelector("#search-page button.copy").textContent);
			return;
		}
		setTimeout(wait, 50);
	})(); })`, chromedp.EvalAwaitPromise))
	if parts := strings.Split(listed, "|"); len(parts) != 3 || parts[0] == "0" || !strings.HasPrefix(parts[1], parts[0]+" results") || parts[2] != "Copy the "+parts[0]+" actions as a list" {
		t.Errorf("the results page of chime:List* shows %q: want every result, counted, and a copy of them all", listed)
	}
	copiedList := run(t, ctx, chromedp.Evaluate[string](copyScript("#search-page button.copy"), chromedp.EvalAwaitPromise))
	if lines := strings.Split(copiedList, "\n"); len(lines) < 21 || lines[0] != "chime:ListAccountUsageReportData" {
		t.Errorf("the results page copied %d lines, starting %q", len(lines), lines[0])
	}
	// Every action listed has its own Add to policy, in the tab order, and
	// "Add all" puts the rest into the policy, then says they all are.
	run(t, ctx, chromedp.Evaluate[bool](`window.iamrefBasket.clear(), true`))
	buttons := run(t, ctx, chromedp.Evaluate[string](`(() => {
		const items = document.querySelectorAll("#search-page ol li.search-kind-action");
		const bs = document.querySelectorAll("#search-page ol li.search-kind-action > button.search-add");
		return items.length + "|" + bs.length + "|" + bs[0].tabIndex + "|" + bs[0].dataset.action + "|" + document.querySelector("#search-page button.add-all").textContent;
	})()`))
	if parts := strings.Split(buttons, "|"); len(parts) != 5 || parts[0] != parts[1] || parts[2] != "0" || parts[3] != "chime:ListAccountUsageReportData" || parts[4] != "Add the "+parts[0]+" actions to your policy" {
		t.Errorf("the results page's buttons: %q; want one per action, tabbable, and Add all", buttons)
	}
	run(t, ctx, chromedp.Focus(`#search-page ol li.search-kind-action > button.search-add`))
	run(t, ctx, chromedp.KeyEvent(kb.Enter))
	pressed := run(t, ctx, chromedp.Poll[string](`(b => b.getAttribute("aria-pressed") === "true" ? b.textContent + "|" + window.iamrefBasket.actions().join(",") + "|" + document.getElementById("basket-count").dataset.count : "")(document.querySelector("#search-page ol li.search-kind-action > button.search-add"))`, chromedp.WithPollingTimeout(5*time.Second)))
	if pressed != "In your policy: chime:ListAccountUsageReportData|chime:ListAccountUsageReportData|1" {
		t.Errorf("Enter on the first result's Add to policy: %q", pressed)
	}
	run(t, ctx, chromedp.Click(`#search-page button.add-all`))
	added := run(t, ctx, chromedp.Poll[string](`(() => { const b = document.querySelector("#search-page button.add-all"); return b.getAttribute("aria-disabled") === "true" ? b.textContent + "|" + window.iamrefBasket.actions().length + "|" + document.querySelectorAll("#search-page button.search-add[aria-pressed=false]").length : ""; })()`, chromedp.WithPollingTimeout(5*time.Second)))
	if want := "All " + strings.Split(buttons, "|")[0] + " are in your policy|" + strings.Split(buttons, "|")[0] + "|0"; added != want {
		t.Errorf("Add all: %q, want %q", added, want)
	}
	run(t, ctx, chromedp.Evaluate[bool](`window.iamrefBasket.clear(), true`))

	// 404.html offers the missing address as a query, answered on /?q=.
	run(t, ctx, chromedp.Navigate(srv.URL+"/chime/getmeetingx/"))
	if v := run(t, ctx, chromedp.Evaluate[string](`document.getElementById("search-404").value`)); v != "chime getmeetingx" {
		t.Errorf("404 search box holds %q", v)
	}
	run(t, ctx, chromedp.Submit("#search-404"))
	waitPath(t, ctx, srv.URL+"/?q=chime+getmeetingx")
	waitFirstHit(t, ctx, "chime:GetMeeting")

	// The results are readable in both themes, and their grid, buttons,
	// no-action line and link to every result are valid ARIA: with the
	// results of the 404's query, of a name no action has, and of an ARN.
	if axe, err := os.ReadFile("../../.cache/npm/node_modules/axe-core/axe.min.js"); err == nil {
		run(t, ctx, chromedp.Evaluate[bool](string(axe)+";true"))
		check := func(what string) {
			for _, scheme := range []string{"light", "dark"} {
				run(t, ctx, colorScheme(scheme))
				res := run(t, ctx, chromedp.Evaluate[string](`axe.run(document.querySelector("header.top"), {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ") + " " + n.failureSummary).join("; "))))`, chromedp.EvalAwaitPromise))
				if res != "[]" {
					t.Errorf("axe, %s theme, %s: %s", scheme, what, res)
				}
			}
		}
		check("open search results")
		for q, shown := range map[string]string{"ListMeetingReportData": "#search-noaction", "arn:aws:s3:::my-bucket/photos/cat.jpg": ".search-more"} {
			focusSearch(t, ctx)
			run(t, ctx, chromedp.Evaluate[bool](clearBox))
			run(t, ctx, chromedp.KeyEvent(q))
			run(t, ctx, chromedp.Poll[bool](`!document.getElementById("search-results").hidden && !document.querySelector(`+jsString(shown)+`).hidden && !!document.querySelector("#search-results button.search-add")`, chromedp.WithPollingTimeout(20*time.Second)))
			run(t, ctx, chromedp.KeyEvent(kb.ArrowDown+kb.ArrowRight)) // a button cell active
			check(q)
		}
	} else {
		t.Logf("axe-core not installed: contrast of the results not checked (%v)", err)
	}

	if errs := console.errors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}
