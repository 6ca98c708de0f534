//go:build !js

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/catalogpack"
	"github.com/iamref/iamref/builder/leastprivilege"
	"github.com/iamref/iamref/builder/policy"
	"github.com/iamref/iamref/builder/policyreport"
	"github.com/iamref/iamref/builder/search/wasmbuild"
	"github.com/iamref/iamref/internal/browsertest"
	"github.com/iamref/iamref/internal/timingdoc"
)

const module = "github.com/iamref/iamref/"

// goList lists the package for js/wasm with the go tool.
func goList(t *testing.T, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list"}, args...)...)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %q: %v", args, err)
	}
	return out
}

// TestImports: the engine imports the policy engine, the catalog's
// decoder and the two JSON writers of the module, and nothing of the
// site: not site, markup, chroma, goldmark or bleve, which would make it
// large (or not compile for js).
func TestImports(t *testing.T) {
	var p struct{ Imports, Deps []string }
	if err := json.Unmarshal(goList(t, "-json=Imports,Deps", "."), &p); err != nil {
		t.Fatal(err)
	}
	var direct []string
	for _, i := range p.Imports {
		if strings.HasPrefix(i, module) {
			direct = append(direct, strings.TrimPrefix(i, module))
		}
	}
	slices.Sort(direct)
	if want := []string{"builder/catalogpack", "builder/leastprivilege", "builder/policy", "builder/policyreport"}; !slices.Equal(direct, want) {
		t.Errorf("imports of the module %q, want %q", direct, want)
	}
	for _, d := range p.Deps {
		for _, bad := range []string{module + "builder/site", module + "builder/markup", module + "builder/search", "github.com/alecthomas/chroma", "github.com/yuin/goldmark", "github.com/blevesearch"} {
			if d == bad || strings.HasPrefix(d, bad+"/") {
				t.Errorf("depends on %s", d)
			}
		}
	}
}

// The shipped catalog and its engine, for the browser test's expected
// results.
func shipped(t *testing.T) (*policy.Engine, []byte) {
	t.Helper()
	c, err := catalog.Load(os.DirFS("../../content"))
	if err != nil {
		t.Fatal(err)
	}
	pack := catalogpack.Encode(c)
	dc, err := catalogpack.Decode(pack)
	if err != nil {
		t.Fatal(err)
	}
	return policy.NewEngine(dc), pack
}

// harness is the page the browser test runs the engine in: it loads Go's
// wasm_exec.js and the engine, then the catalog, and reports in
// window.state.
const harness = `<!doctype html><html><head><meta charset="utf-8"><title>policywasm</title>
<script src="wasm_exec.js"></script>
<script>
window.state = "starting";
window.__iamrefPolicyReady = async () => {
  try {
    const t0 = performance.now();
    const pack = new Uint8Array(await (await fetch("catalog.pack")).arrayBuffer());
    const t1 = performance.now();
    const err = __iamrefPolicyLoad(pack);
    window.fetchMs = t1 - t0;
    window.loadMs = performance.now() - t1;
    window.state = err === "" ? "ready" : "load: " + err;
  } catch (e) { window.state = "error: " + e; }
};
const go = new Go();
if (location.search === "?gctrace") {
  // The collector's lines, for the test of the collection at a pause.
  go.env = {GODEBUG: "gctrace=1"};
  window.gcLines = [];
  const log = console.log;
  console.log = (...args) => {
    for (const line of args.join(" ").split("\n")) if (line.startsWith("gc ")) window.gcLines.push(line);
    log(...args);
  };
}
WebAssembly.instantiateStreaming(fetch("policy.wasm"), go.importObject)
  .then(r => { window.memory = r.instance.exports.mem; go.run(r.instance); }).catch(e => { window.state = "error: " + e; });
</script></head><body></body></html>`

