// Command build renders the iamref site from a content directory.
//
// Usage:
//
//	go run ./cmd/build [-content DIR] [-out DIR] [-base-url URL] [-serve ADDR] [-search=false] [-policy-engine=false]
//
// Flags:
//
//	-content DIR    content to build from (default "content")
//	-out DIR        output directory, replaced atomically on success (default "public");
//	                refused when it is, contains or lies inside the content,
//	                templates or static directory, is a repository, or holds
//	                anything but a previous build
//	-base-url URL   absolute URL the site is served from, for canonical links,
//	                the sitemap and feeds; relative links work without it
//	-serve ADDR     build the site into .cache/preview (never into -out: its
//	                pages load the reload script), serve it on ADDR (for
//	                example localhost:8080), rebuild when content/, templates/
//	                or static/ change, and reload open pages
//	-templates DIR  use templates from DIR instead of the embedded ones
//	-static DIR     use static assets from DIR instead of the embedded ones
//	-search=false   build without the search index and engine; by default
//	                the build compiles the engine (cmd/searchwasm) to
//	                WebAssembly with the go tool, cached in .cache/wasm
//	-policy-engine=false  build without the browser's policy engine; by
//	                default the build encodes the catalog for it and compiles
//	                it (cmd/policywasm) to WebAssembly, cached in .cache/wasm
//	-cpuprofile FILE  write a CPU profile of the build to FILE
//	-memprofile FILE  write a heap profile of the build to FILE, taken after
//	                the collection that found the most live heap
//	-update-urls    after a successful build, add the site's new URLs to
//	                DIR/urls.txt (the manifest of published URLs); without it
//	                a build only says how many URLs are new
//
// URLs are a promise: the build fails, naming them, when a URL listed in
// content/urls.txt would no longer be served as a page, a redirect or a
// tombstone. The manifest only grows; removing a URL is a hand edit.
//
// A failed build reports every problem it found, each as file:line:col, and
// leaves the previous output untouched.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"github.com/iamref/iamref/builder/contentfs"
	"github.com/iamref/iamref/builder/preview"
	"github.com/iamref/iamref/builder/site"
)

// The garbage collector settings for a process that builds the full
// catalog (BenchmarkBuildFull measures them). The build holds the catalog
// and the assembled pages, 250-300 MB live, and renders 30,800 pages:
// collect garbage less often, but keep the process near 450 MiB (its peak
// resident memory 15-35 MiB above that; the budget is 500 MiB). Every
// collection traces the live heap, so the room above it decides how often:
// the limit, not GOGC, paces the collector. At 400 MiB the build peaked at
// 416-418 MiB, but collected 63-69 times instead of 42-44 and took 1.3x
// the CPU (docs/performance.md): the limit can come down as the live heap
// does.
const (
	gcPercent   = 400
	memoryLimit = 450 << 20
)

// tuneGC applies the collector settings and returns a function that
// restores the previous ones. GOGC and GOMEMLIMIT in the environment, when
// set, are left to win (to measure other settings).
func tuneGC() (restore func()) {
	gc, mem := debug.SetGCPercent(-1), debug.SetMemoryLimit(-1)
	debug.SetGCPercent(gc)
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	return func() {
		debug.SetGCPercent(gc)
		debug.SetMemoryLimit(mem)
	}
}

// tuneServeGC applies the collector's settings for the preview server and
// returns a function that restores the previous ones. Its process keeps
// what the build loaded between rebuilds (site.Session), a few hundred MB
// live: under the build's memory limit the collector would run all but
// continuously, tracing all of it for every few MB a small rebuild
// allocates. The preview trades memory for its rebuilds' time instead.
func tuneServeGC() (restore func()) {
	gc := debug.SetGCPercent(100)
	mem := debug.SetMemoryLimit(math.MaxInt64)
	return func() {
		debug.SetGCPercent(gc)
		debug.SetMemoryLimit(mem)
	}
}

func main() {
	tuneGC()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "build:", err)
		}
		os.Exit(1)
	}
}

