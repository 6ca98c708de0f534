package site

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/iamref/iamref/builder/preview"
	"github.com/iamref/iamref/builder/search"
	"github.com/iamref/iamref/builder/search/query"
	"github.com/iamref/iamref/internal/browsertest"
)

// TestCompareSearch is a measurement, not a test: it builds the full site
// with search (or takes IAMREF_PUBLIC, a site built by go run ./cmd/build),
// indexes the same pages with Pagefind (npm package pagefind, installed into
// .cache/npm when missing), and reports side by side, in headless Chromium
// against the preview server on localhost: the bytes fetched for the first
// query, first keystroke (or first query) to first results on a cold
// cache, warm query latency, and hits in the top 3 on the relevance set
// (builder/search/testdata/relevance.txt). Nothing here fails on a number.
//
//	IAMREF_COMPARE=1 go test ./builder/site -run TestCompareSearch -v -timeout 30m
func TestCompareSearch(t *testing.T) {
	if os.Getenv("IAMREF_COMPARE") == "" {
		t.Skip("a measurement (several minutes): IAMREF_COMPARE=1 go test ./builder/site -run TestCompareSearch -v -timeout 30m")
	}
	out := os.Getenv("IAMREF_PUBLIC")
	buildNote := "(IAMREF_PUBLIC: built before)"
	if out == "" {
		root, _ := filepath.Abs("../..")
		out = filepath.Join(t.TempDir(), "public")
		var progress bytes.Buffer
		stats, err := Build(context.Background(), Config{Content: os.DirFS("../../content"), Out: out, Search: true, ModuleRoot: root, Progress: &progress})
		if err != nil {
			t.Fatal(err)
		}
		buildNote = fmt.Sprintf("full build %s", stats.Duration.Round(time.Millisecond))
		for _, l := range strings.Split(progress.String(), "\n") {
			if strings.HasPrefix(l, "search: ") {
				buildNote += "; " + l
			}
		}
	}
	t.Log(buildNote)
	m, err := search.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := os.ReadFile(filepath.Join(out, m.Index))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	eng, err := query.Open(idx)
	if err != nil {
		t.Fatal(err)
	}
	openTime := time.Since(start)
	cases := relevanceCases(t)

	// Pagefind indexes the same pages into a directory of its own.
	skipPF := os.Getenv("IAMREF_PAGEFIND") == "0"
	pfBin := "true"
	if !skipPF {
		pfBin = pagefindBinary(t)
	}
	pfOut := filepath.Join(t.TempDir(), "pagefind")
	start = time.Now()
	cmd := exec.Command(pfBin, "--site", out, "--output-path", pfOut)
	if skipPF {
		cmd = exec.Command("true")
	}
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pagefind: %v\n%s", err, b)
	}
	pfIndexTime := time.Since(start)
	pfVersion, _ := exec.Command(pfBin, "--version").Output()

	var served atomic.Int64
	mux := http.NewServeMux()
	mux.Handle("/pagefind/", http.StripPrefix("/pagefind/", http.FileServer(http.Dir(pfOut))))
	mux.HandleFunc("/__compare/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!doctype html><title>compare</title><p>compare</p>")
	})
	mux.Handle("/", preview.FileServer(out))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(&countingWriter{ResponseWriter: w, n: &served}, r)
	}))
	defer srv.Close()

	ours := measureOurs(t, srv.URL, &served, cases)
	if skipPF {
		t.Logf("iamref: %s for the first query, %s to first results, warm p50 %s, p95 %s", kB(ours.firstBytes), ms(ours.first), ms(pct(ours.warm, 50)), ms(pct(ours.warm, 95)))
		return
	}
	pf := measurePagefind(t, srv.URL, &served, cases)

	// natively
	var native []time.Duration
	nativeHits := 0
	for rep := 0; rep < 5; rep++ {
		for _, c := range cases {
			s := time.Now()
			r := eng.Search(c.query, 10)
			native = append(native, time.Since(s))
			if rep == 0 && topHas(hitIDs(r.Hits, 3), c.want) {
				nativeHits++
			}
		}
	}
	// The relevance set names ids; Pagefind returns pages: an id counts as
	// found when its page is among the top 3 pages.
	pfHits := 0
	for i, c := range cases {
		var wantURLs []string
		for _, id := range c.want {
			u := ""
			for _, h := range eng.Search(id, 5).Hits {
				if h.ID == id {
					u = h.URL
					break
				}
			}
			wantURLs = append(wantURLs, strings.SplitN(u, "#", 2)[0])
		}
		if topHas(pf.top[i], wantURLs) {
			pfHits++
		}
	}
	oursHits := 0
	for i, c := range cases {
		if topHas(ours.top[i], c.want) {
			oursHits++
		} else {
			t.Logf("iamref misses %q: top 3 %v, want %v", c.query, ours.top[i], c.want)
		}
	}

	dirSize := func(dir string) (n int64) {
		_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() {
				n += info.Size()
			}
			return nil
		})
		return n
	}
	wasmBr, _ := os.Stat(filepath.Join(out, m.Wasm+".br"))
	idxBr, _ := os.Stat(filepath.Join(out, m.Index+".br"))
	n := len(cases)
	var b strings.Builder
	fmt.Fprintf(&b, "\n| full catalog, headless Chromium, localhost | iamref (bleve in Go → WebAssembly) | Pagefind %s |\n| --- | --- | --- |\n", strings.TrimSpace(strings.TrimPrefix(string(pfVersion), "pagefind ")))
	fmt.Fprintf(&b, "| bytes fetched for the first query (cold cache) | %s | %s |\n", kB(ours.firstBytes), kB(pf.firstBytes))
	fmt.Fprintf(&b, "| first keystroke (Pagefind: first query) to first results, cold | %s | %s |\n", ms(ours.first), ms(pf.first))
	fmt.Fprintf(&b, "| warm query in the browser, p50 / p95 (%d queries × 5) | %s / %s | %s / %s |\n", n, ms(pct(ours.warm, 50)), ms(pct(ours.warm, 95)), ms(pct(pf.warm, 50)), ms(pct(pf.warm, 95)))
	fmt.Fprintf(&b, "| hits in the top 3, relevance set | %d of %d (%.0f%%) | %d of %d (%.0f%%) |\n", oursHits, n, 100*float64(oursHits)/float64(n), pfHits, n, 100*float64(pfHits)/float64(n))
	fmt.Fprintf(&b, "| index build | see the build line above | %s |\n", pfIndexTime.Round(100*time.Millisecond))
	fmt.Fprintf(&b, "| on disk (compressed as served) | wasm %s + index %s (brotli) | %s (%s files) |\n", kB(wasmBr.Size()), kB(idxBr.Size()), kB(dirSize(pfOut)), commas(int(countFiles(pfOut))))
	fmt.Fprintf(&b, "| natively: open the index; query p50 / p95 | %s; %s / %s | — |\n", ms(openTime), ms(pct(native, 50)), ms(pct(native, 95)))
	fmt.Fprintf(&b, "| natively, hits in the top 3 | %d of %d | — |\n", nativeHits, n)
	t.Log(b.String())
}

