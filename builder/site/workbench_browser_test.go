package site

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/policy"
	"github.com/iamref/iamref/builder/preview"
	"github.com/iamref/iamref/internal/browsertest"
	"github.com/iamref/iamref/internal/sitetest"
	"github.com/iamref/iamref/internal/timingdoc"
)

// The workbench site: a few services and managed policies, with the
// search and the policy engine.
var (
	workbenchServices = []string{"s3", "chime", "iam", "kms", "sts"}
	workbenchPolicies = []string{"AmazonS3ReadOnlyAccess", "AmazonS3FullAccess", "AmazonChimeReadOnly", "AmazonChimeFullAccess", "IAMReadOnlyAccess", "IAMUserChangePassword", "AWSKeyManagementServicePowerUser"}
)

func workbenchContent(t *testing.T) fstest.MapFS {
	return sitetest.OnlyPolicies(sitetest.OnlyServices(t, os.DirFS("../../content"), workbenchServices...), workbenchPolicies...)
}

// requestLog is every request the test server saw: URL, headers and body.
type requestLog struct {
	mu   sync.Mutex
	reqs []string
}

func (l *requestLog) add(r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", r.Method, r.URL.String())
	for k, vs := range r.Header {
		fmt.Fprintf(&b, "%s: %s\n", k, strings.Join(vs, ", "))
	}
	b.Write(body)
	l.mu.Lock()
	l.reqs = append(l.reqs, b.String())
	l.mu.Unlock()
}

// carrying are the requests that hold any of the strings.
func (l *requestLog) carrying(ss ...string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, r := range l.reqs {
		for _, s := range ss {
			if strings.Contains(r, s) || strings.Contains(r, url.QueryEscape(s)) || strings.Contains(r, url.PathEscape(s)) {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// matching counts the requests whose first line matches re.
func (l *requestLog) matching(re string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, r := range l.reqs {
		if regexp.MustCompile(re).MatchString(strings.SplitN(r, "\n", 2)[0]) {
			n++
		}
	}
	return n
}

func (l *requestLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.reqs)
}

// TestWorkbench runs /analyze/ and /write/ in headless Chromium under the
// production Content-Security-Policy: analyses of managed policies' documents
// against the build's /api/policies/ JSON, the comparison, the share link,
// no request carrying the document, the writer's output analysed back, "Add
// to policy" from an action page and a search result, keyboard use,
// axe-core at 390 and 1,280 px in both themes, the incremental drawing
// against a fresh one, and the pages without JavaScript.
func TestWorkbench(t *testing.T) {
	ctx := browsertest.New(t)
	axe := axeSource(t)
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	// IAMREF_WORKBENCH_OUT keeps the built site in that directory;
	// IAMREF_WORKBENCH_PUBLIC serves a site built before (by another
	// checkout, say) instead of building one: the timings take turns so.
	out := filepath.Join(t.TempDir(), "public")
	if dir := os.Getenv("IAMREF_WORKBENCH_OUT"); dir != "" {
		out = dir
	}
	content := workbenchContent(t)
	if dir := os.Getenv("IAMREF_WORKBENCH_PUBLIC"); dir != "" {
		out = dir
	} else if _, err := Build(context.Background(), Config{Content: content, Out: out, BaseURL: "https://iamref.example", Search: true, PolicyEngine: true, ModuleRoot: root}); err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Load(content)
	if err != nil {
		t.Fatal(err)
	}
	eng := policy.NewEngine(cat)

	reqs := &requestLog{}
	files := withCSP(t, preview.FileServer(out))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reqs.add(r)
		files.ServeHTTP(w, r)
	}))
	defer srv.Close()
	// Every request the page makes, as the browser reports it: none may
	// go elsewhere than the site.
	var netMu sync.Mutex
	var foreign []string
	sent := chromedp.Events(ctx, network.RequestWillBeSent)
	go func() {
		for e, err := range sent {
			if err != nil {
				return
			}
			if u := e.Request.URL; !strings.HasPrefix(u, srv.URL+"/") && !strings.HasPrefix(u, "data:") && u != "about:blank" {
				netMu.Lock()
				foreign = append(foreign, u)
				netMu.Unlock()
			}
		}
	}()
	run(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{})
		return err
	}))
	console := collectConsole(ctx)

	const marker = "NoLeakMarker7d1f"
	t.Run("analyze", func(t *testing.T) { testAnalyze(t, ctx, srv.URL, marker, reqs) })
	t.Run("held document", func(t *testing.T) { testHeld(t, ctx, srv.URL) })
	t.Run("compare", func(t *testing.T) { testCompare(t, ctx, srv.URL) })
	t.Run("share", func(t *testing.T) { testShare(t, ctx, srv.URL, marker) })
	t.Run("incremental", func(t *testing.T) { testIncremental(t, ctx, srv.URL, cat) })
	if os.Getenv("IAMREF_WORKBENCH_TIMINGS") != "" { // measurements, not a test: half a minute
		t.Run("timings", func(t *testing.T) {
			if other := os.Getenv("IAMREF_WORKBENCH_COMPARE"); other != "" {
				testAnalyzeTimingsAgainst(t, ctx, srv.URL, other, cat)
				return
			}
			testAnalyzeTimings(t, ctx, srv.URL, cat)
		})
	}
	t.Run("no request carries the document", func(t *testing.T) {
		if reqs.count() == 0 {
			t.Fatal("the server saw no request")
		}
		if bad := reqs.carrying(marker); len(bad) > 0 {
			t.Errorf("%d requests carry the document:\n%s", len(bad), strings.Join(bad, "\n---\n"))
		}
		netMu.Lock()
		defer netMu.Unlock()
		if len(foreign) > 0 {
			t.Errorf("requests outside the site: %q", foreign)
		}
	})
	// After the check above: its second server, without the isolation
	// headers, is another origin.
	t.Run("answered in the keystroke's frame", func(t *testing.T) { testSharedAnswers(t, ctx, srv.URL, out, cat) })
	t.Run("add to policy", func(t *testing.T) { testAddToPolicy(t, ctx, srv.URL) })
	t.Run("write", func(t *testing.T) { testWrite(t, ctx, srv.URL, eng, cat) })
	t.Run("accessibility", func(t *testing.T) { testWorkbenchAccessibility(t, ctx, srv.URL, axe) })
	t.Run("without JavaScript", func(t *testing.T) { testWorkbenchNoJS(t, ctx, srv.URL) })
	if errs := console.errors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

type grantRef struct {
	Statement int
	Pattern   string
	NotAction bool `json:"not_action"`
}

func refsText(rs []grantRef) string {
	var via []string
	for _, r := range rs {
		if r.NotAction {
			via = append(via, "NotAction")
		} else {
			via = append(via, r.Pattern)
		}
	}
	return strings.Join(via, ", ")
}

// apiReport is what the tests read of an iamref.policy.v1 report.
type apiReport struct {
	Allowed []struct {
		Action         string
		AccessLevel    string `json:"access_level"`
		Conditional    bool
		ResourceScoped bool       `json:"resource_scoped"`
		PartlyDenied   bool       `json:"partly_denied"`
		GrantedBy      []grantRef `json:"granted_by"`
		DeniedBy       []grantRef `json:"denied_by"`
	}
	Unknown []struct {
		Pattern string
	}
	Findings []struct {
		Code      string
		Line, Col int
	}
}

func apiPolicy(t *testing.T, base, name string) (apiReport, string) {
	t.Helper()
	resp, err := http.Get(base + "/api/policies/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: HTTP %d", name, resp.StatusCode)
	}
	var r apiReport
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatal(err)
	}
	return r, string(body)
}

// shownAnalysis is what /analyze/ shows, read from the page.
type shownAnalysis struct {
	Findings []struct {
		Code      string
		Line, Col int
		Text      string
	}
	Allowed []struct {
		Action string
		Badges []string
		Via    string
	}
	Unknown []string
	Summary string
	Lines   []int // the highlighted document's marked lines
}

const readAnalysisJS = `JSON.stringify({
	findings: Array.from(document.querySelectorAll("#findings-body li")).map(li => {
		const at = /\bline (\d+)(?:, column (\d+))?: /.exec(li.textContent) || []; // as the reader reads it
		return {code: li.dataset.code, line: +(at[1] || -1), col: +(at[2] || 0), text: li.textContent};
	}),
	allowed: Array.from(document.querySelectorAll("#allowed-body li[data-action]")).map(li => {
		const d = li.parentNode.closest("li.run") || li; // a run's actions share its explanation
		const own = sel => Array.from(d.querySelectorAll(":scope > " + sel));
		return {action: li.dataset.action, badges: own(".badge").map(b => b.textContent), via: own(".via").map(v => v.textContent).join(" ")};
	}),
	unknown: Array.from(document.querySelectorAll("#unknown-body tr[data-pattern]")).map(tr => tr.dataset.pattern),
	summary: document.getElementById("analysis-summary").textContent,
	lines: Array.from(document.querySelectorAll("#document-body .line.hl .ln")).map(l => +l.id.slice(1)),
})`