// PreviewDir is where -serve builds the site: its pages load the preview
// server's reload script, so they never go where a deploy would publish
// them.
const PreviewDir = ".cache/preview"

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	fs.SetOutput(stderr)
	content := fs.String("content", "content", "content directory")
	out := fs.String("out", "public", "output directory")
	baseURL := fs.String("base-url", "", "absolute URL of the site, for canonical links")
	serve := fs.String("serve", "", "serve the site on this address and rebuild on changes")
	tmplDir := fs.String("templates", "", "templates directory (default: embedded)")
	staticDir := fs.String("static", "", "static directory (default: embedded)")
	searchOn := fs.Bool("search", true, "build the search index and compile the search engine (needs the go tool)")
	policyEngine := fs.Bool("policy-engine", true, "encode the catalog for the browser and compile its policy engine (needs the go tool)")
	updateURLs := fs.Bool("update-urls", false, "add the built site's new URLs to the content's urls.txt")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the build to this file (go tool pprof)")
	memProfile := fs.String("memprofile", "", "write a heap profile of the build, taken at its largest live heap, to this file (go tool pprof)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	for _, d := range []struct{ flag, dir string }{{"-content", *content}, {"-templates", *tmplDir}, {"-static", *staticDir}} {
		if d.dir == "" {
			continue
		}
		if fi, err := os.Stat(d.dir); err != nil || !fi.IsDir() {
			return fmt.Errorf("%s %s: no such directory", d.flag, d.dir)
		}
	}
	cfg := site.Config{Content: os.DirFS(*content), Out: *out, BaseURL: *baseURL, Progress: stderr, Search: *searchOn, PolicyEngine: *policyEngine,
		Protect: []string{*content, *tmplDir, *staticDir}}
	// Editors' and the system's files beside the templates and assets
	// (a vim swap file, an emacs lock) are no template and no asset.
	if *tmplDir != "" {
		cfg.Templates = contentfs.Hide(os.DirFS(*tmplDir))
	}
	if *staticDir != "" {
		cfg.Static = contentfs.Hide(os.DirFS(*staticDir))
	}
	if *serve != "" {
		// The preview's pages load its reload script: they are built
		// apart, never into the output a deploy publishes.
		outSet := false
		fs.Visit(func(f *flag.Flag) { outSet = outSet || f.Name == "out" })
		if outSet {
			return fmt.Errorf("-serve builds into %s, never into -out (whose pages are for deploying): leave -out out", PreviewDir)
		}
		cfg.Out = PreviewDir
		defer tuneServeGC()()
		return preview.Serve(ctx, preview.Config{Dir: cfg.Out, Addr: *serve, Build: previewBuild(cfg, *content, *tmplDir, *staticDir), Watch: []string{*content, *tmplDir, *staticDir}, Log: stderr})
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if *memProfile != "" {
		stop := profilePeakHeap(*memProfile)
		defer func() {
			if err := stop(); err != nil {
				fmt.Fprintln(stderr, "build: -memprofile:", err)
			}
		}()
	}
	stats, err := site.Build(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "built %s into %s\n", stats, *out)
	if *updateURLs {
		n, err := site.UpdateURLManifest(*content, *out)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "recorded %d new URLs in %s\n", n, filepath.Join(*content, site.URLManifest))
	}
	return nil
}

// previewBuild builds the site for the preview server: its pages load the
// server's reload script, and a site.Session keeps what it loaded between
// rebuilds, building again only what the changed files touch. The changed
// files come from the directories of the content, templates and static
// files ("" when embedded).
func previewBuild(cfg site.Config, content, tmplDir, staticDir string) func(context.Context, []string) (preview.Built, error) {
	cfg.Dev = true
	s := site.NewSession(cfg)
	return func(ctx context.Context, changed []string) (preview.Built, error) {
		var ch site.Changes
		for _, f := range changed {
			switch {
			case under(f, content):
				ch.Content = append(ch.Content, rel(f, content))
			case under(f, tmplDir):
				ch.Templates = append(ch.Templates, rel(f, tmplDir))
			case under(f, staticDir):
				ch.Static = append(ch.Static, rel(f, staticDir))
			}
		}
		r, err := s.Build(ctx, ch)
		if err != nil {
			return preview.Built{}, err
		}
		return preview.Built{Summary: r.String(), Files: r.Changed, All: r.All, Again: r.Again}, nil
	}
}

// under reports whether the file is inside dir ("" is no directory).
func under(file, dir string) bool {
	if dir == "" {
		return false
	}
	r, err := filepath.Rel(dir, file)
	return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator))
}

// rel is the file's slash-separated path inside dir.
func rel(file, dir string) string {
	r, _ := filepath.Rel(dir, file)
	return filepath.ToSlash(r)
}

// profilePeakHeap watches the collections while the build runs and keeps
// a heap profile of the one that left the most live heap: what the build
// holds when its memory peaks. The returned function stops watching and
// writes that profile to file (its alloc_space and alloc_objects count
// what was allocated up to then).
func profilePeakHeap(file string) (stop func() error) {
	samples := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}, {Name: "/gc/heap/live:bytes"}}
	var best bytes.Buffer
	var bestLive, cycles uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			metrics.Read(samples)
			if c := samples[0].Value.Uint64(); c != cycles {
				cycles = c
				if live := samples[1].Value.Uint64(); live > bestLive {
					bestLive = live
					best.Reset()
					_ = pprof.Lookup("heap").WriteTo(&best, 0)
				}
			}
		}
	})
	return func() error {
		close(done)
		wg.Wait()
		return os.WriteFile(file, best.Bytes(), 0o644)
	}
}
