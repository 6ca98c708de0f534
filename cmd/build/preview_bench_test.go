package main

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
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
// takes from an edit to its pages written (the open pages reload then).
// "rebuild" builds the whole site again, as the preview did on every edit
// before it kept a site.Session; the others are the preview's build now,
// after an edit of each kind, in one session (built once, before the
// first). The search index a guide or example edit changes is rebuilt
// after the pages are written (search-ms). With -count the kinds run in
// turns:
//
//	go test ./cmd/build -run '^$' -bench PreviewEdit -benchtime 1x -count 3 -timeout 0
//
// Budgets (issue 17): a guide edit served within 0.5 s, an example edit
// within 2 s, a template edit within the time of a full render.
// IAMREF_BENCH_SEARCH=0 leaves the search out.
func BenchmarkPreviewEdit(b *testing.B) {
	b.Run("rebuild", func(b *testing.B) {
		bs := previewBench(b)
		defer tuneGC()()
		cfg := bs.cfg
		cfg.Dev = true
		cfg.Out += "-rebuild"
		for i := 0; i < b.N; i++ {
			if _, err := site.Build(context.Background(), cfg); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, e := range previewEdits {
		b.Run(e.name, func(b *testing.B) { previewBench(b).edit(b, e) })
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
		defer tuneGC()()
		if _, previewBenchErr = s.build(context.Background(), nil); previewBenchErr == nil {
			previewBenchS = s
		}
	})
	if previewBenchErr != nil {
		b.Fatal(previewBenchErr)
	}
	return previewBenchS
}

// edit makes the edit (or takes it back, every other time) and builds.
func (s *previewBenchState) edit(b *testing.B, e previewEdit) {
	defer tuneGC()()
	src := s.srcs[e.dir]
	orig, err := fs.ReadFile(src.base, e.file)
	if err != nil {
		b.Fatal(err)
	}
	if e.old != "" && !strings.Contains(string(orig), e.old) {
		b.Fatalf("%s has no %s", e.file, e.old)
	}
	var searchTime time.Duration
	var changed int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
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
		r, err := s.build(context.Background(), []string{filepath.Join(e.dir, e.file)})
		if err != nil {
			b.Fatal(err)
		}
		changed += len(r.Files)
		if r.Again {
			b.StopTimer()
			t := time.Now()
			if _, err := s.build(context.Background(), []string{}); err != nil {
				b.Fatal(err)
			}
			searchTime += time.Since(t)
			b.StartTimer()
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(changed)/float64(b.N), "files-written")
	if searchTime > 0 {
		b.ReportMetric(float64(searchTime.Milliseconds())/float64(b.N), "search-ms")
	}
}