// TestBrowser runs the engine in headless Chromium (no Node): every
// function of the contract gives the bytes the same Go code gives here,
// on the shipped catalog, and bad arguments give errors, not exceptions.
func TestBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	root, err := wasmbuild.ModuleRoot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	job, err := wasmbuild.StartTarget(context.Background(), wasmbuild.Policy, root, filepath.Join(root, ".cache", "wasm"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := job.Wait()
	if err != nil {
		t.Fatal(err)
	}
	eng, pack := shipped(t)
	mux := http.NewServeMux()
	serve := func(path, typ string, data []byte) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", typ)
			w.Write(data)
		})
	}
	serve("/", "text/html; charset=utf-8", []byte(harness))
	serve("/wasm_exec.js", "text/javascript", files.WasmExec)
	serve("/policy.wasm", "application/wasm", files.Wasm)
	serve("/catalog.pack", "application/octet-stream", pack)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	openHarness(t, ctx, srv.URL+"/")
	timing, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`[window.fetchMs, window.loadMs]`))
	if err != nil {
		t.Fatal(err)
	}
	call := func(fn string, args ...string) string {
		t.Helper()
		js, _ := json.Marshal(args)
		out, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`%s(...%s)`, fn, js)))
		if err != nil {
			t.Fatalf("%s: %v", fn, err)
		}
		return out
	}

	managed, err := policy.LoadManaged(os.DirFS("../../content"))
	if err != nil {
		t.Fatal(err)
	}
	doc := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["s3:GetObjekt", "s3:List*", "iam:PassRole"], "Resource": "*"}}`
	// The Analyze cases: a document and each option, a syntax error, a
	// document with characters outside the BMP, and managed policies.
	type analysis struct {
		doc, opts string
		want      policy.Options
		name      string
	}
	cases := []analysis{
		{doc, ``, policy.Options{}, ""},
		{doc, `{"kind": "scp", "name": "mine.json"}`, policy.Options{Kind: policy.SCP}, "mine.json"},
		{`{"Statement": [`, `{"kind": "identity"}`, policy.Options{Kind: policy.Identity}, ""},
		{"{\"Version\": \"2012-10-17\", \"Statement\": {\"Sid\": \"\U0001F600\", \"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:GetObjekt\"}}", ``, policy.Options{}, ""},
		// As aws iam get-policy-version prints it: the document inside.
		{`{"PolicyVersion": {"Document": ` + doc + `, "VersionId": "v1"}}`, ``, policy.Options{}, ""},
		// As aws organizations describe-policy prints an SCP: the document
		// as a string, which analysis says it holds, and analyze refuses.
		{describePolicy, `{"kind": "scp"}`, policy.Options{Kind: policy.SCP}, ""},
	}
	for i := 0; i < len(managed); i += 97 {
		cases = append(cases, analysis{string(managed[i].Document), `{"kind": "identity"}`, policy.Options{Kind: policy.Identity}, ""})
	}
	for i, c := range cases {
		text, held := policy.Unwrap([]byte(c.doc))
		want := string(policyreport.Encode(policyreport.Subject{Kind: policyreport.Document, Name: c.name}, eng.Analyze(text, c.want), eng.Catalog().Snapshot))
		if held != nil {
			want = `{"error":"3:20: the policy document is a string, at Policy.Content: decode it and give the document itself"}` + "\n"
		}
		if got := call("__iamrefPolicyAnalyze", c.doc, c.opts); got != want {
			t.Errorf("analyze %d: got %.300s\nwant %.300s", i, got, want)
		}
		subject := policyreport.Subject{Kind: policyreport.Document, Name: c.name, Held: held}
		want = string(policyreport.EncodeAnalysis(subject, eng.Analyze(text, c.want), eng.Catalog()))
		if got := call("__iamrefPolicyAnalysis", c.doc, c.opts); got != want {
			t.Errorf("analysis %d: got %.300s\nwant %.300s", i, got, want)
		}
	}

	// A report too long to write (policyreport.MaxSize): an error at its
	// statement, as the command line says it.
	long := "{\"Version\": \"2012-10-17\",\n  \"Statement\": {\"Sid\": \"" + strings.Repeat("L", 20000) + "\", \"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}}"
	o := policyreport.CheckSize(eng.Analyze([]byte(long), policy.Options{}), policyreport.MaxBrowserSize)
	if o == nil {
		t.Fatal("a Sid of 20,000 characters on every action: no Oversize")
	}
	tooLong, _ := json.Marshal(map[string]string{"error": fmt.Sprintf("2:16: %v", o)})
	for _, fn := range []string{"__iamrefPolicyAnalyze", "__iamrefPolicyAnalysis"} {
		if got := call(fn, long, ``); got != string(tooLong)+"\n" {
			t.Errorf("%s of a document whose report is too long: got %.300s\nwant %s", fn, got, tooLong)
		}
	}

	// Compare: two documents, and a document with a managed policy's report.
	admin := managed[slices.IndexFunc(managed, func(p *policy.ManagedPolicy) bool { return p.Name == "ReadOnlyAccess" })]
	report := string(policyreport.Encode(policyreport.Subject{Kind: policyreport.Managed, Name: admin.Name},
		eng.Analyze(admin.Document, policy.Options{Kind: policy.Identity, AWSManaged: true}), eng.Catalog().Snapshot))
	for _, b := range []string{`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}}`, report} {
		sa, _ := policyreport.DocumentOrReport(eng, "mine", []byte(doc), policy.Options{})
		sb, _ := policyreport.DocumentOrReport(eng, "mine", []byte(b), policy.Options{})
		want := string(policyreport.EncodeComparison(sa, sb, eng.Catalog().Snapshot))
		if got := call("__iamrefPolicyCompare", doc, b, `{"name": "mine"}`); got != want {
			t.Errorf("compare: got %.300s\nwant %.300s", got, want)
		}
	}

	if got, want := call("__iamrefPolicyCompare", doc, describePolicy, ``), `{"error":"b: 3:20: the policy document is a string, at Policy.Content: decode it and give the document itself"}`+"\n"; got != want {
		t.Errorf("compare with a held document: got %s\nwant %s", got, want)
	}

	// Write: a spec with every field.
	spec := leastprivilege.Spec{Actions: []string{"s3:GetObject", "s3:List*", "s3:GetObjekt"}, Levels: []leastprivilege.ServiceLevels{{Service: "kms", Levels: []catalog.AccessLevel{"List"}}},
		Exclude: []string{"s3:ListAllMyBuckets"}, Resources: []leastprivilege.Resource{{Type: "s3:object", Values: map[string]string{"BucketName": "reports"}}, {Type: "s3:bucket", ARNs: []string{"arn:aws:s3:::reports"}}},
		Dependent: []string{"kms:Decrypt"}, Name: "reports"}
	js, _ := json.Marshal(spec)
	want := string(leastprivilege.Encode(leastprivilege.Write(eng, spec), eng.Catalog().Snapshot))
	if got := call("__iamrefPolicyWrite", string(js)); got != want {
		t.Errorf("write: got %.300s\nwant %.300s", got, want)
	}

	// Expand.
	for _, p := range []string{"s3:Get*", "IAM:passrole", "s3:GetObjekt"} {
		if got, want := call("__iamrefPolicyExpand", p), string(policyreport.EncodeExpansion(eng, p)); got != want {
			t.Errorf("expand %s: got %s\nwant %s", p, got, want)
		}
	}

	// Errors are results.
	for _, c := range []struct{ expr, want string }{
		{`__iamrefPolicyAnalyze("{}", "{\"kind\": \"group\"}")`, `{"error":"options: kind \"group\": want identity, resource, scp or \"\""}` + "\n"},
		{`__iamrefPolicyAnalyze("{}", "{\"knd\": 1}")`, `{"error":"options: json: unknown field \"knd\""}` + "\n"},
		{`__iamrefPolicyAnalyze(42)`, `{"error":"argument 1 is a number, not a string"}` + "\n"},
		{`__iamrefPolicyAnalysis("{}", "{\"kind\": \"group\"}")`, `{"error":"options: kind \"group\": want identity, resource, scp or \"\""}` + "\n"},
		{`__iamrefPolicyWrite("{\"actions\": \"s3:GetObject\"}")`, `{"error":"spec: json: cannot unmarshal string into Go struct field Spec.actions of type []string"}` + "\n"},
		{`__iamrefPolicyCompare("{}", "{\"schema\": \"iamref.policy.v1\", \"allowed\": 3}")`, `{"error":"b: not an iamref.policy.v1 report: json: cannot unmarshal number into Go struct field .allowed of type []struct { Action string }"}` + "\n"},
		{`__iamrefPolicyLoad(new Uint8Array([1, 2, 3]))`, ``},
	} {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](c.expr))
		if err != nil {
			t.Fatalf("%s: %v", c.expr, err)
		}
		if c.want == "" {
			if got == "" {
				t.Errorf("%s: loaded", c.expr)
			}
			continue
		}
		if got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.expr, got, c.want)
		}
	}
	// A failed load keeps the loaded catalog.
	if got := call("__iamrefPolicyExpand", "s3:GetObject"); !strings.Contains(got, `"s3:GetObject"`) {
		t.Errorf("after a failed load: %s", got)
	}
	// Timings, for the notes (not asserted: a shared machine): the first
	// analysis, then re-analyses of a managed policy of about 10 KB.
	var ten *policy.ManagedPolicy
	for _, p := range managed {
		if len(p.Document) >= 9000 && len(p.Document) <= 11000 {
			ten = p
			break
		}
	}
	times, err := analyzeTimes(ctx, string(ten.Document), 41)
	if err != nil {
		t.Fatal(err)
	}
	first, rest := times[0], slices.Clone(times[1:])
	slices.Sort(rest)
	t.Logf("%s (%d bytes): first analysis %.1f ms, re-analysis median %.1f ms, p95 %.1f ms over %d", ten.Name, len(ten.Document), first, rest[len(rest)/2], rest[len(rest)*95/100], len(rest))
	// The /analyze/ page's timing document (builder/site's TestWorkbench):
	// 10 kB, 50 statements of six actions named in full, a third with
	// conditions, 300 actions allowed; in the browser and natively.
	wide := timingdoc.Document(timingdoc.IDs(eng.Catalog(), "s3", "chime", "iam", "kms", "sts"))
	wtimes, err := analyzeTimes(ctx, wide, 121)
	if err != nil {
		t.Fatal(err)
	}
	var native []float64
	for i := range 41 {
		t0 := time.Now()
		a := eng.Analyze([]byte(wide+strings.Repeat(" ", i%2)), policy.Options{Kind: policy.Identity})
		policyreport.Encode(policyreport.Subject{Kind: policyreport.Document}, a, eng.Catalog().Snapshot)
		native = append(native, float64(time.Since(t0).Microseconds())/1000)
	}
	wrest, nrest := slices.Clone(wtimes[1:]), slices.Clone(native[1:])
	slices.Sort(wrest)
	slices.Sort(nrest)
	t.Logf("the /analyze/ timing document (%d bytes): re-analysis in the browser median %.1f ms, p95 %.1f ms, max %.1f ms over %d; natively median %.1f ms, p95 %.1f ms",
		len(wide), wrest[len(wrest)/2], wrest[len(wrest)*95/100], wrest[len(wrest)-1], len(wrest), nrest[len(nrest)/2], nrest[len(nrest)*95/100])
	t.Logf("catalog fetched in %.0f ms (localhost, uncompressed), loaded in %.0f ms; engine %d kB (%d kB brotli), catalog %d kB; %s", timing[0], timing[1], len(files.Wasm)/1000, len(files.WasmBrotli)/1000, len(pack)/1000, runtime.Version())

	// The heap is grown to its working size at once at the first pause
	// after the load (settle, here after 20 calls, which turned the
	// collector on): keystrokes after it do not grow the WebAssembly
	// memory step by step. Without it, the 121 analyses of the timing
	// document grew it by some 45 MB.
	openHarness(t, ctx, srv.URL+"/")
	// main.go's collectCalls: the 20th call turns the collector on; then
	// a pause longer than collectPause.
	if _, err := analyzeTimes(ctx, `{"Version": "2012-10-17", "Statement": []}`, 20); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Sleep(1500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	memory := func() int {
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.memory.buffer.byteLength`))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := memory()
	if _, err := analyzeTimes(ctx, wide, 121); err != nil {
		t.Fatal(err)
	}
	after := memory()
	t.Logf("WebAssembly memory after 20 calls and a pause %d MB, after 121 analyses more %d MB", before>>20, after>>20)
	if after-before > 8<<20 {
		t.Errorf("121 analyses after the heap was settled grew the WebAssembly memory from %d to %d MB", before>>20, after>>20)
	}

	// Once settled, the collection waits for a pause (main.go's
	// collectIdle): bursts of analyses with short pauses between them,
	// then a pause longer than idlePause, until the heap is past
	// idleShare of its way to the goal. The collector's trace shows the
	// collection forced at a pause, and none at the goal (inside a call):
	// a burst allocates about a quarter of the way, so a pause comes before
	// the goal.
	openHarness(t, ctx, srv.URL+"/?gctrace")
	if _, err := analyzeTimes(ctx, `{"Version": "2012-10-17", "Statement": []}`, 20); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Sleep(1500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	gcLines := func() []string {
		lines, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.gcLines`))
		if err != nil {
			t.Fatal(err)
		}
		return lines
	}
	settledLines := len(gcLines())
	if settledLines == 0 {
		t.Fatal("no collector trace after settle: the test sees nothing")
	}
	var idle []string
	for burst := 0; burst < 12 && idle == nil; burst++ {
		for range 4 {
			if _, err := analyzeTimes(ctx, wide, 25); err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.Run(ctx, chromedp.Sleep(40*time.Millisecond)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := chromedp.Run(ctx, chromedp.Sleep(600*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		for _, line := range gcLines()[settledLines:] {
			if !strings.HasSuffix(line, "(forced)") {
				t.Fatalf("after %d bursts of 100 analyses, a collection at the goal, inside a call: %s", burst+1, line)
			}
			idle = append(idle, line)
		}
		if idle != nil {
			t.Logf("after %d bursts of 100 analyses, the collection at a pause: %s", burst+1, idle[0])
		}
	}
	if idle == nil {
		t.Error("12 bursts of 100 analyses, each followed by a pause, and no collection at a pause")
	}
}

// openHarness loads the harness page, a new engine, and waits until its
// catalog is loaded.
func openHarness(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`window.state !== "starting"`, chromedp.WithPollingTimeout(60*time.Second))); err != nil {
		t.Fatal(err)
	}
	if state, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.state`)); err != nil || state != "ready" {
		t.Fatalf("the engine: %s (%v)", state, err)
	}
}