type countingWriter struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n.Add(int64(len(p)))
	return w.ResponseWriter.Write(p)
}

type measured struct {
	firstBytes int64
	first      time.Duration
	warm       []time.Duration
	top        [][]string // per relevance case: top 3 ids (ours) or page URLs (Pagefind)
}

func measureOurs(t *testing.T, base string, served *atomic.Int64, cases []relevanceCase) measured {
	ctx := browsertest.New(t) // a fresh profile: a cold cache
	run(t, ctx, chromedp.Navigate(base+"/"))
	// The first keystroke is "/", which focuses the box and starts the
	// download; the query follows at once, as typed.
	run(t, ctx, chromedp.Evaluate[bool](`(() => {
		const list = document.getElementById("search-results");
		window.__t0 = 0; window.__t1 = 0;
		const W = window.Worker; // tap the worker's "ready" for its phases
		window.Worker = function (u) {
			const w = new W(u);
			window.__tWorker = performance.now();
			w.addEventListener("message", e => {
				if (e.data.type === "ready") { window.__phases = JSON.stringify(e.data.phases); window.__tReady = performance.now(); }
				if (e.data.type === "results" && !window.__q1) window.__q1 = e.data.ms;
			});
			return w;
		};
		document.addEventListener("keydown", () => { if (!window.__t0) window.__t0 = performance.now(); }, {capture: true});
		new MutationObserver(() => {
			if (!window.__t1 && !list.hidden && list.querySelector("li")) window.__t1 = performance.now();
		}).observe(list, {childList: true, attributes: true});
		return true;
	})()`))
	served.Store(0)
	run(t, ctx, chromedp.KeyEvent("/create meeting"))
	run(t, ctx, chromedp.Poll[bool](`window.__t1 > 0`, chromedp.WithPollingTimeout(60*time.Second)))
	var res measured
	res.first = time.Duration(run(t, ctx, chromedp.Evaluate[float64](`window.__t1 - window.__t0`)) * float64(time.Millisecond))
	res.firstBytes = served.Load()
	t.Logf("iamref, cold: the worker's loading phases (ms): %s", run(t, ctx, chromedp.Evaluate[string](`window.__phases || "(none)"`)))
	t.Logf("iamref, cold, from the first keystroke (ms): worker created %s, ready %s, results %s (the first query took %s in the engine)",
		run(t, ctx, chromedp.Evaluate[string](`(window.__tWorker - window.__t0).toFixed(0)`)),
		run(t, ctx, chromedp.Evaluate[string](`(window.__tReady - window.__t0).toFixed(0)`)),
		run(t, ctx, chromedp.Evaluate[string](`(window.__t1 - window.__t0).toFixed(0)`)),
		run(t, ctx, chromedp.Evaluate[string](`String(window.__q1)`)))
	queries, _ := json.Marshal(queriesOf(cases))
	js := `(async () => {
		const f = document.querySelector("form[role=search]").dataset;
		const abs = u => new URL(u, document.baseURI).href;
		const w = new Worker(abs(f.worker));
		let next = null;
		w.onmessage = ev => { if (next) next(ev.data); };
		const wait = type => new Promise(res => { next = m => { if (m.type === type || m.type === "error") res(m); }; });
		const ready = wait("ready");
		w.postMessage({type: "init", wasmExec: abs(f.wasmExec), wasm: abs(f.wasm), index: abs(f.index)});
		const r = await ready;
		if (r.type === "error") throw new Error(r.message);
		const phases = r.phases;
		const qs = ` + string(queries) + `;
		const times = [], top = [];
		for (let rep = 0; rep < 6; rep++) {
			for (const q of qs) {
				const p = wait("results");
				const t = performance.now();
				w.postMessage({type: "search", id: 1, q: q, limit: 10});
				const m = await p;
				const dt = performance.now() - t;
				if (rep > 0) times.push(dt); else top.push(m.results.hits.slice(0, 3).map(h => h.id));
			}
		}
		w.terminate();
		return JSON.stringify({times, top, phases});
	})()`
	var got struct {
		Times  []float64
		Top    [][]string
		Phases map[string]float64
	}
	if err := json.Unmarshal([]byte(run(t, ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))), &got); err != nil {
		t.Fatal(err)
	}
	t.Logf("iamref, loading the engine again with a warm HTTP cache: download and compile %v ms, instantiate %v ms, Go start %v ms, open the index %v ms",
		got.Phases["download"], got.Phases["instantiate"], got.Phases["start"], got.Phases["open"])
	for _, x := range got.Times {
		res.warm = append(res.warm, time.Duration(x*float64(time.Millisecond)))
	}
	res.top = got.Top
	return res
}