// setDocument puts a document in the box as a paste does, and waits for
// its analysis.
func setDocument(t *testing.T, ctx context.Context, doc, kind string) {
	t.Helper()
	run(t, ctx, chromedp.Evaluate[bool](`(() => {
		const d = document.getElementById("policy-doc"), k = document.getElementById("policy-kind");
		d.focus();
		k.value = `+jsString(kind)+`;
		d.value = `+jsString(doc)+`;
		d.dispatchEvent(new Event("input", {bubbles: true}));
		return true;
	})()`))
	waitAnalysis(t, ctx)
}

// waitAnalysis waits until the page shows the analysis of the box's
// document: the highlighted document is the box's.
func waitAnalysis(t *testing.T, ctx context.Context) {
	t.Helper()
	run(t, ctx, chromedp.Poll[bool](`(() => {
		const pre = document.querySelector("#analysis:not([hidden]) #document-body pre");
		if (!pre) return false;
		const shown = Array.from(pre.querySelectorAll(".cl")).map(c => c.textContent).join("");
		return shown === document.getElementById("policy-doc").value;
	})()`, chromedp.WithPollingTimeout(60*time.Second)))
}

// openAll opens every service of the allowed actions and waits for their
// lists (filled when opened).
func openAll(t *testing.T, ctx context.Context, want int) {
	t.Helper()
	run(t, ctx, chromedp.Evaluate[bool](`document.querySelectorAll("#allowed-body details").forEach(d => d.open = true), true`))
	run(t, ctx, chromedp.Poll[bool](fmt.Sprintf(`document.querySelectorAll("#allowed-body li[data-action]").length === %d`, want), chromedp.WithPollingTimeout(20*time.Second)))
}