// analyzeTimes analyses doc n times in the page, each time one space
// longer or shorter (a keystroke), and returns each call's time in ms.
func analyzeTimes(ctx context.Context, doc string, n int) ([]float64, error) {
	docJS, _ := json.Marshal(doc) // a string always encodes
	return chromedp.Run(ctx, chromedp.Evaluate[[]float64](fmt.Sprintf(`(() => {
		const d = %s, out = [];
		for (let i = 0; i < %d; i++) {
			const t = performance.now();
			__iamrefPolicyAnalyze(d + " ".repeat(i %% 2), '{"kind": "identity"}');
			out.push(performance.now() - t);
		}
		return out;
	})()`, docJS, n)))
}

// describePolicy is what `aws organizations describe-policy` prints of a
// service control policy: the document as a string, at Policy.Content.
const describePolicy = `{
    "Policy": {
        "Content": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"DenyLeaveOrg\",\"Effect\":\"Deny\",\"Action\":\"organizations:LeaveOrganization\",\"Resource\":\"*\"}]}",
        "PolicySummary": {
            "Id": "p-examplepolicyid111",
            "Arn": "arn:aws:organizations::111111111111:policy/o-exampleorgid/service_control_policy/p-examplepolicyid111",
            "Name": "DenyLeaveOrg",
            "Description": "",
            "Type": "SERVICE_CONTROL_POLICY",
            "AwsManaged": false
        }
    }
}`
