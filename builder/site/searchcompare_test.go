package site

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
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
	// IAMREF_COMPARE_COLD=1 measures the cold first results and the page
	// views only, which work with any site built before (to compare two
	// builds in turns with one test binary).
	coldOnly := os.Getenv("IAMREF_COMPARE_COLD") == "1"
	var eng *query.Engine
	var openTime time.Duration
	if !coldOnly {
		idx, err := os.ReadFile(filepath.Join(out, m.Index))
		if err != nil {
			t.Fatal(err)
		}
		descs, err := os.ReadFile(filepath.Join(out, m.Descriptions))
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if eng, err = query.OpenAll(idx, descs); err != nil {
			t.Fatal(err)
		}
		openTime = time.Since(start)
	}
	cases := relevanceCases(t)

	// Pagefind indexes the same pages into a directory of its own.
	skipPF := os.Getenv("IAMREF_PAGEFIND") == "0"
	pfBin := "true"
	if !skipPF {
		pfBin = pagefindBinary(t)
	}
	// IAMREF_PAGEFIND_DIR keeps Pagefind's index between runs (of the
	// same IAMREF_PUBLIC): when it holds pagefind.js, it is used as is.
	pfOut := os.Getenv("IAMREF_PAGEFIND_DIR")
	if pfOut == "" {
		pfOut = filepath.Join(t.TempDir(), "pagefind")
	}
	start := time.Now()
	cmd := exec.Command(pfBin, "--site", out, "--output-path", pfOut)
	if _, err := os.Stat(filepath.Join(pfOut, "pagefind.js")); skipPF || err == nil {
		cmd = exec.Command("true")
	}
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pagefind: %v\n%s", err, b)
	}
	pfIndexTime := time.Since(start)
	pfVersion, _ := exec.Command(pfBin, "--version").Output()

	var served meter
	mux := http.NewServeMux()
	mux.Handle("/pagefind/", http.StripPrefix("/pagefind/", http.FileServer(http.Dir(pfOut))))
	mux.HandleFunc("/__compare/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!doctype html><title>compare</title><p>compare</p>")
	})
	mux.Handle("/", preview.FileServer(out))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(&countingWriter{ResponseWriter: w, m: &served, desc: strings.HasPrefix(r.URL.Path, "/search-desc-")}, r)
	}))
	defer srv.Close()

	// What a page costs a visitor who never searches, and one whose
	// pointer passes near the box.
	for _, p := range []string{"/", "/s3/GetObject/"} {
		view, near := measurePageView(t, srv.URL+p, &served)
		t.Logf("a page view of %s: %s without search; %s once the pointer passed near the box", p, kB(view), kB(near))
	}

	// Cold first queries, in turns: iamref, Pagefind, on localhost and
	// through Chromium's network emulation, in each scenario, each in a
	// fresh browser.
	runs := 9
	if v, err := strconv.Atoi(os.Getenv("IAMREF_COMPARE_RUNS")); err == nil && v > 0 {
		runs = v
	}
	cold := map[string][]coldRun{}
	for i := 0; i < runs; i++ {
		for _, sc := range scenarios {
			for _, net := range []string{"localhost", "throttled"} {
				throttled := net == "throttled"
				key := sc.name + ", " + net
				r := measureOursCold(t, srv.URL, &served, throttled, sc)
				t.Logf("run %d, %s: iamref %s, %s (%s with the descriptions); worker phases (ms) %s; from the first keystroke (ms): %s", i+1, key, ms(r.first), kB(r.bytes), kB(r.allBytes), r.phases, r.timeline)
				cold["iamref "+key] = append(cold["iamref "+key], r)
				if !skipPF {
					r := measurePagefindCold(t, srv.URL, &served, throttled, sc)
					t.Logf("run %d, %s: Pagefind %s, %s", i+1, key, ms(r.first), kB(r.bytes))
					cold["pagefind "+key] = append(cold["pagefind "+key], r)
				}
			}
		}
	}
	if coldOnly {
		var b strings.Builder
		fmt.Fprintf(&b, "\n| %s | iamref | Pagefind |\n| --- | --- | --- |\n", out)
		for _, sc := range scenarios {
			for _, net := range []string{"localhost", "throttled"} {
				key := sc.name + ", " + net
				fmt.Fprintf(&b, "| %s: median of %d (all runs) | %s (%s) | %s (%s) |\n", key, runs,
					ms(medianCold(cold["iamref "+key])), allCold(cold["iamref "+key]), ms(medianCold(cold["pagefind "+key])), allCold(cold["pagefind "+key]))
			}
		}
		t.Log(b.String())
		return
	}
	ours := measureOurs(t, srv.URL, cases)
	if skipPF {
		for _, sc := range scenarios {
			for _, net := range []string{"localhost", "throttled"} {
				key := sc.name + ", " + net
				t.Logf("iamref, %s: first results %s (median of %d: %s)", key, ms(medianCold(cold["iamref "+key])), runs, allCold(cold["iamref "+key]))
			}
		}
		t.Logf("iamref: %s for the first results; warm p50 %s, p95 %s", kB(cold["iamref "+scenarios[0].name+", localhost"][0].bytes), ms(pct(ours.warm, 50)), ms(pct(ours.warm, 95)))
		hits := 0
		for i, c := range cases {
			if topHas(ours.top[i], c.want) {
				hits++
			}
		}
		t.Logf("iamref in the browser: %d of %d queries of the relevance set have their ids in the top 3", hits, len(cases))
		return
	}
	pf := measurePagefind(t, srv.URL, cases)

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
	descBr, _ := os.Stat(filepath.Join(out, m.Descriptions+".br"))
	n := len(cases)
	var b strings.Builder
	fmt.Fprintf(&b, "\n| full catalog, headless Chromium, localhost | iamref (bleve in Go → WebAssembly) | Pagefind %s |\n| --- | --- | --- |\n", strings.TrimSpace(strings.TrimPrefix(string(pfVersion), "pagefind ")))
	fmt.Fprintf(&b, "| bytes fetched for the first results (cold cache) | %s (%s with the descriptions part, which follows) | %s |\n",
		kB(cold["iamref "+scenarios[0].name+", localhost"][0].bytes), kB(cold["iamref "+scenarios[0].name+", localhost"][0].allBytes), kB(cold["pagefind "+scenarios[0].name+", localhost"][0].bytes))
	for _, sc := range scenarios {
		for _, net := range []string{"localhost", "throttled"} {
			what := "on localhost"
			if net == "throttled" {
				what = fmt.Sprintf("%d Mbit/s, %d ms round trip", throttleMbits, throttleRTT)
			}
			key := sc.name + ", " + net
			fmt.Fprintf(&b, "| first keystroke to first results, cold, %s, %s: median of %d (all runs) | %s (%s) | %s (%s) |\n", sc.name, what, runs,
				ms(medianCold(cold["iamref "+key])), allCold(cold["iamref "+key]), ms(medianCold(cold["pagefind "+key])), allCold(cold["pagefind "+key]))
		}
	}
	fmt.Fprintf(&b, "| warm query in the browser, p50 / p95 (%d queries × 5) | %s / %s | %s / %s |\n", n, ms(pct(ours.warm, 50)), ms(pct(ours.warm, 95)), ms(pct(pf.warm, 50)), ms(pct(pf.warm, 95)))
	fmt.Fprintf(&b, "| hits in the top 3, relevance set | %d of %d (%.0f%%) | %d of %d (%.0f%%) |\n", oursHits, n, 100*float64(oursHits)/float64(n), pfHits, n, 100*float64(pfHits)/float64(n))
	fmt.Fprintf(&b, "| index build | see the build line above | %s |\n", pfIndexTime.Round(100*time.Millisecond))
	fmt.Fprintf(&b, "| on disk (compressed as served) | wasm %s + index %s names + %s descriptions (brotli) | %s (%s files) |\n", kB(wasmBr.Size()), kB(idxBr.Size()), kB(descBr.Size()), kB(dirSize(pfOut)), commas(int(countFiles(pfOut))))
	fmt.Fprintf(&b, "| natively: open the index; query p50 / p95 | %s; %s / %s | — |\n", ms(openTime), ms(pct(native, 50)), ms(pct(native, 95)))
	fmt.Fprintf(&b, "| natively, hits in the top 3 | %d of %d | — |\n", nativeHits, n)
	t.Log(b.String())
}