func readAnalysis(t *testing.T, ctx context.Context) shownAnalysis {
	t.Helper()
	var s shownAnalysis
	if err := json.Unmarshal([]byte(run(t, ctx, chromedp.Evaluate[string](readAnalysisJS))), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// describePolicy is what `aws organizations describe-policy` prints of a
// service control policy: the document as a string, at Policy.Content.
const describePolicy = `{
    "Policy": {
        "Content": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"DenyLeave\",\"Effect\":\"Deny\",\"Action\":\"organizations:LeaveOrganization\",\"Resource\":\"*\"},{\"Effect\":\"Allow\",\"Action\":\"s3:GetObjekt\",\"Resource\":\"*\"}]}",
        "PolicySummary": {
            "Id": "p-examplepolicyid111",
            "Name": "DenyLeave",
            "Type": "SERVICE_CONTROL_POLICY",
            "AwsManaged": false
        }
    }
}`

// testHeld: a pasted document that holds its policy as a string is said
// to, at the string's line and column; the button, reached and pressed
// from the keyboard, puts the policy it holds in the box (laid out on
// lines, as an edit undo takes back) and the page analyses that.
func testHeld(t *testing.T, ctx context.Context, base string) {
	run(t, ctx, chromedp.Navigate(base+"/analyze/"))
	setDocument(t, ctx, describePolicy, "scp")
	notice := run(t, ctx, chromedp.Evaluate[string](`(n => n.hidden ? "" : n.textContent)(document.getElementById("held-notice"))`))
	if !strings.Contains(notice, "This document holds its policy as a string, at Policy.Content (line 3, column 20)") {
		t.Fatalf("the notice of a document held as a string: %q", notice)
	}
	// After the share button, Tab reaches the notice's button.
	run(t, ctx, jsFocus("#share-button"))
	run(t, ctx, chromedp.KeyEvent(kb.Tab))
	if id := run(t, ctx, chromedp.Evaluate[string](`document.activeElement.id`)); id != "held-open" {
		t.Fatalf("Tab after the share button reaches #%s, not the notice's button", id)
	}
	run(t, ctx, chromedp.KeyEvent(kb.Enter))
	run(t, ctx, chromedp.Poll[bool](`document.getElementById("policy-doc").value.startsWith('{\n  "Version": "2012-10-17"')`, chromedp.WithPollingTimeout(10*time.Second)))
	waitAnalysis(t, ctx)
	run(t, ctx, chromedp.Poll[bool](`document.getElementById("held-notice").hidden`, chromedp.WithPollingTimeout(10*time.Second)))
	got := readAnalysis(t, ctx)
	var codes []string
	for _, f := range got.Findings {
		codes = append(codes, fmt.Sprintf("%s@%d:%d", f.Code, f.Line, f.Col))
	}
	// The SCP's own finding, on a line of its own: the misspelt action in
	// the second statement, laid out at line 12 ("Action": on it).
	if !slices.Contains(codes, "UNKNOWN_ACTION@12:17") {
		t.Errorf("the policy held: findings %q, want UNKNOWN_ACTION at 12:17", codes)
	}
	if kind := run(t, ctx, chromedp.Evaluate[string](`document.getElementById("policy-kind-guess").textContent`)); kind != "Checked as a service control policy." {
		t.Errorf("the policy held: %q", kind)
	}
	// The button's edit is one undo away from the paste.
	run(t, ctx, jsFocus("#policy-doc"))
	run(t, ctx, chromedp.Evaluate[bool](`document.execCommand("undo")`))
	if v := run(t, ctx, chromedp.Evaluate[string](`document.getElementById("policy-doc").value`)); v != describePolicy {
		t.Errorf("undo after the button: the box holds %.80q, not the paste", v)
	}
	waitAnalysis(t, ctx)
	run(t, ctx, chromedp.Poll[bool](`!document.getElementById("held-notice").hidden`, chromedp.WithPollingTimeout(10*time.Second)))
	// IAM's API URL-encodes the document: said so, and decoded.
	setDocument(t, ctx, `{"PolicyVersion": {"Document": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D", "VersionId": "v1"}}`, "")
	notice = run(t, ctx, chromedp.Evaluate[string](`document.getElementById("held-text").textContent`))
	if !strings.Contains(notice, "at PolicyVersion.Document (line 1, column 32), URL-encoded as IAM's API gives it") {
		t.Errorf("the notice of a URL-encoded document: %q", notice)
	}
	run(t, ctx, jsFocus("#held-open"))
	run(t, ctx, chromedp.KeyEvent(" ")) // a button is pressed by Space too
	run(t, ctx, chromedp.Poll[bool](`document.getElementById("policy-doc").value === '{\n  "Version": "2012-10-17",\n  "Statement": []\n}'`, chromedp.WithPollingTimeout(10*time.Second)))
}

func testAnalyze(t *testing.T, ctx context.Context, base, marker string, reqs *requestLog) {
	const engineFiles = `^GET /policy-(catalog-)?[0-9a-f]+\.(wasm|pack)`
	before := reqs.matching(engineFiles)
	// Other pages load no engine; /analyze/ loads it as it opens, each
	// file once.
	run(t, ctx, chromedp.Navigate(base+"/s3/GetObject/"))
	run(t, ctx, chromedp.Sleep(500*time.Millisecond))
	if n := reqs.matching(engineFiles) - before; n != 0 {
		t.Errorf("an action page loaded %d engine files", n)
	}
	run(t, ctx, chromedp.Navigate(base+"/analyze/"))
	for end := time.Now().Add(30 * time.Second); reqs.matching(engineFiles)-before < 2 && time.Now().Before(end); {
		time.Sleep(20 * time.Millisecond)
	}
	if n := reqs.matching(engineFiles) - before; n != 2 {
		t.Errorf("/analyze/ loaded %d engine files as it opened, want 2 (the engine and its catalog)", n)
	}
	// The worker imports the loader it shares with the search's worker
	// before it asks for the engine, by the fingerprinted URL the page
	// passes on.
	if reqs.matching(`^GET /static/js/worker-load\.[0-9a-f]{10}\.js$`) == 0 {
		t.Error("/analyze/ loaded the engine without the worker's loader, static/js/worker-load.js")
	}
	defer func() {
		if n := reqs.matching(engineFiles) - before; n != 2 {
			t.Errorf("/analyze/ loaded %d engine files, want 2 (the engine and its catalog, once)", n)
		}
	}()
	for _, name := range []string{"AmazonS3ReadOnlyAccess", "AmazonChimeReadOnly", "IAMUserChangePassword", "AWSKeyManagementServicePowerUser"} {
		want, _ := apiPolicy(t, base, name)
		setDocument(t, ctx, policyDocument(t, name), "identity")
		openAll(t, ctx, len(want.Allowed))
		got := readAnalysis(t, ctx)
		if len(got.Findings) != len(want.Findings) {
			t.Errorf("%s: %d findings shown, the JSON has %d: %+v", name, len(got.Findings), len(want.Findings), got.Findings)
		}
		for i := range min(len(got.Findings), len(want.Findings)) {
			g, w := got.Findings[i], want.Findings[i]
			if g.Code != w.Code || g.Line != w.Line || g.Col != w.Col {
				t.Errorf("%s: finding %d is %s at %d:%d, the JSON's %s at %d:%d", name, i, g.Code, g.Line, g.Col, w.Code, w.Line, w.Col)
			}
			if !slices.Contains(got.Lines, w.Line) {
				t.Errorf("%s: line %d of finding %s is not marked in the document", name, w.Line, w.Code)
			}
		}
		if len(got.Allowed) != len(want.Allowed) {
			t.Fatalf("%s: %d allowed actions shown, the JSON has %d", name, len(got.Allowed), len(want.Allowed))
		}
		shown := map[string]int{}
		for i, g := range got.Allowed {
			shown[g.Action] = i
		}
		for _, w := range want.Allowed {
			i, ok := shown[w.Action]
			if !ok {
				t.Errorf("%s: %s is not shown", name, w.Action)
				continue
			}
			g := got.Allowed[i]
			var badges []string
			if w.Conditional {
				badges = append(badges, "conditional")
			}
			if w.ResourceScoped {
				badges = append(badges, "resource-scoped")
			}
			if w.PartlyDenied {
				badges = append(badges, "partly denied")
			}
			if !slices.Equal(g.Badges, badges) {
				t.Errorf("%s: %s shown with %q, the JSON says %q", name, w.Action, g.Badges, badges)
			}
			via := refsText(w.GrantedBy)
			if len(w.DeniedBy) > 0 {
				via += " denied in part by " + refsText(w.DeniedBy)
			}
			if g.Via != via {
				t.Errorf("%s: %s shown granted by %q, the JSON says %q", name, w.Action, g.Via, via)
			}
		}
		var unknown []string
		for _, u := range want.Unknown {
			unknown = append(unknown, u.Pattern)
		}
		if !slices.Equal(got.Unknown, unknown) {
			t.Errorf("%s: unknown %q, the JSON's %q", name, got.Unknown, unknown)
		}
		if !strings.HasPrefix(got.Summary, fmt.Sprintf("Allows %s action", commas(len(want.Allowed)))) {
			t.Errorf("%s: summary %q", name, got.Summary)
		}
		t.Logf("%s: %d findings, %d allowed, %d unknown, as its JSON", name, len(got.Findings), len(got.Allowed), len(got.Unknown))
	}

	// Typed, key by key, with a typo: the finding at its line and column,
	// with the did-you-mean linked to the action's page.
	run(t, ctx, chromedp.Evaluate[bool](`(() => { const d = document.getElementById("policy-doc"); d.value = ""; d.dispatchEvent(new Event("input")); return true })()`))
	run(t, ctx, chromedp.Evaluate[bool](`document.getElementById("policy-kind").value = ""; true`))
	typed := "{\"Version\": \"2012-10-17\",\n\"Statement\": [{\"Sid\": \"" + marker + "\",\n\"Effect\": \"Allow\",\n\"Action\": [\"s3:GetObjekt\", \"s3:List*\"],\n\"Resource\": \"*\"}]}"
	run(t, ctx, jsFocus("#policy-doc"))
	for _, line := range strings.Split(typed, "\n") {
		run(t, ctx, chromedp.KeyEvent(line))
		run(t, ctx, chromedp.KeyEvent(kb.Enter))
	}
	waitAnalysis(t, ctx)
	got := readAnalysis(t, ctx)
	var unknownAt *struct {
		Code      string
		Line, Col int
		Text      string
	}
	for i := range got.Findings {
		if got.Findings[i].Code == "UNKNOWN_ACTION" {
			unknownAt = &got.Findings[i]
		}
	}
	if unknownAt == nil || unknownAt.Line != 4 || unknownAt.Col != 12 || !strings.Contains(unknownAt.Text, "Nearest: s3:GetObject") {
		t.Errorf("typed document: the unknown action's finding is %+v; want line 4, column 12 with s3:GetObject nearest (all: %+v)", unknownAt, got.Findings)
	}
	if href := run(t, ctx, chromedp.Evaluate[string](`(document.querySelector("#findings-body .suggest a") || {}).href || ""`)); !strings.HasSuffix(href, "/s3/GetObject/") {
		t.Errorf("the did-you-mean links to %q", href)
	}
	if len(got.Unknown) != 1 || got.Unknown[0] != "s3:GetObjekt" {
		t.Errorf("typed document: unknown %q", got.Unknown)
	}
	if kind := run(t, ctx, chromedp.Evaluate[string](`document.getElementById("policy-kind-guess").textContent`)); kind != "Checked as an identity policy: it has no Principal." {
		t.Errorf("kind guess: %q", kind)
	}
}

func testCompare(t *testing.T, ctx context.Context, base string) {
	a, _ := apiPolicy(t, base, "AmazonS3ReadOnlyAccess")
	b, _ := apiPolicy(t, base, "AmazonS3FullAccess")
	run(t, ctx, chromedp.Navigate(base+"/analyze/"))
	setDocument(t, ctx, policyDocument(t, "AmazonS3ReadOnlyAccess"), "identity")
	inA, inB := map[string]bool{}, map[string]bool{}
	for _, x := range a.Allowed {
		inA[x.Action] = true
	}
	for _, x := range b.Allowed {
		inB[x.Action] = true
	}
	var onlyA, onlyB, both []string
	for _, x := range a.Allowed {
		if inB[x.Action] {
			both = append(both, x.Action)
		} else {
			onlyA = append(onlyA, x.Action)
		}
	}
	for _, x := range b.Allowed {
		if !inA[x.Action] {
			onlyB = append(onlyB, x.Action)
		}
	}
	// With the keyboard: the name, then Enter submits.
	run(t, ctx, jsFocus("#compare-name"))
	run(t, ctx, chromedp.KeyEvent("AmazonS3FullAccess"))
	run(t, ctx, chromedp.KeyEvent(kb.Enter))
	readCompare := func() [3][]string {
		run(t, ctx, chromedp.Poll[bool](`!!document.getElementById("compare-summary")`, chromedp.WithPollingTimeout(20*time.Second)))
		var lists [3][]string
		js := `JSON.stringify(["only-a", "only-b", "both"].map(id => Array.from(document.querySelectorAll("#compare-" + id + " li[data-action]")).map(li => li.dataset.action)))`
		if err := json.Unmarshal([]byte(run(t, ctx, chromedp.Evaluate[string](js))), &lists); err != nil {
			t.Fatal(err)
		}
		return lists
	}
	got := readCompare()
	for i, want := range [3][]string{onlyA, onlyB, both} {
		if !slices.Equal(got[i], want) {
			t.Errorf("compare with AmazonS3FullAccess, list %d: %d actions %.10q, want %d %.10q", i, len(got[i]), got[i], len(want), want)
		}
	}
	t.Logf("compare: only A %d, only B %d, both %d", len(got[0]), len(got[1]), len(got[2]))
	// A second document.
	run(t, ctx, chromedp.Evaluate[bool](`(() => {
		document.getElementById("compare-summary").remove();
		const r = document.querySelector("input[name=compare-with][value=document]");
		r.checked = true; r.dispatchEvent(new Event("change"));
		document.getElementById("compare-doc").value = '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "*"}}';
		document.getElementById("compare-run").click();
		return true;
	})()`))
	got = readCompare()
	if !slices.Equal(got[1], []string{"s3:PutObject"}) || !slices.Equal(got[2], []string{"s3:GetObject"}) || len(got[0]) != len(a.Allowed)-1 {
		t.Errorf("compare with a document: only A %d, only B %q, both %q", len(got[0]), got[1], got[2])
	}
}

func testShare(t *testing.T, ctx context.Context, base, marker string) {
	run(t, ctx, chromedp.Navigate(base+"/analyze/"))
	doc := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\"Sid\": \"" + marker + "\", \"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": \"s3:*\", \"Resource\": \"arn:aws:s3:::b/*\", \"Condition\": {\"Bool\": {\"aws:SecureTransport\": \"false\"}}}\n}"
	setDocument(t, ctx, doc, "resource")
	lctx, stopListening := context.WithCancel(ctx)
	defer stopListening()
	replaced := make(chan struct{})
	var once sync.Once
	if err := chromedp.Listen(lctx, func(ev any) {
		if _, ok := ev.(*page.EventNavigatedWithinDocument); ok {
			once.Do(func() { close(replaced) })
		}
	}); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, chromedp.Evaluate[bool](`document.querySelector("#share-button").click(), true`))
	run(t, ctx, chromedp.Poll[bool](`document.getElementById("share-url").value !== ""`, chromedp.WithPollingTimeout(10*time.Second)))
	link := run(t, ctx, chromedp.Evaluate[string](`document.getElementById("share-url").value`))
	if !strings.HasPrefix(link, base+"/analyze/#p=") || !strings.HasSuffix(link, "&kind=resource") || strings.Contains(link, marker) {
		t.Fatalf("share link %q", link)
	}
	// Navigating away must wait until chromedp has seen the
	// navigatedWithinDocument event of the button's replaceState: seen
	// late, chromedp takes it for the end of the next navigation and
	// polls a document on its way out ("Cannot find context with
	// specified id", once in CI).
	select {
	case <-replaced:
	case <-time.After(10 * time.Second):
		t.Fatal("no navigatedWithinDocument event after the share button's replaceState")
	}
	run(t, ctx, chromedp.Navigate("about:blank"))
	run(t, ctx, chromedp.Navigate(link))
	waitAnalysis(t, ctx)
	if got := run(t, ctx, chromedp.Evaluate[string](`document.getElementById("policy-doc").value`)); got != doc {
		t.Errorf("the share link opened\n%s\nwant\n%s", got, doc)
	}
	if k := run(t, ctx, chromedp.Evaluate[string](`document.getElementById("policy-kind").value`)); k != "resource" {
		t.Errorf("the share link's kind: %q", k)
	}
	t.Logf("share link: %d characters for a %d-byte document", len(link), len(doc))
}

// testIncremental holds the incremental drawing of /analyze/ to a
// drawing from scratch: after sequences of keystrokes (actions misspelt
// and mended, a Sid typed into, lines broken and joined, the JSON broken,
// a statement that takes the result over the 300 actions that open every
// service, and back), the analysis on the page is, node for node, the one
// a fresh page draws of the same final document.
func testIncremental(t *testing.T, ctx context.Context, base string, cat *catalog.Catalog) {
	shown := func() string {
		return run(t, ctx, chromedp.Evaluate[string](`document.getElementById("analysis").outerHTML + "\n" + document.getElementById("policy-kind-guess").textContent`))
	}
	type keystroke struct{ doc, kind string }
	big := timingdoc.Document(timingdoc.IDs(cat))
	var seq1, seq2 []keystroke
	for _, d := range keystrokes(big, 23) {
		seq1 = append(seq1, keystroke{d, "identity"})
	}
	cur := seq1[len(seq1)-1].doc
	broken := strings.TrimSuffix(cur, "}")
	wide := strings.Replace(cur, "\n  ]\n}", ",\n    {\"Effect\": \"Allow\", \"Action\": \"kms:*\", \"Resource\": \"*\"}\n  ]\n}", 1)
	seq2 = []keystroke{{broken, "identity"}, {cur, "identity"}, {wide, "identity"}}
	for _, d := range keystrokes(wide, 7) {
		seq2 = append(seq2, keystroke{d, "identity"})
	}
	seq2 = append(seq2, keystroke{seq2[len(seq2)-1].doc, ""}, keystroke{cur, ""}, keystroke{policyDocument(t, "AmazonS3FullAccess"), ""})
	// "s3:*" typed over as "s3:Get*": the wildcard's actions narrow.
	s3 := policyDocument(t, "AmazonS3FullAccess")
	for _, typed := range []string{`"s3:"`, `"s3:G"`, `"s3:Ge"`, `"s3:Get"`, `"s3:Get*"`} {
		seq2 = append(seq2, keystroke{strings.Replace(s3, `"s3:*"`, typed, 1), ""})
	}
	for i, seq := range [][]keystroke{seq1, seq2} {
		run(t, ctx, chromedp.Navigate(base+"/analyze/"))
		setDocument(t, ctx, policyDocument(t, "AWSKeyManagementServicePowerUser"), "")
		for _, k := range seq {
			setDocument(t, ctx, k.doc, k.kind)
		}
		incremental := shown()
		last := seq[len(seq)-1]
		run(t, ctx, chromedp.Navigate("about:blank"))
		run(t, ctx, chromedp.Navigate(base+"/analyze/"))
		setDocument(t, ctx, last.doc, last.kind)
		if scratch := shown(); incremental != scratch {
			a, b := incremental, scratch
			n := 0
			for n < min(len(a), len(b)) && a[n] == b[n] {
				n++
			}
			t.Errorf("sequence %d of %d keystrokes: the incremental drawing (%d bytes) differs from a fresh one (%d bytes) at byte %d:\nincremental …%s…\nfresh       …%s…",
				i+1, len(seq), len(a), len(b), n, a[max(0, n-200):min(len(a), n+200)], b[max(0, n-200):min(len(b), n+200)])
		} else {
			t.Logf("sequence %d: %d keystrokes, the page (%d bytes of HTML) is the fresh drawing's", i+1, len(seq), len(incremental))
		}
	}
}

// drawnJS puts a document in the box as a paste does (the value set at
// once), or, typed, as a key press does (the document must then be one
// character from the box's: typed, deleted or typed over; typed
// "pressed", it readies the key for the browser to press, as
// measurePressed does), and
// resolves, once the page shows its analysis, with the times (ms since
// the navigation) of the input event, of the analysis in the DOM, of the
// next frame's start and of the moment after that frame was drawn, and
// the page's own engine and rendering times. It reads nothing the page's
// scripts keep but the DOM, so it measures any version of the page.
const drawnJS = `((doc, kind, layout, typed) => new Promise((resolve, reject) => {
	const d = document.getElementById("policy-doc"), k = document.getElementById("policy-kind");
	const tool = document.getElementById("analyzer"), analysis = document.getElementById("analysis");
	const shown = () => {
		const pre = document.querySelector("#analysis:not([hidden]) #document-body pre");
		return d.value === doc && !!pre && Array.from(pre.querySelectorAll(".cl")).map(c => c.textContent).join("") === doc;
	};
	let t0 = 0;
	const timeout = setTimeout(() => { mo.disconnect(); reject(new Error("no analysis in 60 s")); }, 60000);
	const mo = new MutationObserver(() => {
		if (!shown()) return;
		mo.disconnect();
		clearTimeout(timeout);
		const t1 = performance.now();
		if (layout) document.documentElement.getBoundingClientRect(); // the style and layout the frame would do
		const t1l = performance.now();
		requestAnimationFrame(() => {
			const t2 = performance.now();
			setTimeout(() => (performance.mark("drawn"), resolve([t0, t1, t2, performance.now(), +(tool.dataset.engineMs || 0), +(tool.dataset.renderMs || 0), (window.iamrefPolicy || {}).loadMs || 0, t1l - t1, +(tool.dataset.goMs || 0), tool.dataset.answered === "shared" ? 1 : 0])), 0);
		});
	});
	mo.observe(analysis, {subtree: true, childList: true, attributes: true, characterData: true});
	if (k.value !== kind) k.value = kind;
	if (document.activeElement !== d) d.focus();
	if (!typed) {
		t0 = performance.now();
		d.value = doc;
		d.dispatchEvent(new Event("input", {bubbles: true}));
		return;
	}
	// Typed: the one character that differs selected, and typed over or
	// deleted as the browser's editing does for a key press (an input
	// event of inputType insertText or deleteContent).
	const old = d.value;
	let p = 0, q = 0;
	while (p < old.length && p < doc.length && old[p] === doc[p]) p++;
	while (q < old.length - p && q < doc.length - p && old[old.length - 1 - q] === doc[doc.length - 1 - q]) q++;
	if (old.length - p - q > 1 || doc.length - p - q > 1) {
		mo.disconnect();
		clearTimeout(timeout);
		reject(new Error("not one keystroke: " + (old.length - p - q) + " characters replaced by " + (doc.length - p - q)));
		return;
	}
	d.setSelectionRange(p, old.length - q);
	const typing = doc.slice(p, doc.length - q);
	if (typed === "pressed") {
		// The browser's own key press makes the edit (measurePressed),
		// timed from the keydown event's stamp.
		window.iamrefPressKey = typing === "" ? "Backspace" : typing === "\n" ? "Enter" : typing;
		d.addEventListener("keydown", e => { t0 = e.timeStamp; }, {once: true});
		return;
	}
	performance.mark("keystroke");
	t0 = performance.now();
	if (typing) document.execCommand("insertText", false, typing);
	else document.execCommand("delete");
	if (d.value !== doc) {
		mo.disconnect();
		clearTimeout(timeout);
		reject(new Error("the keystroke typed another document"));
	}
}))`

// drawn is what drawnJS measured.
type drawn struct {
	input, dom, frame, painted float64 // ms since the navigation
	engine, render, load       float64 // the page's own: engine and rendering of this analysis, the engine's load
	layout                     float64 // style and layout after the analysis was in the DOM, when asked for
	goAnalysis                 float64 // of engine, the engine's analysis in Go (the worker's own share is the rest), where the page says
	shared                     bool    // the answer was read from the memory the page shares with the worker, in the keystroke's own task
}

// measureDrawn measures an analysis; with layout, it forces the page's
// style and layout as soon as the analysis is in the DOM, to time them
// apart (the frame does the same work, later).
func measureDrawn(t *testing.T, ctx context.Context, doc, kind string, layout, typed bool) drawn {
	t.Helper()
	v := run(t, ctx, chromedp.Evaluate[[]float64](drawnJS+`(`+jsString(doc)+`, `+jsString(kind)+`, `+fmt.Sprint(layout)+`, `+fmt.Sprint(typed)+`)`, chromedp.EvalAwaitPromise))
	return drawnOf(v)
}

// drawnOf is what drawnJS resolves with.
func drawnOf(v []float64) drawn {
	return drawn{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9] == 1}
}

