// Package site renders the pages of the iamref static site from the
// catalog model.
//
// Build runs in order: load the content (catalog, guides, policies,
// history), assemble the pages, render them in parallel into a fresh
// output directory (package output), check their links (package
// linkcheck), and finally swap that directory in. Templates are parsed
// once, with a copy for each render worker; every page is a typed struct
// embedding Base, and its kind names its template. The search's files come
// from package searchassets, the redirect rules are written in Netlify's
// format (package redirects), and package preview serves the result. For
// the preview, a Session (session.go) keeps what a build loaded and builds
// again only what an edit touches (deps.go says what each page kind reads).
package site

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/contentfs"
	"github.com/iamref/iamref/builder/diag"
	"github.com/iamref/iamref/builder/linkcheck"
	"github.com/iamref/iamref/builder/markup"
	"github.com/iamref/iamref/builder/output"
	"github.com/iamref/iamref/builder/policyassets"
	"github.com/iamref/iamref/builder/searchassets"
	"github.com/iamref/iamref/static"
	"github.com/iamref/iamref/templates"
)

// Config says what to build from and where to.
type Config struct {
	Content   fs.FS     // the content directory
	Templates fs.FS     // nil: the embedded templates
	Static    fs.FS     // nil: the embedded static assets
	Out       string    // output directory, replaced atomically
	BaseURL   string    // for canonical URLs; relative links work without it
	Progress  io.Writer // progress lines while rendering; nil for none
	Dev       bool      // pages load the preview server's reload script
	// Search builds the search index and compiles its engine with the go
	// tool from the module at ModuleRoot ("": found by wasmbuild.ModuleRoot).
	Search     bool
	ModuleRoot string
	// Protect lists the directories the build reads (content, templates,
	// static): Out may not be, contain or lie inside one (output.Check).
	Protect []string
	// PolicyEngine encodes the catalog for the browser and compiles the
	// policy engine (cmd/policywasm) with the go tool from the module at
	// ModuleRoot, for the pages that analyse and write policies.
	PolicyEngine bool
}

// Stats summarises a build.
type Stats struct {
	Pages    int
	Files    int
	Bytes    int64
	Duration time.Duration
}

func (s Stats) String() string {
	return fmt.Sprintf("%s pages, %s files, %.1f MB in %s", commas(s.Pages), commas(s.Files), float64(s.Bytes)/1e6, s.Duration.Round(time.Millisecond))
}

// builder carries one build.
type builder struct {
	cfg    Config
	cat    *catalog.Catalog
	md     *markup.Renderer
	tmpl   *templateSet
	info   *Info
	out    writer
	links  *linkcheck.Index    // ids and references of every page written
	guides map[string][]*Guide // by service prefix
	pol    *policySet          // policypages.go
	hist   *historyBuilder     // historypages.go; nil without history
	jobs   []job
	errs   diag.List
	keys   map[keyRefKey]*KeyRef   // catalogpages.go: shared KeyRefs
	rows   map[string]*ResourceRow // catalogpages.go: shared resource rows
	// policyJobs are the jobs policyPages added, the only ones that show
	// the policies' evaluations (PolicyView): render does them first and
	// then lets the evaluations go, unless keepViews (a preview Session,
	// which assembles those pages again).
	policyJobs [2]int
	keepViews  bool
	// catalogFailed: the catalog had errors and is partial; what depends
	// on all of it (the history's check against it) is not done.
	catalogFailed bool
	// manifest is content/urls.txt, when hasManifest (urls.go).
	manifest    []string
	hasManifest bool
	engine      *policyassets.Job // policyengine.go: nil without Config.PolicyEngine
	// srchNames and srchFiles are the search's names and every file of
	// it, and engFiles the policy engine's, for a Session to reuse.
	srchNames *searchassets.Files
	srchFiles []searchassets.File
	engFiles  []policyassets.File
}