func measurePagefind(t *testing.T, base string, served *atomic.Int64, cases []relevanceCase) measured {
	ctx := browsertest.New(t)
	run(t, ctx, chromedp.Navigate(base+"/__compare/"))
	served.Store(0)
	var res measured
	first := run(t, ctx, chromedp.Evaluate[float64](`(async () => {
		const t = performance.now();
		window.pf = await import("/pagefind/pagefind.js");
		const s = await pf.search("create meeting");
		await Promise.all(s.results.slice(0, 3).map(r => r.data()));
		return performance.now() - t;
	})()`, chromedp.EvalAwaitPromise))
	res.first = time.Duration(first * float64(time.Millisecond))
	res.firstBytes = served.Load()
	queries, _ := json.Marshal(queriesOf(cases))
	var got struct {
		Times []float64
		Top   [][]string
	}
	js := `(async () => {
		const qs = ` + string(queries) + `;
		const times = [], top = [];
		for (let rep = 0; rep < 6; rep++) {
			for (const q of qs) {
				const t = performance.now();
				const s = await pf.search(q);
				const d = await Promise.all(s.results.slice(0, 3).map(r => r.data()));
				const dt = performance.now() - t;
				if (rep > 0) times.push(dt); else top.push(d.map(x => x.url));
			}
		}
		return JSON.stringify({times, top});
	})()`
	if err := json.Unmarshal([]byte(run(t, ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))), &got); err != nil {
		t.Fatal(err)
	}
	for _, x := range got.Times {
		res.warm = append(res.warm, time.Duration(x*float64(time.Millisecond)))
	}
	res.top = got.Top
	return res
}

// pagefindBinary finds Pagefind's binary in .cache/npm, installing the
// npm package there when it is missing.
func pagefindBinary(t *testing.T) string {
	t.Helper()
	prefix, _ := filepath.Abs("../../.cache/npm")
	bin := filepath.Join(prefix, "node_modules", ".bin", "pagefind")
	if _, err := os.Stat(bin); err != nil {
		cmd := exec.Command("npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", prefix, "pagefind@1")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm install pagefind: %v\n%s", err, b)
		}
	}
	return bin
}

type relevanceCase struct {
	query string
	want  []string
}

func relevanceCases(t *testing.T) []relevanceCase {
	f, err := os.Open("../search/testdata/relevance.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []relevanceCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if q, ids, ok := strings.Cut(line, "=>"); ok && !strings.HasPrefix(line, "#") {
			cases = append(cases, relevanceCase{strings.TrimSpace(q), strings.Fields(ids)})
		}
	}
	return cases
}

func queriesOf(cases []relevanceCase) []string {
	var qs []string
	for _, c := range cases {
		qs = append(qs, c.query)
	}
	return qs
}

func hitIDs(hits []query.Hit, n int) []string {
	var ids []string
	for _, h := range hits[:min(n, len(hits))] {
		ids = append(ids, h.ID)
	}
	return ids
}

func topHas(top, want []string) bool {
	for _, w := range want {
		if w == "" || !slices.Contains(top, w) {
			return false
		}
	}
	return true
}

func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

func kB(n int64) string { return fmt.Sprintf("%s kB", commas(int((n+500)/1000))) }

func countFiles(dir string) int64 {
	var n int64
	_ = filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n++
		}
		return nil
	})
	return n
}