// measurePressed measures the analysis of a key press, made by the
// browser's own key events (Input.dispatchKeyEvent), from the keydown's
// time: what a reader's key costs, the browser's input routing included.
// drawnJS readies it ("pressed"): it selects what the key replaces and
// names the key.
func measurePressed(t *testing.T, ctx context.Context, doc string) drawn {
	t.Helper()
	key := run(t, ctx, chromedp.Evaluate[string](`(window.iamrefPressed = `+drawnJS+`(`+jsString(doc)+`, "identity", false, "pressed"), window.iamrefPressKey)`))
	switch key {
	case "Backspace":
		key = kb.Backspace
	case "Enter":
		key = kb.Enter
	}
	run(t, ctx, chromedp.KeyEvent(key))
	v := run(t, ctx, chromedp.Evaluate[[]float64](`window.iamrefPressed`, chromedp.EvalAwaitPromise))
	return drawnOf(v)
}

// percentile is the p-th percentile (nearest rank) of xs.
func percentile(xs []float64, p int) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[max(0, min(len(s)-1, i-1))]
}

// keystrokes are n documents, each one keystroke from the one before,
// starting from doc: in turn in statements spread over the document, the
// last letter of an action deleted and typed again (its actions, findings
// and unknown names change), a letter typed into a Sid (the statements
// table), a line broken and joined again (every line after it moves).
func keystrokes(doc string, n int) []string {
	var out []string
	cur := doc
	push := func(next string) {
		if next == cur {
			panic("a keystroke that changes nothing")
		}
		cur = next
		out = append(out, cur)
	}
	for c := 0; len(out) < n; c++ {
		lines := strings.Split(cur, "\n")
		// The statement on line 4+k (lines 1–3 are the head).
		k := (c * 7) % (len(lines) - 6)
		start := len(strings.Join(lines[:3+k], "\n")) + 1
		line := cur[start:][:strings.IndexByte(cur[start:], '\n')]
		q := strings.Index(line, `"Action": ["`) + len(`"Action": ["`)
		end := q + strings.IndexByte(line[q:], '"') // the first action's closing quote
		steps := []func(){
			func() { push(cur[:start+end-1] + cur[start+end:]) },
			func() { push(cur[:start+end-1] + line[end-1:end] + cur[start+end-1:]) },
			func() {
				sid := start + strings.Index(line, `"Sid": "`) + len(`"Sid": "`)
				push(cur[:sid] + "x" + cur[sid:])
			},
			func() {
				br := start + strings.Index(cur[start:], `"Effect": "Allow",`) + len(`"Effect": "Allow",`)
				push(cur[:br] + "\n" + cur[br:])
			},
			func() {
				br := start + strings.Index(cur[start:], `"Effect": "Allow",`) + len(`"Effect": "Allow",`)
				push(cur[:br] + cur[br+1:])
			},
		}
		for _, s := range steps {
			if len(out) < n {
				s()
			}
		}
	}
	return out
}