// writer is where a build writes its files: a fresh directory swapped in
// whole (output.Dir), or, for the preview, the served directory updated
// file by file (output.Update).
type writer interface {
	Write(sitePath string, data []byte) error
	Has(file string) bool
	Paths() []string
	Path() string
	Files() int
	Bytes() int64
	Commit() error
	Abort()
}

// job is one page to render or one file to write as is.
type job struct {
	kind kind // the page's kind; noKind for a file written as is
	path string
	page Page // nil once rendered, unless keep
	// keep keeps the page after rendering: publishing needs tombstones
	// for the redirects to them.
	keep bool
	// noIndex is the page's NoIndex, which the sitemap needs after the
	// page itself is gone.
	noIndex bool
	data    []byte
	gen     func() []byte // makes data while rendering, on every core
}

func (b *builder) add(k kind, p Page) {
	_, tomb := p.(*TombstonePage)
	b.jobs = append(b.jobs, job{kind: k, page: p, keep: tomb, path: p.base().Path, noIndex: p.base().NoIndex})
}

func (b *builder) addFile(path string, data []byte) {
	b.jobs = append(b.jobs, job{path: path, data: data})
}

// addGenerated adds a file whose data gen makes when the file is written,
// in parallel with the pages (the JSON twins of services and policies).
// gen must only read what the builder assembled.
func (b *builder) addGenerated(path string, gen func() []byte) {
	b.jobs = append(b.jobs, job{path: path, gen: gen})
}

func (b *builder) base(path, title, desc string, crumbs ...Crumb) Base {
	return Base{Path: path, Title: title, Description: desc, Crumbs: crumbs, Site: b.info}
}

// Build builds the site. On any error the previous output stays untouched.
func Build(ctx context.Context, cfg Config) (Stats, error) {
	start := time.Now()
	// Before anything is loaded: an output that must not be replaced
	// fails the build at once.
	if err := output.Check(cfg.Out, cfg.Protect); err != nil {
		return Stats{}, err
	}
	b, srch, err := prepare(ctx, cfg)
	if err != nil {
		return Stats{}, err
	}
	b.phase(start, "loaded content and assembled %s files", commas(len(b.jobs)))
	b.links = &linkcheck.Index{}
	out, err := output.New(b.cfg.Out, b.links.Add)
	if err != nil {
		return Stats{}, err
	}
	if err := b.write(ctx, out, srch, true); err != nil {
		return Stats{}, err
	}
	return b.stats(start), nil
}

// write renders the assembled jobs into out, publishes (the host files
// and the link check, or, unless whole, the link check alone) and commits
// out. srch, when not nil, is the search job to name and finish; without
// it the search's files are among the jobs. On an error out is aborted.
func (b *builder) write(ctx context.Context, out writer, srch *searchassets.Job, whole bool) error {
	b.out = out
	ok := false
	defer func() {
		if !ok {
			out.Abort()
		}
	}()
	if err := b.searchReady(srch); err != nil {
		return err
	}
	if err := b.policyEngineReady(); err != nil {
		return err
	}
	// Every file the render will write is known now: the link index checks
	// most links as the pages are written.
	if whole {
		expected := make([]string, len(b.jobs))
		for i, j := range b.jobs {
			expected[i] = "/" + output.FilePath(j.path)
		}
		b.links.Expect(expected)
	}
	t := time.Now()
	late := b.finishEngines(srch)
	if err := b.render(ctx); err != nil {
		late.stop()
		return err
	}
	rendered := time.Now()
	b.releaseFragments()
	if err := late.wait(rendered, func(s string) { b.publishNote("%s", s) }); err != nil {
		return err
	}
	b.phase(t, "rendered and wrote %s files", commas(len(b.jobs)))
	t = time.Now()
	publish := b.publish // publish.go: _redirects, sitemap, link check, URL manifest
	if !whole {
		publish = b.checkLinks
	}
	if err := publish(); err != nil {
		return err
	}
	b.phase(t, "published")
	t = time.Now()
	if err := out.Commit(); err != nil {
		return err
	}
	b.phase(t, "swapped the output in")
	ok = true
	return nil
}