// meter counts the bytes served: all, and those of the index's
// descriptions part (which the first results do not wait for).
type meter struct {
	mu          sync.Mutex
	total, desc int64
}

func (m *meter) add(n int, desc bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.total += int64(n)
	if desc {
		m.desc += int64(n)
	}
}

func (m *meter) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.total, m.desc = 0, 0
}

// read returns the bytes served but the descriptions', and all.
func (m *meter) read() (first, all int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.total - m.desc, m.total
}

type countingWriter struct {
	http.ResponseWriter
	m    *meter
	desc bool
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.m.add(len(p), w.desc)
	return w.ResponseWriter.Write(p)
}

type measured struct {
	warm []time.Duration
	top  [][]string // per relevance case: top 3 ids (ours) or page URLs (Pagefind)
}

// coldRun is one first query in a fresh browser.
type coldRun struct {
	first    time.Duration
	bytes    int64  // served for it (ours: but the descriptions part)
	allBytes int64  // served in all, by the end of the run
	phases   string // the worker's loading phases (ours)
	timeline string // worker created, ready, results (ours)
}

// The emulated network of the throttled runs: a good home connection.
const (
	throttleMbits = 10
	throttleRTT   = 40 // ms
)

// coldBrowser is a fresh browser (a cold cache) on a page of base,
// throttled or not. Chromium emulates the network per target: a dedicated
// worker's requests are throttled only by conditions set on the worker's
// own target, so workers start paused, get the same conditions, and run.
func coldBrowser(t *testing.T, page string, throttled bool) context.Context {
	ctx := browsertest.New(t)
	if throttled {
		bps := float64(throttleMbits) * 1e6 / 8
		emulate := func(ctx context.Context, tg *chromedp.Target) error {
			if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
				return err
			}
			_, err := cdp.Call(ctx, tg, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
				MatchedNetworkConditions: []*network.Conditions{{Latency: throttleRTT, DownloadThroughput: bps, UploadThroughput: bps}},
			})
			return err
		}
		workerErr := make(chan error, 8)
		err := chromedp.Listen(ctx, func(ev any) {
			at, ok := ev.(*target.EventAttachedToTarget)
			if !ok || at.TargetInfo.Type != "worker" {
				return
			}
			go func() {
				wctx, _ := chromedp.NewContext(ctx, chromedp.WithTargetID(at.TargetInfo.TargetID))
				_, err := chromedp.Run(wctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
					if err := emulate(ctx, tg); err != nil {
						return err
					}
					_, err := cdp.Call(ctx, tg, cdpruntime.RunIfWaitingForDebugger, cdp.Empty{})
					return err
				}))
				if err != nil {
					workerErr <- err
				}
			}()
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			select {
			case err := <-workerErr:
				t.Errorf("throttling a worker: %v", err)
			default:
			}
		})
		run(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			if err := emulate(ctx, tg); err != nil {
				return err
			}
			_, err := cdp.Call(ctx, tg, target.SetAutoAttach, target.SetAutoAttachParams{AutoAttach: true, WaitForDebuggerOnStart: true, Flatten: ptrTo(true)})
			return err
		}))
	}
	run(t, ctx, chromedp.Navigate(page))
	return ctx
}

