package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/iamref/iamref/builder/preview"
	"github.com/iamref/iamref/builder/site"
	"github.com/iamref/iamref/static"
	"github.com/iamref/iamref/templates"
)

// overlay is a file system whose files are those of base, but for the
// ones it holds, which tests and benchmarks edit in memory.
type overlay struct {
	base  fs.FS
	mu    sync.Mutex
	files map[string][]byte
}

func (o *overlay) Open(name string) (fs.File, error) {
	o.mu.Lock()
	data, ok := o.files[name]
	o.mu.Unlock()
	if ok {
		return fstest.MapFS{name: &fstest.MapFile{Data: data}}.Open(name)
	}
	return o.base.Open(name)
}

// set gives a file new bytes.
func (o *overlay) set(name string, data []byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.files == nil {
		o.files = map[string][]byte{}
	}
	o.files[name] = data
}

// previewEdit is an edit a benchmark makes, back and forth: each
// iteration's edit changes the file from what the previous one left.
type previewEdit struct {
	name      string
	dir       string // "content", "templates", "static"
	file      string
	old, edit string // the text replaced, and by what
}

var previewEdits = []previewEdit{
	{"guide", "content", "guides/chime/console-access.md", "", "\n\nAn edited paragraph.\n"},
	{"example", "content", "examples/chime-read-only-console.json", `"chime:ListAccounts"`, `"chime:ListAccounts", "chime:CreateMeeting"`},
	{"template", "templates", "guide.tmpl", `{{define "content"}}`, `{{define "content"}}<p>edited</p>`},
	{"stylesheet", "static", "css/site.css", "", "\n.edited { color: red }\n"},
}

// BenchmarkPreviewEdit measures, on the full content, how long the preview
// takes from an edit to its pages written (the open pages reload then),
// for each kind of edit, in turns with the preview's build before it kept
// a site.Session: a whole rebuild (rebuild-ms), the same for every kind of
// edit. Each iteration makes one edit of each kind in one session (built
// once, before the first iteration), alternating with a whole rebuild into
// another directory: guide, rebuild, example, rebuild, template,
// stylesheet. The search index a guide or example edit changes is rebuilt
// after the pages are written (its time is *-search-ms). Each edit's time
// is logged too:
//
//	go test ./cmd/build -run '^$' -bench PreviewEdit -benchtime 2x -timeout 0 -v
//
// Budgets (issue 17): a guide edit served within 0.5 s, an example edit
// within 2 s, a template edit within the time of a full render. From a
// save to the pages served, the watcher and HTTP included, .bench/preview
// measures them (docs/performance.md).
// IAMREF_BENCH_SEARCH=0 leaves the search out; IAMREF_BENCH_EDITS=guide,example
// makes only the edits named, IAMREF_BENCH_REBUILD=0 no whole rebuild, and
// IAMREF_BENCH_PROFILE=DIR writes a CPU profile of each edit into DIR.
func BenchmarkPreviewEdit(b *testing.B) {
	s := previewBench(b)
	defer tuneServeGC()() // as go run ./cmd/build -serve runs
	rebuildCfg := s.cfg
	rebuildCfg.Dev = true
	rebuildCfg.Out += "-rebuild"
	total := map[string]time.Duration{}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, e := range previewEdits {
			if only := os.Getenv("IAMREF_BENCH_EDITS"); only != "" && !slices.Contains(strings.Split(only, ","), e.name) {
				continue
			}
			if os.Getenv("IAMREF_BENCH_REBUILD") != "0" && (e.name == "example" || e.name == "template") {
				t := time.Now()
				if _, err := site.Build(context.Background(), rebuildCfg); err != nil {
					b.Fatal(err)
				}
				d := time.Since(t)
				total["rebuild"] += d
				logNow(b, fmt.Sprintf("round %d: rebuild %s", i+1, d.Round(time.Millisecond)))
			}
			s.edit(b, e, i, total)
		}
	}
	b.StopTimer()
	for k, d := range total {
		b.ReportMetric(float64(d.Milliseconds())/float64(b.N)/map[bool]float64{true: 2, false: 1}[k == "rebuild"], k+"-ms")
	}
}