// lateFiles are the search's and the policy engine's files that are ready
// only once the pages render (the engines, the compressed copies of the
// index and of the engine's catalog): written as soon as they are, beside
// the render, so that they (about 20 MB, most of it the engines read from
// .cache/wasm before the render starts) are not held, and traced by every
// collection, until the last page is written.
type lateFiles struct {
	mu      sync.Mutex
	stopped bool // the render failed: write nothing more
	done    chan struct{}
	notes   []func(rendered time.Time) string
	err     error
}

// finishEngines starts writing the late files of srch and of b.engine.
func (b *builder) finishEngines(srch *searchassets.Job) *lateFiles {
	l := &lateFiles{done: make(chan struct{})}
	write := func(path string, data []byte) error {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.stopped {
			return errors.New("the render failed")
		}
		return b.out.Write(path, data)
	}
	go func() {
		defer close(l.done)
		for _, finish := range []func(func(string, []byte) error) (func(time.Time) string, error){
			func(w func(string, []byte) error) (func(time.Time) string, error) { return b.searchFinish(srch, w) },
			b.policyEngineFinish,
		} {
			note, err := finish(write)
			if err != nil {
				l.err = err
				return
			}
			if note != nil {
				l.notes = append(l.notes, note)
			}
		}
	}()
	return l
}

// stop makes the late files' writer write nothing more, without waiting
// for the engines (a failed build does not wait for a compile).
func (l *lateFiles) stop() {
	l.mu.Lock()
	l.stopped = true
	l.mu.Unlock()
}

// wait waits for the late files to be written and notes what they took,
// given the time the render ended.
func (l *lateFiles) wait(rendered time.Time, note func(string)) error {
	<-l.done
	if l.err != nil {
		return l.err
	}
	for _, n := range l.notes {
		note(n(rendered))
	}
	return nil
}

// stats summarises the build that started at start.
func (b *builder) stats(start time.Time) Stats {
	pages := 0
	for _, j := range b.jobs {
		if j.kind != noKind {
			pages++
		}
	}
	return Stats{Pages: pages, Files: b.out.Files(), Bytes: b.out.Bytes(), Duration: time.Since(start)}
}

// phase reports a finished phase of the build and how long it took.
func (b *builder) phase(start time.Time, format string, args ...any) {
	if b.cfg.Progress != nil {
		fmt.Fprintf(b.cfg.Progress, "%s (%s)\n", fmt.Sprintf(format, args...), time.Since(start).Round(time.Millisecond))
	}
}

// prepare loads the content and assembles every page and file of the
// site, without writing anything, and starts building the search index
// (unless cfg.Search is off).
func prepare(ctx context.Context, cfg Config) (*builder, *searchassets.Job, error) {
	b, err := load(cfg)
	if err != nil {
		return nil, nil, err
	}
	srch := b.startSearch(ctx) // search.go: built while the pages are assembled
	b.startPolicyEngine(ctx)   // policyengine.go: likewise
	if err := b.assemble(); err != nil {
		return nil, nil, err
	}
	return b, srch, nil
}