// envInt is the positive integer in the environment variable name, or def.
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// timingDocument is the timings' 10 kB policy: of every service's actions,
// or of IAMREF_WORKBENCH_SERVICES's (say "chime,s3") only.
func timingDocument(cat *catalog.Catalog) string {
	var services []string
	if v := os.Getenv("IAMREF_WORKBENCH_SERVICES"); v != "" {
		services = strings.Split(v, ",")
	}
	return timingdoc.Document(timingdoc.IDs(cat, services...))
}

// testAnalyzeTimings logs, for the notes (not asserted: the machine is
// shared), the first analysis on a cold cache (the page loaded with an
// empty cache, a managed policy pasted at once, its analysis drawn) and
// the re-analyses of a 10 kB policy, keystroke by keystroke, from the
// input event to the result drawn. IAMREF_WORKBENCH_TIMINGS=1 runs it;
// IAMREF_WORKBENCH_COLD (default 5) and IAMREF_WORKBENCH_EDITS (default
// 60) say how many of each; with IAMREF_WORKBENCH_PUBLIC it measures a
// site built elsewhere; IAMREF_WORKBENCH_SERVICES (say "chime,s3") makes
// the 10 kB policy of those services' actions only, so that a site of
// those services alone and the full site analyse the same document;
// IAMREF_WORKBENCH_EACH=1 logs every keystroke's times too (the fourth
// and fifth of every five break a line and join it).
// IAMREF_WORKBENCH_COMPARE=DIR measures keystrokes against another
// site instead (testAnalyzeTimingsAgainst). IAMREF_WORKBENCH_TRACE=FILE
// records Chromium's trace of 30 typed keystrokes more into FILE (for
// chrome://tracing or Perfetto) and logs where their time went
// (traceSummary).
func testAnalyzeTimings(t *testing.T, ctx context.Context, base string, cat *catalog.Catalog) {
	cdpDo := func(f func(ctx context.Context, tg *chromedp.Target) error) chromedp.Action[chromedp.Void] {
		return chromedp.Func(f)
	}
	cache := func(disabled bool) chromedp.Action[chromedp.Void] {
		return cdpDo(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: disabled})
			return err
		})
	}
	clearCache := cdpDo(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.ClearBrowserCache, cdp.Empty{})
		return err
	})
	doc := policyDocument(t, "AmazonS3FullAccess")
	// Pasted at once (as soon as the page has loaded), and after the page
	// has been open two seconds, as a reader who fetches the document first.
	for _, pause := range []time.Duration{0, 2 * time.Second} {
		var first, fromNav []float64
		for range envInt("IAMREF_WORKBENCH_COLD", 5) {
			run(t, ctx, chromedp.Navigate("about:blank"))
			run(t, ctx, clearCache)
			run(t, ctx, cache(true))
			run(t, ctx, chromedp.Navigate(base+"/analyze/"))
			if pause > 0 {
				run(t, ctx, chromedp.Sleep(pause))
			}
			d := measureDrawn(t, ctx, doc, "identity", false, false)
			run(t, ctx, cache(false))
			first, fromNav = append(first, d.painted-d.input), append(fromNav, d.painted)
			steps := run(t, ctx, chromedp.Evaluate[string](`(P => JSON.stringify(Object.assign({startedAt: Math.round(P.startedAt || 0), readyAt: Math.round(P.readyAt || 0)}, P.loadPhases || {})))(window.iamrefPolicy || {})`))
			t.Logf("cold: pasted %.0f ms after the navigation, in the DOM %.0f ms and drawn %.0f ms after the paste (%.0f ms after the navigation); the engine loaded in %.0f ms (the page's times since the navigation and the worker's since it started: %s)",
				d.input, d.dom-d.input, d.painted-d.input, d.painted, d.load, steps)
		}
		t.Logf("cold first analysis, pasted %s after the load, over %d loads: paste to drawn median %.0f ms, max %.0f ms; navigation to drawn median %.0f ms",
			pause, len(first), percentile(first, 50), percentile(first, 100), percentile(fromNav, 50))
	}

	big := timingDocument(cat)
	edits := keystrokes(big, envInt("IAMREF_WORKBENCH_EDITS", 60))
	// Keystrokes typed, as a key press edits the box, and in turns with
	// them keystrokes with the box's value set at once (the harness of
	// stops 21 to 23: the textarea's whole text laid out again at every
	// keystroke); in turns, so that both meet the engine equally warm.
	edits = keystrokes(big, 2*len(edits))
	run(t, ctx, chromedp.Navigate(base+"/analyze/"))
	measureDrawn(t, ctx, big, "identity", false, false)
	type times struct{ painted, dom, engine, goAnalysis, render []float64 }
	var by [2]times // typed, set at once
	how := [2]string{"typed", "set at once"}
	for i, e := range edits {
		run(t, ctx, chromedp.Sleep(100*time.Millisecond)) // a typing pause: every keystroke is analysed
		d := measureDrawn(t, ctx, e, "identity", false, i%2 == 0)
		m := &by[i%2]
		m.painted, m.dom = append(m.painted, d.painted-d.input), append(m.dom, d.dom-d.input)
		m.engine, m.goAnalysis, m.render = append(m.engine, d.engine), append(m.goAnalysis, d.goAnalysis), append(m.render, d.render)
		if os.Getenv("IAMREF_WORKBENCH_EACH") != "" {
			t.Logf("keystroke %d (%s): drawn %.1f, dom %.1f, frame start %.1f, engine %.0f (Go %.0f), render %.0f", i+1, how[i%2], d.painted-d.input, d.dom-d.input, d.frame-d.input, d.engine, d.goAnalysis, d.render)
		}
	}
	// Again, with the style and layout timed apart.
	var layout []float64
	for _, e := range edits[:min(20, len(edits))] {
		run(t, ctx, chromedp.Sleep(100*time.Millisecond))
		layout = append(layout, measureDrawn(t, ctx, e, "identity", true, false).layout)
		if os.Getenv("IAMREF_WORKBENCH_EACH") != "" {
			t.Logf("keystroke %d: layout %.1f", len(layout), layout[len(layout)-1])
		}
	}
	for k, m := range by {
		t.Logf("re-analysis of a %d-byte policy over %d keystrokes %s, from the input event: drawn p50 %.1f ms, p95 %.1f ms, max %.1f ms; in the DOM p50 %.1f ms, p95 %.1f ms; the page's own: engine p50 %.0f ms, p95 %.0f ms (Go's analysis p50 %.0f ms, p95 %.0f ms), rendering p50 %.0f ms, p95 %.0f ms",
			len(big), len(m.painted), how[k], percentile(m.painted, 50), percentile(m.painted, 95), percentile(m.painted, 100), percentile(m.dom, 50), percentile(m.dom, 95),
			percentile(m.engine, 50), percentile(m.engine, 95), percentile(m.goAnalysis, 50), percentile(m.goAnalysis, 95), percentile(m.render, 50), percentile(m.render, 95))
	}
	t.Logf("style and layout after a re-analysis drawn (%d keystrokes): p50 %.1f ms, p95 %.1f ms", len(layout), percentile(layout, 50), percentile(layout, 95))
	// IAMREF_WORKBENCH_TRACE=file: Chromium's trace of 30 typed keystrokes
	// more, each marked by a performance.mark ("keystroke") at its input.
	if file := os.Getenv("IAMREF_WORKBENCH_TRACE"); file != "" {
		measureDrawn(t, ctx, edits[0], "identity", false, false)
		traceTo(t, ctx, file, func() {
			for _, e := range edits[1:min(31, len(edits))] {
				run(t, ctx, chromedp.Sleep(100*time.Millisecond))
				measureDrawn(t, ctx, e, "identity", false, true)
			}
		})
	}
}