// previewBenchState is the one session of BenchmarkPreviewEdit.
type previewBenchState struct {
	cfg   site.Config
	srcs  map[string]*overlay
	build func(ctx context.Context, changed []string) (preview.Built, error)
	n     map[string]int // edits so far, per kind
}

var (
	previewBenchOnce sync.Once
	previewBenchS    *previewBenchState
	previewBenchErr  error
	previewBenchDir  string // removed by TestMain
)

// TestMain removes what BenchmarkPreviewEdit built.
func TestMain(m *testing.M) {
	code := m.Run()
	if previewBenchDir != "" {
		os.RemoveAll(previewBenchDir)
	}
	os.Exit(code)
}

func previewBench(b *testing.B) *previewBenchState {
	b.Helper()
	previewBenchOnce.Do(func() {
		srcs := map[string]*overlay{"content": {base: os.DirFS("../../content")}, "templates": {base: templates.FS}, "static": {base: static.FS}}
		search := os.Getenv("IAMREF_BENCH_SEARCH") != "0"
		root, _ := filepath.Abs("../..")
		dir, err := os.MkdirTemp("", "iamref-preview-bench-")
		previewBenchDir = dir
		if err != nil {
			previewBenchErr = err
			return
		}
		cfg := site.Config{Content: srcs["content"], Templates: srcs["templates"], Static: srcs["static"], Out: filepath.Join(dir, "public"), Search: search, ModuleRoot: root, Progress: io.Discard}
		s := &previewBenchState{cfg: cfg, srcs: srcs, build: previewBuild(cfg, "content", "templates", "static"), n: map[string]int{}}
		defer tuneServeGC()()
		if _, previewBenchErr = s.build(context.Background(), nil); previewBenchErr == nil {
			previewBenchS = s
		}
	})
	if previewBenchErr != nil {
		b.Fatal(previewBenchErr)
	}
	return previewBenchS
}

// edit makes the edit (or takes it back, every other time), builds, and
// adds the time to total[e.name] (and the index's to total[e.name+"-search"]).
func (s *previewBenchState) edit(b *testing.B, e previewEdit, round int, total map[string]time.Duration) {
	src := s.srcs[e.dir]
	orig, err := fs.ReadFile(src.base, e.file)
	if err != nil {
		b.Fatal(err)
	}
	if e.old != "" && !strings.Contains(string(orig), e.old) {
		b.Fatalf("%s has no %s", e.file, e.old)
	}
	data := string(orig)
	if s.n[e.name]%2 == 0 {
		if e.old == "" {
			data += e.edit
		} else {
			data = strings.Replace(data, e.old, e.edit, 1)
		}
	}
	s.n[e.name]++
	src.set(e.file, []byte(data))
	stop := profileEdit(b, e.name, round)
	t := time.Now()
	r, err := s.build(context.Background(), []string{filepath.Join(e.dir, e.file)})
	if err != nil {
		b.Fatal(err)
	}
	d := time.Since(t)
	stop()
	total[e.name] += d
	msg := fmt.Sprintf("round %d: %s edit %s, %d files written (%s)", round+1, e.name, d.Round(time.Millisecond), len(r.Files), r.Summary)
	if r.Again {
		t := time.Now()
		if _, err := s.build(context.Background(), []string{}); err != nil {
			b.Fatal(err)
		}
		ds := time.Since(t)
		total[e.name+"-search"] += ds
		msg += fmt.Sprintf("; then the search index %s", ds.Round(time.Millisecond))
	}
	logNow(b, msg)
}

// profileEdit writes a CPU profile of one edit's build into the directory
// IAMREF_BENCH_PROFILE names, if it is set, as <kind>-<round>.pprof, and
// returns the function that ends it.
func profileEdit(b *testing.B, name string, round int) (stop func()) {
	dir := os.Getenv("IAMREF_BENCH_PROFILE")
	if dir == "" {
		return func() {}
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%s-%d.pprof", name, round+1)))
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// logNow logs at once, to the standard error too: a round takes minutes
// on a loaded machine, and a benchmark's log is printed when it ends.
func logNow(b *testing.B, msg string) {
	b.Log(msg)
	fmt.Fprintln(os.Stderr, msg)
}