// load parses the templates and loads the content: the catalog, the
// guides, the policies (evaluated) and the history.
func load(cfg Config) (*builder, error) {
	if cfg.Templates == nil {
		cfg.Templates = templates.FS
	}
	if cfg.Static == nil {
		cfg.Static = static.FS
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	// Every file of the content is read through the ignore rule, within
	// its size limit and as UTF-8 (package contentfs).
	cfg.Content = contentfs.New(cfg.Content)
	// Every stage loads and reports its problems before the build fails:
	// the templates, the inventory of the content, the catalog (what of it
	// loaded), the guides, the policies, the history and the assets.
	var errs diag.List
	tmpl, err := parseTemplates(cfg.Templates, runtime.GOMAXPROCS(0))
	errs = append(errs, diag.From("templates", err)...)
	errs = append(errs, contentfs.Inventory(cfg.Content)...)
	cat, catErrs := catalog.LoadPartial(cfg.Content)
	errs = append(errs, catErrs...)
	b := &builder{cfg: cfg, cat: cat, md: markup.New(), tmpl: tmpl, errs: errs, catalogFailed: len(catErrs) > 0,
		keys: map[keyRefKey]*KeyRef{}, rows: map[string]*ResourceRow{}}
	b.info = b.newInfo(nil)
	b.errs = append(b.errs, diag.From("catalog", b.checkSlugs())...)
	b.loadGuides()
	b.loadPolicies()
	b.loadHistory() // historypages.go: before the pages that show it
	// The URL manifest (urls.go): the pages keep what it promises.
	if urls, ok, err := readURLManifest(cfg.Content); err != nil {
		b.errs = append(b.errs, diag.From(URLManifest, err)...)
	} else {
		b.manifest, b.hasManifest = urls, ok
	}
	if err := b.assets(); err != nil {
		b.errs = append(b.errs, diag.From("static", err)...)
	}
	if err := b.errs.Err(); err != nil {
		return nil, err
	}
	return b, nil
}

// newInfo is the site-wide facts of the pages, with fresh caches of the
// rendered chrome and fragments (none without templates, which failed to
// parse); the sections come from prev, made by the loading, when the
// pages are assembled again.
func (b *builder) newInfo(prev *Info) *Info {
	i := &Info{Snapshot: b.cat.Snapshot, BaseURL: b.cfg.BaseURL, Dev: b.cfg.Dev, cat: b.cat}
	if b.tmpl != nil {
		i.chrome, i.fragments = newChromeCache(b.tmpl), newFragmentCache(b.tmpl)
	}
	if prev != nil {
		i.Nav = prev.Nav
	}
	return i
}

// assemble makes every page and file of the site from what load loaded
// (the static files, which load hashed, among them).
func (b *builder) assemble() error {
	b.keys, b.rows = map[keyRefKey]*KeyRef{}, map[string]*ResourceRow{}
	b.catalogPages()
	b.policyJobs[0] = len(b.jobs)
	b.policyPages()
	b.policyJobs[1] = len(b.jobs)
	b.checksPage()     // checkspages.go: /checks/
	b.workbenchPages() // workbench.go: /analyze/ and /write/
	b.historyPages()   // historypages.go: changes, feeds, tombstones (after every other page)
	b.qualityPage()    // qualitypages.go: /quality/ and /api/quality.json
	return b.errs.Err()
}

// assets copies every static file under a name carrying its content hash,
// so it can be cached forever. The chroma stylesheet is appended to the
// site's one stylesheet.
func (b *builder) assets() error {
	b.info.Assets = map[string]string{}
	err := fs.WalkDir(b.cfg.Static, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) == ".go" {
			return err
		}
		data, err := fs.ReadFile(b.cfg.Static, p)
		if err != nil {
			return err
		}
		if p == "css/site.css" {
			data = append(append(data, "\n/* code highlighting (chroma) */\n"...), markup.CSS()...)
		}
		ext := path.Ext(p)
		b.info.Assets[p] = b.hashed("/static/"+strings.TrimSuffix(p, ext), ext, data)
		return nil
	})
	if err != nil {
		return fmt.Errorf("static: %w", err)
	}
	for _, need := range []string{"css/site.css", "js/site.js"} {
		if b.info.Assets[need] == "" {
			return fmt.Errorf("static: %s is missing", need)
		}
	}
	return nil
}

// hashed adds a file named by its content hash and returns its path.
func (b *builder) hashed(prefix, ext string, data []byte) string {
	sum := sha256.Sum256(data)
	p := prefix + "." + hex.EncodeToString(sum[:])[:10] + ext
	b.addFile(p, data)
	return p
}