// testAnalyzeTimingsAgainst logs, for the notes, the re-analyses of the
// 10 kB policy on the site under test and on the site built in dir (the
// commit before, say), in blocks of 20 keystrokes that take turns between
// the two in one browser, ABBA, so that the machine's swings, which last
// longer than a block, fall on both alike (IAMREF_WORKBENCH_COMPARE=dir;
// IAMREF_WORKBENCH_BLOCKS, default 6, blocks each). Each block loads the
// page, pastes the policy, types 30 keystrokes unmeasured and pauses, so
// that each engine meets its block as warm as the other.
func testAnalyzeTimingsAgainst(t *testing.T, ctx context.Context, base, dir string, cat *catalog.Catalog) {
	other := httptest.NewServer(withCSP(t, preview.FileServer(dir)))
	defer other.Close()
	blocks := envInt("IAMREF_WORKBENCH_BLOCKS", 6)
	big := timingDocument(cat)
	const warm, per = 30, 20
	seq := keystrokes(big, warm+blocks*per)
	// IAMREF_WORKBENCH_PRESS: the typed keystrokes are pressed as the
	// browser's own key events instead (measurePressed).
	press := os.Getenv("IAMREF_WORKBENCH_PRESS") != ""
	sites := [2]struct{ name, base string }{{"this site", base}, {dir, other.URL}}
	type times struct {
		painted, dom, engine, render []float64
		shared                       int
	}
	var by [2][2]times // site; typed, set at once
	for b := range blocks {
		for k := range 2 {
			s := (b + k) % 2 // ABBA: each site first in every other block
			run(t, ctx, chromedp.Navigate(sites[s].base+"/analyze/"))
			measureDrawn(t, ctx, big, "identity", false, false)
			for i, e := range seq[:warm] {
				measureDrawn(t, ctx, e, "identity", false, i%2 == 0)
			}
			run(t, ctx, chromedp.Sleep(1500*time.Millisecond)) // the engine's settling pause
			block := seq[warm+b*per : warm+(b+1)*per]
			if b > 0 { // the box one keystroke before the block (the first follows the warm-up)
				measureDrawn(t, ctx, seq[warm+b*per-1], "identity", false, false)
			}
			for i, e := range block {
				run(t, ctx, chromedp.Sleep(100*time.Millisecond))
				var d drawn
				if press && i%2 == 0 {
					d = measurePressed(t, ctx, e)
				} else {
					d = measureDrawn(t, ctx, e, "identity", false, i%2 == 0)
				}
				m := &by[s][i%2]
				m.painted, m.dom = append(m.painted, d.painted-d.input), append(m.dom, d.dom-d.input)
				m.engine, m.render = append(m.engine, d.engine), append(m.render, d.render)
				if d.shared {
					m.shared++
				}
			}
		}
	}
	how := [2]string{"typed", "set at once"}
	if press {
		how[0] = "pressed (the browser's key events, from the keydown)"
	}
	for s, site := range sites {
		for k, m := range by[s] {
			t.Logf("%s: %d keystrokes %s of a %d-byte policy, in %d blocks taking turns: drawn p50 %.1f ms, p95 %.1f ms, max %.1f ms; in the DOM p50 %.1f ms, p95 %.1f ms; engine p50 %.0f ms, p95 %.0f ms; rendering p50 %.0f ms, p95 %.0f ms; %d answered in the keystroke's own task",
				site.name, len(m.painted), how[k], len(big), blocks, percentile(m.painted, 50), percentile(m.painted, 95), percentile(m.painted, 100),
				percentile(m.dom, 50), percentile(m.dom, 95), percentile(m.engine, 50), percentile(m.engine, 95), percentile(m.render, 50), percentile(m.render, 95), m.shared)
		}
	}
}

func basketCount(t *testing.T, ctx context.Context) string {
	t.Helper()
	return run(t, ctx, chromedp.Evaluate[string](`(() => { const c = document.getElementById("basket-count"); return c.hidden ? "" : c.dataset.count; })()`))
}