func ptrTo[T any](v T) *T { return &v }

// A scenario is how a visitor comes to the first keystroke.
type scenario struct {
	name string
	// pointer: the visitor points at the box (the mouse moves there in a
	// minimum-jerk path, for the time Fitts' law gives: 0.2 s + 0.1 s ×
	// log2(distance/height + 1)), clicks it (0.1 s from press to release)
	// and moves the hand to the keyboard (0.4 s, the keystroke-level
	// model's homing time) before typing. Otherwise the first keystroke
	// is "/", right after the page loaded.
	pointer bool
}

var scenarios = []scenario{{name: "keyboard (/ right after the page loads)"}, {name: "pointer (point at the box, click, type)", pointer: true}}

const (
	clickTime = 100 * time.Millisecond
	homeTime  = 400 * time.Millisecond
)

// pointAndClick moves the pointer from the middle of the viewport to the
// middle of the element matched by sel, clicks it, and waits for the hand
// to reach the keyboard, as scenario.pointer says.
func pointAndClick(t *testing.T, ctx context.Context, sel string) {
	box := run(t, ctx, chromedp.Evaluate[[]float64](`(() => { const r = document.querySelector(`+jsString(sel)+`).getBoundingClientRect(); return [r.left, r.top, r.width, r.height, innerWidth, innerHeight]; })()`))
	x1, y1 := box[0]+box[2]/2, box[1]+box[3]/2
	x0, y0 := box[4]/2, box[5]/2
	dist := math.Hypot(x1-x0, y1-y0)
	mt := time.Duration((0.2 + 0.1*math.Log2(dist/box[3]+1)) * float64(time.Second))
	start := time.Now()
	for {
		tau := min(1, float64(time.Since(start))/float64(mt))
		s := 10*math.Pow(tau, 3) - 15*math.Pow(tau, 4) + 6*math.Pow(tau, 5)
		run(t, ctx, chromedp.MouseEvent(chromedp.MouseMoved, x0+(x1-x0)*s, y0+(y1-y0)*s))
		if tau == 1 {
			break
		}
		time.Sleep(16 * time.Millisecond)
	}
	run(t, ctx, chromedp.MouseEvent(chromedp.MousePressed, x1, y1, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	time.Sleep(clickTime)
	run(t, ctx, chromedp.MouseEvent(chromedp.MouseReleased, x1, y1, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	time.Sleep(homeTime)
}

// measureOursCold times the first keystroke to the first results in a
// fresh browser.
func measureOursCold(t *testing.T, base string, served *meter, throttled bool, sc scenario) coldRun {
	var res coldRun
	t.Run("iamref", func(t *testing.T) {
		ctx := coldBrowser(t, base+"/", throttled)
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
				if (!window.__t1 && !list.hidden && list.querySelector(".search-hit")) window.__t1 = performance.now();
			}).observe(list, {childList: true, attributes: true});
			return true;
		})()`))
		served.reset()
		if sc.pointer {
			pointAndClick(t, ctx, "#search-input")
			run(t, ctx, chromedp.KeyEvent("create meeting"))
		} else {
			// "/" focuses the box; the query follows at once, as typed.
			run(t, ctx, chromedp.KeyEvent("/create meeting"))
		}
		run(t, ctx, chromedp.Poll[bool](`window.__t1 > 0`, chromedp.WithPollingTimeout(60*time.Second)))
		res.first = time.Duration(run(t, ctx, chromedp.Evaluate[float64](`window.__t1 - window.__t0`)) * float64(time.Millisecond))
		res.phases = run(t, ctx, chromedp.Evaluate[string](`window.__phases || "(none)"`))
		res.timeline = run(t, ctx, chromedp.Evaluate[string](`"worker created " + (window.__tWorker - window.__t0).toFixed(0) +
			", ready " + (window.__tReady - window.__t0).toFixed(0) + ", results " + (window.__t1 - window.__t0).toFixed(0) +
			" (the first query took " + window.__q1 + " in the engine)"`))
		// the descriptions part, which follows
		run(t, ctx, chromedp.Poll[bool](`!document.getElementById("search-status").textContent.includes("descriptions")`, chromedp.WithPollingTimeout(60*time.Second)))
		res.bytes, res.allBytes = served.read()
	})
	return res
}

// measurePagefindCold times Pagefind's first query through its API, from
// the first keystroke to the data of the top 3 results, in a fresh
// browser. pagefind.js loads at the first keystroke, or, in the pointer
// scenario, when the pointer reaches the box, as Pagefind's UI loads it
// when the box gains focus.
func measurePagefindCold(t *testing.T, base string, served *meter, throttled bool, sc scenario) coldRun {
	var res coldRun
	t.Run("pagefind", func(t *testing.T) {
		ctx := coldBrowser(t, base+"/__compare/", throttled)
		run(t, ctx, chromedp.Evaluate[bool](`(() => {
			const i = document.createElement("input");
			i.id = "q";
			i.style = "position: absolute; left: 106px; top: 10px; width: 550px; height: 40px";
			document.body.appendChild(i);
			window.__load = () => window.__pf || (window.__pf = import("/pagefind/pagefind.js").then(async pf => { await pf.init(); return pf; }));
			i.addEventListener("focus", window.__load);
			window.__first = new Promise(res => document.addEventListener("keydown", async () => {
				const t = performance.now();
				const pf = await window.__load();
				const s = await pf.search("create meeting");
				await Promise.all(s.results.slice(0, 3).map(r => r.data()));
				res(performance.now() - t);
			}, {once: true}));
			return true;
		})()`))
		served.reset()
		if sc.pointer {
			pointAndClick(t, ctx, "#q")
		}
		run(t, ctx, chromedp.KeyEvent("c"))
		first := run(t, ctx, chromedp.Evaluate[float64](`window.__first`, chromedp.EvalAwaitPromise))
		res.first = time.Duration(first * float64(time.Millisecond))
		res.bytes, res.allBytes = served.read()
	})
	return res
}

// measurePageView returns the bytes of a page view in a fresh browser,
// once it has loaded and settled, and then once the pointer has passed
// near the search box and the loading that starts has settled.
func measurePageView(t *testing.T, url string, served *meter) (view, near int64) {
	t.Run("view", func(t *testing.T) {
		ctx := browsertest.New(t)
		served.reset()
		run(t, ctx, chromedp.Navigate(url))
		time.Sleep(time.Second)
		_, view = served.read()
		box := run(t, ctx, chromedp.Evaluate[[]float64](`(() => { const r = document.getElementById("search-input").getBoundingClientRect(); return [r.left, r.bottom]; })()`))
		run(t, ctx, chromedp.MouseEvent(chromedp.MouseMoved, box[0]+20, box[1]+300))
		time.Sleep(300 * time.Millisecond) // slowing down near the box
		run(t, ctx, chromedp.MouseEvent(chromedp.MouseMoved, box[0]+20, box[1]+60))
		time.Sleep(3 * time.Second)
		_, near = served.read()
	})
	return view, near
}

func medianCold(rs []coldRun) time.Duration {
	var ds []time.Duration
	for _, r := range rs {
		ds = append(ds, r.first)
	}
	return pct(ds, 50)
}

func allCold(rs []coldRun) string {
	var ss []string
	for _, r := range rs {
		ss = append(ss, fmt.Sprintf("%.0f", float64(r.first)/float64(time.Millisecond)))
	}
	return strings.Join(ss, ", ") + " ms"
}

// measureOurs runs the relevance set in the browser: top 3 of each query,
// and warm latencies.
func measureOurs(t *testing.T, base string, cases []relevanceCase) measured {
	ctx := browsertest.New(t)
	run(t, ctx, chromedp.Navigate(base+"/"))
	var res measured
	queries, _ := json.Marshal(queriesOf(cases))
	js := `(async () => {
		const f = document.querySelector("form[role=search]").dataset;
		const abs = u => new URL(u, document.baseURI).href;
		const w = new Worker(abs(f.worker));
		let next = null;
		w.onmessage = ev => { if (next) next(ev.data); };
		const wait = type => new Promise(res => { next = m => { if (m.type === type || m.type === "error") res(m); }; });
		const ready = wait("complete"); // both parts of the index
		w.postMessage({type: "init", loader: abs(f.workerLoad), wasmExec: abs(f.wasmExec), wasm: abs(f.wasm), index: abs(f.index), descriptions: abs(f.indexDesc), use: true});
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

func measurePagefind(t *testing.T, base string, cases []relevanceCase) measured {
	ctx := browsertest.New(t)
	run(t, ctx, chromedp.Navigate(base+"/__compare/"))
	run(t, ctx, chromedp.Evaluate[bool](`(async () => { window.pf = await import("/pagefind/pagefind.js"); return true; })()`, chromedp.EvalAwaitPromise))
	var res measured
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