// render executes every job on all cores and writes the files. The
// policy jobs go first: once they are written, the policies' evaluations
// (about 50 MB and 400,000 objects) need not live on, nor be traced by
// every collection while the other 27,000 pages render.
func (b *builder) render(ctx context.Context) error {
	g, ctx := errgroup.WithContext(ctx)
	workers := min(runtime.GOMAXPROCS(0), len(b.tmpl.workers))
	var next, done, policyDone atomic.Int64
	total := int64(len(b.jobs))
	order := renderOrder(len(b.jobs), b.policyJobs)
	policyJobs := int64(b.policyJobs[1] - b.policyJobs[0])
	if policyJobs == 0 {
		b.releasePolicyViews()
	}
	// The progress lines stop before render returns: the build writes
	// its next lines to the same writer.
	stop := make(chan struct{})
	var ticker sync.WaitGroup
	defer ticker.Wait()
	if b.cfg.Progress != nil {
		ticker.Go(func() {
			t := time.NewTicker(500 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					fmt.Fprintf(b.cfg.Progress, "rendering: %s of %s files\n", commas(int(done.Load())), commas(int(total)))
				}
			}
		})
	}
	defer close(stop)
	for w := 0; w < workers; w++ {
		g.Go(func() error {
			var buf bytes.Buffer
			for {
				n := next.Add(1) - 1
				if n >= total {
					return nil
				}
				i := int64(order[n])
				if err := ctx.Err(); err != nil {
					return err
				}
				j := b.jobs[i]
				data := j.data
				if j.gen != nil {
					data = j.gen()
				}
				if j.kind != noKind {
					buf.Reset()
					var err error
					// The label splits a CPU profile by page kind
					// (go tool pprof -tagfocus kind=action).
					pprof.Do(ctx, b.tmpl.labels[j.kind], func(context.Context) {
						err = b.tmpl.execute(&buf, w, j.kind, j.page)
					})
					if err != nil {
						return fmt.Errorf("rendering %s: %w", j.path, err)
					}
					data = buf.Bytes()
				}
				if err := b.out.Write(j.path, data); err != nil {
					return err
				}
				if buf.Cap() > maxKeptBuffer {
					// After one of the few largest pages (a managed
					// policy of 3.5 MB): the buffer need not stay that
					// large, and live, for the rest of the render.
					buf = bytes.Buffer{}
				}
				// Written: 60 MB of JSON and the pages' views (a few
				// hundred MB over the build) need not live on, and the
				// collector need not trace them again.
				b.jobs[i].data = nil
				if !j.keep {
					b.jobs[i].page = nil
				}
				done.Add(1)
				if n < policyJobs && policyDone.Add(1) == policyJobs {
					b.releasePolicyViews()
				}
			}
		})
	}
	return g.Wait()
}

// maxKeptBuffer is the largest buffer a render worker keeps from one page
// to the next: larger than all but about 20 pages of the full build.
const maxKeptBuffer = 1 << 20

// renderOrder is the order render takes the jobs in: those in [first[0],
// first[1]) first, then the others in their own order.
func renderOrder(n int, first [2]int) []int32 {
	order := make([]int32, 0, n)
	for i := first[0]; i < first[1]; i++ {
		order = append(order, int32(i))
	}
	for i := 0; i < n; i++ {
		if i < first[0] || i >= first[1] {
			order = append(order, int32(i))
		}
	}
	return order
}

// releasePolicyViews lets the policies' evaluations go, once every page
// and file that shows them is written. Pages rendered later see no
// PolicyView: a template that asked for one would fail the build.
func (b *builder) releasePolicyViews() {
	if b.pol == nil || b.keepViews {
		return
	}
	for _, m := range b.pol.managed {
		m.View = nil
	}
	for _, ex := range b.pol.examples {
		ex.View = nil
	}
}

// releaseFragments lets the rendered fragments go (fragments.go: 30 MB in
// the full build) once every page is written, before the link check needs
// its memory, unless a Session keeps the builder to render again.
func (b *builder) releaseFragments() {
	if !b.keepViews {
		b.info.fragments = nil
	}
}