func testAddToPolicy(t *testing.T, ctx context.Context, base string) {
	run(t, ctx, chromedp.Navigate(base+"/s3/GetObject/"))
	run(t, ctx, chromedp.Evaluate[bool](`localStorage.clear(), true`))
	run(t, ctx, chromedp.Reload())
	if c := basketCount(t, ctx); c != "" {
		t.Errorf("an empty basket shows the count %q", c)
	}
	run(t, ctx, chromedp.Evaluate[bool](`document.querySelector("button.add-to-policy").click(), true`))
	if c := basketCount(t, ctx); c != "1" {
		t.Errorf("after Add to policy the header says %q", c)
	}
	if p := run(t, ctx, chromedp.Evaluate[string](`document.querySelector("button.add-to-policy").getAttribute("aria-pressed")`)); p != "true" {
		t.Errorf("the button's aria-pressed is %q", p)
	}
	// Search results: each action's row has an Add to policy button in a
	// cell of its own (a combobox with a grid popup). With the keyboard:
	// Down to a row, Right to its button, Enter; Left back, Down, and
	// Shift+Enter adds that row's action; then another with the pointer.
	// None of them follows the result's link; the box keeps the focus.
	run(t, ctx, chromedp.Navigate(base+"/chime/"))
	if c := basketCount(t, ctx); c != "1" {
		t.Errorf("on the next page the header says %q", c)
	}
	focusSearch(t, ctx)
	run(t, ctx, chromedp.KeyEvent("CreateMeeting"))
	run(t, ctx, chromedp.Poll[bool](`document.querySelectorAll("#search-results:not([hidden]) .search-kind-action button.search-add").length >= 3`, chromedp.WithPollingTimeout(30*time.Second)))
	waitComplete(t, ctx) // the results stay put from here on
	activeCell := func() string {
		return run(t, ctx, chromedp.Evaluate[string](`(() => { const id = document.getElementById("search-input").getAttribute("aria-activedescendant") || ""; const c = id && document.getElementById(id); return id + "|" + (c ? c.getAttribute("role") + "|" + c.getAttribute("aria-selected") : "") + "|" + (document.activeElement.id); })()`))
	}
	pressed := func(i int) string {
		return run(t, ctx, chromedp.Evaluate[string](fmt.Sprintf(`(b => b ? b.dataset.action + "|" + b.getAttribute("aria-pressed") + "|" + b.textContent : "")(document.querySelector("#search-add-%d button"))`, i)))
	}
	run(t, ctx, chromedp.KeyEvent(kb.ArrowDown))
	if c := activeCell(); c != "search-opt-0|gridcell|true|search-input" {
		t.Errorf("after Down: active cell %q, want the first row's link cell with the focus in the box", c)
	}
	run(t, ctx, chromedp.KeyEvent(kb.ArrowRight))
	if c := activeCell(); c != "search-add-0|gridcell|true|search-input" {
		t.Errorf("after Right: active cell %q, want the first row's button cell", c)
	}
	first := pressed(0)
	run(t, ctx, chromedp.KeyEvent(kb.Enter))
	if c := basketCount(t, ctx); c != "2" {
		t.Errorf("after Enter on %q's Add to policy the header says %q", first, c)
	}
	if p := pressed(0); !strings.HasSuffix(p, "|true|In your policy: "+strings.Split(first, "|")[0]) {
		t.Errorf("the button reads %q once pressed", p)
	}
	if loc := run(t, ctx, chromedp.Location()); loc != base+"/chime/" {
		t.Errorf("Enter on the button navigated to %s", loc)
	}
	run(t, ctx, chromedp.KeyEvent(kb.ArrowLeft))
	if c := activeCell(); c != "search-opt-0|gridcell|true|search-input" {
		t.Errorf("after Left: active cell %q, want the first row's link cell", c)
	}
	run(t, ctx, chromedp.KeyEvent(kb.ArrowDown))
	active := strings.Split(pressed(1), "|")[0]
	run(t, ctx, chromedp.KeyEvent(kb.Enter, chromedp.KeyModifiers(chromedp.ModifierShift)))
	if c := basketCount(t, ctx); c != "3" {
		t.Errorf("after Shift+Enter on %q the header says %q", active, c)
	}
	if loc := run(t, ctx, chromedp.Location()); loc != base+"/chime/" {
		t.Errorf("Shift+Enter navigated to %s", loc)
	}
	// the pointer: a real click on the third row's button
	other := strings.Split(pressed(2), "|")[0]
	box := run(t, ctx, chromedp.Evaluate[[]float64](`(r => [r.left + r.width / 2, r.top + r.height / 2])(document.querySelector("#search-add-2 button").getBoundingClientRect())`))
	run(t, ctx, chromedp.MouseClickXY(box[0], box[1]))
	if c := basketCount(t, ctx); other == "" || c != "4" {
		t.Errorf("after a click on %q's Add to policy the header says %q", other, c)
	}
	if loc := run(t, ctx, chromedp.Location()); loc != base+"/chime/" {
		t.Errorf("the button's click navigated to %s", loc)
	}
	if f := run(t, ctx, chromedp.Evaluate[string](`document.activeElement.id`)); f != "search-input" {
		t.Errorf("after the click the focus is on %q, want the box", f)
	}
	first = strings.Split(first, "|")[0]
	run(t, ctx, chromedp.Navigate(base+"/write/"))
	run(t, ctx, chromedp.Poll[bool](`document.querySelectorAll("#chosen-list li").length === 4`, chromedp.WithPollingTimeout(30*time.Second)))
	chosen := run(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#chosen-list li")).map(li => li.dataset.action)`))
	if !slices.Contains(chosen, "s3:GetObject") || !slices.Contains(chosen, first) || !slices.Contains(chosen, active) || !slices.Contains(chosen, other) {
		t.Errorf("/write/ lists %q; want s3:GetObject, %s, %s and %s", chosen, first, active, other)
	}
}

// jsFocus focuses the element sel finds, from the page's own script.
func jsFocus(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const e = document.querySelector(`+jsString(sel)+`); if (!e) return false; e.focus(); return document.activeElement === e; })()`))
		if err == nil && !ok {
			err = fmt.Errorf("could not focus %s", sel)
		}
		return err
	})
}

// writtenPolicy waits for the writer's answer to the basket and returns
// the policy's JSON and whether the page says it is exact.
func writtenPolicy(t *testing.T, ctx context.Context, after int) (string, bool) {
	t.Helper()
	run(t, ctx, chromedp.Poll[bool](fmt.Sprintf(`+(document.getElementById("writer").dataset.writes || 0) > %d && !!document.getElementById("verdict")`, after), chromedp.WithPollingTimeout(60*time.Second)))
	// Settle: the basket is what the page last wrote.
	run(t, ctx, chromedp.Sleep(200*time.Millisecond))
	doc := run(t, ctx, chromedp.Evaluate[string](`document.getElementById("policy-json-code").textContent`))
	exact := run(t, ctx, chromedp.Evaluate[string](`document.getElementById("verdict").dataset.exact`))
	return doc, exact == "true"
}

func writes(t *testing.T, ctx context.Context) int {
	return run(t, ctx, chromedp.Evaluate[int](`+(document.getElementById("writer").dataset.writes || 0)`))
}

func testWrite(t *testing.T, ctx context.Context, base string, eng *policy.Engine, cat *catalog.Catalog) {
	var all []string
	for _, s := range cat.Services {
		for _, a := range s.Actions {
			all = append(all, a.ID())
		}
	}
	rng := rand.New(rand.NewPCG(14, 14))
	run(t, ctx, chromedp.Navigate(base+"/write/"))
	for round := range 4 {
		var chosen []string
		for len(chosen) < 3+round*4 {
			if id := all[rng.IntN(len(all))]; !slices.Contains(chosen, id) {
				chosen = append(chosen, id)
			}
		}
		n := writes(t, ctx)
		js, _ := json.Marshal(chosen)
		run(t, ctx, chromedp.Evaluate[bool](`iamrefBasket.clear(), iamrefBasket.add(`+string(js)+`), true`))
		doc, exact := writtenPolicy(t, ctx, n)
		a := eng.Analyze([]byte(doc), policy.Options{Kind: policy.Identity})
		var allowed []string
		for _, g := range a.Result.Allowed {
			allowed = append(allowed, g.Action.ID())
		}
		var extra []string
		for _, x := range allowed {
			if !slices.Contains(chosen, x) {
				extra = append(extra, x)
			}
		}
		var missing []string
		for _, x := range chosen {
			if !slices.Contains(allowed, x) {
				missing = append(missing, x)
			}
		}
		shownExtra := run(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#verification .wb-extra li")).map(li => li.dataset.action)`))
		if exact != (len(extra) == 0 && len(missing) == 0) || !slices.Equal(shownExtra, extra) && !(len(shownExtra) == 0 && len(extra) == 0) {
			t.Errorf("round %d, chosen %q: the page says exact=%v and extra %q; analysed back, the policy allows %d actions: extra %q, missing %q\n%s", round, chosen, exact, shownExtra, len(allowed), extra, missing, doc)
		}
		t.Logf("round %d: %d chosen, analysed back: %d allowed, exact=%v", round, len(chosen), len(allowed), exact)
	}

	// Every List and Read action of kms, through the form and the keyboard.
	run(t, ctx, chromedp.Evaluate[bool](`iamrefBasket.clear(), true`))
	n := writes(t, ctx)
	run(t, ctx, jsFocus("#level-service"))
	run(t, ctx, chromedp.KeyEvent("kms"))
	run(t, ctx, chromedp.Evaluate[bool](`document.querySelectorAll("#level-form input[name=level]").forEach(c => c.checked = c.value === "List" || c.value === "Read"), true`))
	run(t, ctx, chromedp.KeyEvent(kb.Enter))
	doc, exact := writtenPolicy(t, ctx, n)
	var want []string
	for _, a := range cat.Service("kms").Actions {
		if l := a.EffectiveLevel(); l == catalog.List || l == catalog.Read {
			want = append(want, a.ID())
		}
	}
	chosen := run(t, ctx, chromedp.Evaluate[[]string](`iamrefBasket.actions()`))
	slices.Sort(chosen)
	slices.Sort(want)
	if !slices.Equal(chosen, want) || !exact {
		t.Errorf("every List and Read action of kms: chose %d %q, want %d; exact %v\n%s", len(chosen), chosen, len(want), exact, doc)
	}

	// A dependent action ticked with the keyboard keeps the focus and
	// joins the policy; a Remove button hands the focus on.
	var withDep []string
	for _, p := range []string{"s3", "kms", "iam", "chime", "sts"} {
		for _, a := range cat.Service(p).Actions {
			if len(a.DependentActions()) > 0 && len(withDep) < 3 {
				withDep = append(withDep, a.ID())
			}
		}
	}
	js, _ := json.Marshal(withDep)
	n = writes(t, ctx)
	run(t, ctx, chromedp.Evaluate[bool](`iamrefBasket.save({actions: `+string(js)+`}), true`))
	writtenPolicy(t, ctx, n)
	if dep := run(t, ctx, chromedp.Evaluate[string](`(document.querySelector("#dependent-body input[type=checkbox]") || {dataset: {}}).dataset.action || ""`)); dep != "" {
		n = writes(t, ctx)
		run(t, ctx, jsFocus("#dep-0"))
		run(t, ctx, chromedp.KeyEvent(" "))
		doc, _ = writtenPolicy(t, ctx, n)
		if !strings.Contains(doc, `"`+dep+`"`) || run(t, ctx, chromedp.Evaluate[string](`document.activeElement.id`)) != "dep-0" {
			t.Errorf("ticking the dependent action %s: focus on %q, policy\n%s", dep, run(t, ctx, chromedp.Evaluate[string](`document.activeElement.id`)), doc)
		}
	} else {
		t.Errorf("no dependent action offered for %q", withDep)
	}
	run(t, ctx, jsFocus("#chosen-list button.wb-remove"))
	run(t, ctx, chromedp.KeyEvent(kb.Enter))
	if left := run(t, ctx, chromedp.Evaluate[[]string](`[iamrefBasket.actions().length + "", document.activeElement.getAttribute("aria-label") || document.activeElement.id]`)); left[0] != fmt.Sprint(len(withDep)-1) || !strings.HasPrefix(left[1], "Remove ") {
		t.Errorf("after Remove with the keyboard: %q", left)
	}

	// A resource's variable, and the Terraform.
	run(t, ctx, chromedp.Evaluate[bool](`iamrefBasket.clear(), iamrefBasket.add(["s3:GetObject", "s3:ListBucket"]), true`))
	run(t, ctx, chromedp.Poll[bool](`!!document.querySelector("input[data-type='s3:object'][data-variable=BucketName]")`, chromedp.WithPollingTimeout(30*time.Second)))
	n = writes(t, ctx)
	run(t, ctx, jsFocus(`input[data-type='s3:object'][data-variable=BucketName]`))
	run(t, ctx, chromedp.Evaluate[bool](`document.activeElement.select(), true`))
	run(t, ctx, chromedp.KeyEvent("reports"))
	run(t, ctx, chromedp.Poll[bool](`document.getElementById("policy-json-code").textContent.includes(":::reports/")`, chromedp.WithPollingTimeout(20*time.Second)))
	doc, exact = writtenPolicy(t, ctx, n)
	tf := run(t, ctx, chromedp.Evaluate[string](`document.getElementById("policy-terraform-code").textContent`))
	if !exact || !strings.Contains(doc, `"arn:*:s3:::reports/*"`) || !strings.Contains(tf, `data "aws_iam_policy_document"`) {
		t.Errorf("with BucketName=reports: exact %v\n%s\n%s", exact, doc, tf)
	}
}

func testWorkbenchAccessibility(t *testing.T, ctx context.Context, base, axe string) {
	setWidth := func(w int64) {
		run(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: w, Height: 844, DeviceScaleFactor: 1, Mobile: w < 500})
			return err
		}))
	}
	defer setWidth(1280)
	for _, w := range []int64{390, 1280} {
		setWidth(w)
		for _, scheme := range []string{"light", "dark"} {
			run(t, ctx, colorScheme(scheme))
			for _, p := range []string{"/analyze/", "/write/"} {
				run(t, ctx, chromedp.Navigate(base+p))
				if p == "/analyze/" {
					setDocument(t, ctx, policyDocument(t, "AWSKeyManagementServicePowerUser"), "")
					run(t, ctx, chromedp.Evaluate[bool](`document.getElementById("compare-name").value = "AmazonS3ReadOnlyAccess", document.getElementById("compare-run").click(), true`))
					run(t, ctx, chromedp.Poll[bool](`!!document.getElementById("compare-summary")`, chromedp.WithPollingTimeout(20*time.Second)))
				} else {
					run(t, ctx, chromedp.Evaluate[bool](`iamrefBasket.clear(), iamrefBasket.add(["s3:GetObject", "kms:Decrypt", "s3:ListAllMyBuckets"]), true`))
					writtenPolicy(t, ctx, 0)
				}
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
						t.Errorf("%s at %d px, %s theme: %s %s: %s\n\t%s", p, w, scheme, v.Impact, v.ID, v.Help, strings.Join(v.Targets, "\n\t"))
					}
				}
				if over := run(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - document.documentElement.clientWidth`)); over > 0 {
					t.Errorf("%s at %d px: the page is %d px wider than the screen", p, w, over)
				}
			}
		}
	}
	run(t, ctx, colorScheme("light"))
	// Tab alone reaches the document box, from the top of /analyze/.
	run(t, ctx, chromedp.Navigate(base+"/analyze/"))
	for i := 0; ; i++ {
		if i == 40 {
			t.Fatal("40 Tabs did not reach the document box")
		}
		run(t, ctx, chromedp.KeyEvent("\t"))
		if run(t, ctx, chromedp.Evaluate[string](`document.activeElement.id`)) == "policy-doc" {
			t.Logf("Tab reaches the document box at stop %d", i+1)
			break
		}
	}
}

func testWorkbenchNoJS(t *testing.T, ctx context.Context, base string) {
	setJS := func(disabled bool) {
		run(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: disabled})
			return err
		}))
	}
	setJS(true)
	defer setJS(false)
	for _, c := range []struct{ page, cli string }{{"/analyze/", "go run ./cmd/policy analyze"}, {"/write/", "go run ./cmd/policy write"}} {
		run(t, ctx, chromedp.Navigate(base+c.page))
		html := run(t, ctx, chromedp.OuterHTML(".wb-nojs"))
		if !strings.Contains(html, c.cli) {
			t.Errorf("%s without JavaScript: %s", c.page, html)
		}
		// Shown: the note has a box (with scripts on it would be text in
		// <noscript>, not an element).
		dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		_, err := chromedp.Run(dctx, chromedp.Dimensions(".wb-nojs"))
		cancel()
		if err != nil {
			t.Errorf("%s without JavaScript: the explanation is not shown (%v)", c.page, err)
		}
		if attrs := run(t, ctx, chromedp.Attributes(".workbench")); attrs["hidden"] != "" || !hasKey(attrs, "hidden") {
			t.Errorf("%s without JavaScript shows the tool, which needs it: %v", c.page, attrs)
		}
	}
}

func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}