// checkSlugs makes sure no two resource types of a service, and no two
// condition keys, share a path.
func (b *builder) checkSlugs() error {
	var errs diag.List
	keys := map[string]string{}
	for _, k := range b.cat.ConditionKeys() {
		s := Slug(k.Name)
		if prev, dup := keys[s]; dup {
			errs = append(errs, &diag.Diagnostic{File: "catalog", Msg: fmt.Sprintf("condition keys %q and %q would share the page %s", prev, k.Name, ConditionKeyPath(k.Name))})
		}
		keys[s] = k.Name
	}
	for _, s := range b.cat.Services {
		seen := map[string]string{}
		for _, rt := range s.ResourceTypes {
			sl := Slug(rt.Name)
			if prev, dup := seen[sl]; dup {
				errs = append(errs, &diag.Diagnostic{File: s.File, Msg: fmt.Sprintf("resource types %q and %q would share the page %s", prev, rt.Name, ResourcePath(rt))})
			}
			seen[sl] = rt.Name
			if reservedSegments[sl] {
				continue
			}
		}
		for _, a := range s.Actions {
			if reservedSegments[a.Name] {
				errs = append(errs, &diag.Diagnostic{File: a.File, Line: a.Line, Col: a.Col, Msg: fmt.Sprintf("action %s would collide with the site's %s/ pages", a.ID(), a.Name)})
			}
		}
	}
	return errs.Err()
}

// reservedSegments are path segments under /<prefix>/ that are not actions.
var reservedSegments = map[string]bool{"resources": true, "guides": true, "matrix": true, "changes": true, "compare": true}

// guideSlug is the form of a guide's file name, its URL segment.
var guideSlug = exampleSlug

// loadGuides reads guides/<prefix>/*.md.
func (b *builder) loadGuides() {
	b.guides = map[string][]*Guide{}
	files, _ := fs.Glob(b.cfg.Content, "guides/*/*.md")
	sort.Strings(files)
	for _, f := range files {
		prefix := path.Base(path.Dir(f))
		svc := b.cat.Service(prefix)
		if svc == nil {
			if !b.cat.Broken(prefix) {
				b.errs = append(b.errs, &diag.Diagnostic{File: f, Msg: fmt.Sprintf("guide for unknown service prefix %q", prefix)})
			}
			continue
		}
		if slug := strings.TrimSuffix(path.Base(f), ".md"); !guideSlug.MatchString(slug) {
			b.errs = append(b.errs, &diag.Diagnostic{File: f, Msg: fmt.Sprintf("guide name %q: use lower-case letters, digits and '-' (the name is the guide's URL, %s)", slug, GuidePath(prefix, slug))})
			continue
		}
		doc, ok := b.markdown(f)
		if !ok {
			continue
		}
		if doc.Service != "" && doc.Service != svc.Prefix {
			b.errs = append(b.errs, &diag.Diagnostic{File: f, Line: 1, Msg: fmt.Sprintf("front matter says service %q but the guide is under %s/", doc.Service, prefix)})
		}
		b.guides[svc.Prefix] = append(b.guides[svc.Prefix], &Guide{Service: svc, Slug: strings.TrimSuffix(path.Base(f), ".md"), File: f, Doc: doc})
	}
	for _, gs := range b.guides {
		sort.SliceStable(gs, func(i, j int) bool {
			if gs[i].Doc.Order != gs[j].Doc.Order {
				return gs[i].Doc.Order < gs[j].Doc.Order
			}
			return gs[i].Slug < gs[j].Slug
		})
	}
}

// markdown reads and renders a Markdown file of the content; a problem is
// added to the build's errors.
func (b *builder) markdown(f string) (*markup.Document, bool) {
	src, err := fs.ReadFile(b.cfg.Content, f)
	if err != nil {
		b.errs = append(b.errs, diag.From(f, err)...)
		return nil, false
	}
	doc, err := b.md.Render(f, src)
	if err != nil {
		b.errs = append(b.errs, diag.From(f, err)...)
		return nil, false
	}
	return doc, true
}
