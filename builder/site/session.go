package site

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/contentfs"
	"github.com/iamref/iamref/builder/linkcheck"
	"github.com/iamref/iamref/builder/output"
	"github.com/iamref/iamref/builder/policy"
	"github.com/iamref/iamref/builder/search"
	"github.com/iamref/iamref/builder/searchassets"
	"github.com/iamref/iamref/internal/parallel"
)

// Session builds the site again and again for the preview server
// (go run ./cmd/build -serve), keeping in memory what the last build
// loaded, computed and assembled, and what the output holds (the sum of
// every file). After an edit it does the least that gives the same output
// as a build from scratch:
//
//   - a guide changed (not added or removed): the guides are loaded again,
//     its page is assembled and rendered again, and, when the service's
//     list of guides changed (a title, a summary: deps.go's inGuideList),
//     the service page and its other guides' pages; the search index is
//     rebuilt afterwards (Rebuild.Again); guides reordered are a whole
//     rebuild (the sitemap lists the pages in order);
//   - templates or static files only: the templates are parsed again and
//     every page is assembled and rendered again from the loaded content
//     (a stylesheet's hashed name is on every page, and base.tmpl makes
//     every page), without loading the catalog, the policies or the
//     history;
//   - anything else (the catalog, the policies, the examples, the history,
//     an added or removed guide): everything is loaded again.
//
// Whatever it renders, it writes only the files whose bytes changed
// (output.Update), and says which (Rebuild.Changed), so the server reloads
// only the open pages that changed. Config.Dev should be on: the pages
// then name the search index by a fixed name (searchassets'
// FixedIndexNames), so a new index changes only the index.
//
// A Session is not safe for concurrent use.
type Session struct {
	cfg   Config
	b     *builder        // the last successful build's state
	files output.Manifest // what the output holds
	// srch are the search's names and files, reused by builds that do
	// not index again.
	srchNames *searchassets.Files
	srchFiles []searchassets.File
	docsKey   string // the key of the documents the index holds
	// pending says the search index is to be built again, after a guide
	// or an example edit: its documents are made, and compared with those
	// it holds, after the pages are served.
	pending bool
	// indexing is the index being made for pending, in the background: a
	// Build interrupted while it waits for it leaves it running, and the
	// next one that asks for the same documents takes it.
	indexing *indexJob
	failed   bool // the last Build failed
}

// indexJob makes the search index of some documents.
type indexJob struct {
	key   string        // docsKey of the documents
	done  chan struct{} // closed once files and err are set
	files []searchassets.File
	err   error
}

func startIndex(key string, docs []search.Document) *indexJob {
	j := &indexJob{key: key, done: make(chan struct{})}
	go func() {
		defer close(j.done)
		j.files, j.err = searchassets.IndexFiles(docs, true)
	}()
	return j
}

// NewSession starts a session; its first Build builds the whole site.
func NewSession(cfg Config) *Session { return &Session{cfg: cfg} }

// Changes are the files changed since the last Build, each relative to
// its directory: the content, the templates and the static files.
type Changes struct {
	Content, Templates, Static []string
}

// visible are the changes without the files of editors and the system
// (a vim swap file, an emacs lock), which the build never reads
// (contentfs.Ignored): a change to one touches nothing.
func (c Changes) visible() Changes {
	keep := func(files []string) []string {
		var kept []string
		for _, f := range files {
			if !contentfs.IgnoredPath(f) {
				kept = append(kept, f)
			}
		}
		return kept
	}
	return Changes{Content: keep(c.Content), Templates: keep(c.Templates), Static: keep(c.Static)}
}

func (c Changes) empty() bool { return len(c.Content)+len(c.Templates)+len(c.Static) == 0 }

// Rebuild says what a Build did.
type Rebuild struct {
	Stats
	// How is what was built again: "whole" (loaded and built everything),
	// "templates" (parsed the templates and static files, assembled and
	// rendered every page from the loaded content), "guides" (some
	// services' pages), "search" (the index alone), "nothing".
	How string
	// Changed are the files written or removed (site-absolute, such as
	// /s3/index.html), sorted; All is set instead on the first build.
	Changed []string
	All     bool
	// Again asks for another Build with no changes: the search index may
	// be to rebuild (its documents are made and compared then). The pages
	// that changed are written already. That Build waits for the index
	// until its ctx is done: cancelled (the server saw another edit), it
	// returns at once with How "search, interrupted" and Again still set,
	// and the index goes on being made meanwhile.
	Again bool
}

// Build builds what the changes touched (the whole site, the first time).
// On an error the output stays as it was, and the next Build is a whole
// one: the changes that failed are not in what the session holds.
func (s *Session) Build(ctx context.Context, ch Changes) (Rebuild, error) {
	r, err := s.build(ctx, ch.visible())
	s.failed = err != nil
	// An index still to make (after an interrupted Build) is asked for
	// again after any build that did not make it.
	r.Again = r.Again || err == nil && s.pending
	return r, err
}

func (s *Session) build(ctx context.Context, ch Changes) (Rebuild, error) {
	start := time.Now()
	switch {
	case s.b == nil || s.failed:
		return s.whole(ctx, start, "whole")
	case ch.empty() && s.pending:
		return s.reindex(ctx, start)
	case ch.empty():
		return Rebuild{How: "nothing"}, nil
	case len(ch.Content) == 0:
		return s.templates(ctx, start)
	}
	s.pending = false // a whole build indexes; a guide or example build asks again
	if r, ok, err := s.guides(ctx, start, ch.Content); ok || err != nil {
		return r, err
	}
	if r, ok, err := s.examples(ctx, start, ch.Content); ok || err != nil {
		return r, err
	}
	return s.whole(ctx, start, "whole")
}

// whole loads and builds everything.
func (s *Session) whole(ctx context.Context, start time.Time, how string) (Rebuild, error) {
	// Before anything is loaded, as in Build: an output the first build
	// must not replace (output.Check) fails it at once.
	if s.b == nil {
		if err := output.Check(s.cfg.Out, s.cfg.Protect); err != nil {
			return Rebuild{}, err
		}
	}
	b, srch, err := prepare(ctx, s.cfg)
	if err != nil {
		return Rebuild{}, err
	}
	b.keepViews = true
	b.phase(start, "loaded content and assembled %s files", commas(len(b.jobs)))
	b.links = &linkcheck.Index{}
	b.links.Retain() // for the partial rebuilds' checks (checkLinks)
	var out writer
	var sums *sumRecorder
	if s.b == nil {
		// The first build replaces the directory whole (checked above);
		// the sums of what it writes are recorded.
		sums = &sumRecorder{m: output.Manifest{}, next: b.links.Add}
		out, err = output.New(s.cfg.Out, sums.add)
	} else {
		out, err = output.NewUpdate(s.cfg.Out, s.files, false, b.links.Add)
	}
	if err != nil {
		return Rebuild{}, err
	}
	if err := b.write(ctx, out, srch, true); err != nil {
		return Rebuild{}, err
	}
	r := Rebuild{Stats: b.stats(start), How: how}
	if sums != nil {
		s.files, r.All = sums.m, true
	} else {
		u := out.(*output.Update)
		s.files, r.Changed = u.Manifest(), u.Changed()
	}
	s.b, s.pending, s.indexing = b, false, nil
	// The policy engine's files are written: the later builds reuse them
	// (reusePolicyEngine), and a partial one must not add them again.
	b.engine = nil
	s.srchNames, s.srchFiles = b.srchNames, b.srchFiles
	if s.cfg.Search {
		s.docsKey = docsKey(b.searchDocs())
	}
	return r, nil
}

// templates parses the templates and static files again and renders every
// page again from the loaded content.
func (s *Session) templates(ctx context.Context, start time.Time) (Rebuild, error) {
	old := s.b
	tmpl, err := parseTemplates(old.cfg.Templates, len(old.tmpl.workers))
	if err != nil {
		return Rebuild{}, err
	}
	b := &builder{cfg: old.cfg, cat: old.cat, md: old.md, tmpl: tmpl, guides: old.guides, pol: old.pol, keepViews: true,
		catalogFailed: old.catalogFailed, manifest: old.manifest, hasManifest: old.hasManifest}
	b.info = b.newInfo(old.info)
	if old.hist != nil {
		hb := *old.hist // its caches are of the content, which did not change
		hb.b = b
		b.hist = &hb
	}
	if err := b.assets(); err != nil {
		return Rebuild{}, err
	}
	if err := b.assemble(); err != nil {
		return Rebuild{}, err
	}
	// Pages assembled while loading (the policy matrices) name the old
	// templates' Info and fragments: every page gets the new ones.
	for _, j := range b.jobs {
		if j.page != nil {
			bs := j.page.base()
			bs.Site, bs.frags = b.info, nil
		}
	}
	if err := b.reuseSearch(s.srchNames, s.srchFiles); err != nil {
		return Rebuild{}, err
	}
	b.reusePolicyEngine(old)
	b.phase(start, "assembled %s files from the loaded content", commas(len(b.jobs)))
	b.links = &linkcheck.Index{}
	b.links.Retain() // for the partial rebuilds' checks (checkLinks)
	out, err := output.NewUpdate(s.cfg.Out, s.files, false, b.links.Add)
	if err != nil {
		return Rebuild{}, err
	}
	if err := b.write(ctx, out, nil, true); err != nil {
		return Rebuild{}, err
	}
	s.b, s.files = b, out.Manifest()
	return Rebuild{Stats: b.stats(start), How: "templates", Changed: out.Changed()}, nil
}

// guides rebuilds after edits to guides alone, none added or removed: ok
// is false when the edit is not that (or a kind that reads guides is not
// one guides can assemble), and the caller builds the whole site. The
// guides are loaded again; each edited guide's page is rendered again
// (guideKind, the one kind that reads a guide's text, its own), and, of a
// service whose list of guides changed (a title, a summary), the pages
// that read the list: its service page and
// every guide's page. Guides reordered build the whole site (the sitemap
// lists the pages in order).
func (s *Session) guides(ctx context.Context, start time.Time, changed []string) (Rebuild, bool, error) {
	b := s.b
	if !b.cfg.Dev && b.cfg.Search {
		return Rebuild{}, false, nil // the pages name the index by its hash
	}
	edited := map[string]bool{}
	for _, f := range changed {
		if inputOf(f) != inGuides {
			return Rebuild{}, false, nil
		}
		edited[path.Clean(f)] = true
	}
	if !slices.Equal(readers(inGuides), []kind{guideKind}) {
		return Rebuild{}, false, nil
	}
	for _, k := range readers(inGuideList) {
		if k != serviceKind && k != guideKind {
			return Rebuild{}, false, nil
		}
	}
	files, _ := fs.Glob(b.cfg.Content, "guides/*/*.md")
	var had []string
	for _, gs := range b.guides {
		for _, g := range gs {
			had = append(had, g.File)
		}
	}
	sort.Strings(files)
	sort.Strings(had)
	if !slices.Equal(files, had) {
		return Rebuild{}, false, nil // added or removed: the set of pages changes
	}
	oldGuides, oldJobs, oldPolicyJobs := b.guides, b.jobs, b.policyJobs
	restore := func() { b.guides, b.jobs, b.policyJobs, b.errs = oldGuides, oldJobs, oldPolicyJobs, nil }
	b.errs = nil
	b.loadGuides()
	if err := b.errs.Err(); err != nil {
		restore()
		return Rebuild{}, true, err
	}
	for p, gs := range b.guides {
		if !slices.EqualFunc(gs, oldGuides[p], func(g, o *Guide) bool { return g.File == o.File }) {
			// Reordered: the order of the pages is the sitemap's too,
			// which a whole build writes.
			restore()
			return Rebuild{}, false, nil
		}
	}
	b.jobs, b.policyJobs = nil, [2]int{}
	for _, p := range slices.Sorted(maps.Keys(b.guides)) {
		gs := b.guides[p]
		listed := guideList(gs)
		relisted := guideListKey(gs) != guideListKey(oldGuides[p])
		if relisted {
			b.add(serviceKind, b.servicePage(gs[0].Service))
		}
		for _, g := range gs {
			if relisted || edited[g.File] {
				b.add(guideKind, b.guidePage(g, listed))
			}
		}
	}
	out, err := output.NewUpdate(s.cfg.Out, s.files, true, b.links.Add)
	if err != nil {
		restore()
		return Rebuild{}, true, err
	}
	if err := b.write(ctx, out, nil, false); err != nil {
		restore()
		// The link index holds the pages that failed; the next build of
		// them puts them back, and a whole build makes a new index.
		s.b = nil
		return Rebuild{}, true, err
	}
	r := Rebuild{Stats: b.stats(start), How: "guides", Changed: out.Changed()}
	b.jobs, b.policyJobs = oldJobs, oldPolicyJobs
	s.files = out.Manifest()
	s.pending, r.Again = b.cfg.Search, b.cfg.Search
	return r, true, nil
}

// examples rebuilds after edits to examples alone, none added or removed:
// the examples are loaded and evaluated again, and the pages that show
// them assembled and rendered again: each example's page and the list,
// and the pages of the actions whose examples changed (an example that
// allows it now and did not before, or no longer, or otherwise: another
// pattern, state or title).
// ok is false when the edit is not that (or a kind that reads examples is
// not one examples can assemble), and the caller builds the whole site.
func (s *Session) examples(ctx context.Context, start time.Time, changed []string) (Rebuild, bool, error) {
	b := s.b
	if b.pol == nil || !b.cfg.Dev && b.cfg.Search {
		return Rebuild{}, false, nil
	}
	for _, f := range changed {
		if inputOf(f) != inExamples {
			return Rebuild{}, false, nil
		}
	}
	for _, k := range readers(inExamples) {
		if !slices.Contains(exampleKinds, k) {
			return Rebuild{}, false, nil
		}
	}
	var files, had []string
	for _, pat := range []string{"examples/*.md", "examples/*.json"} {
		m, _ := fs.Glob(b.cfg.Content, pat)
		files = append(files, m...)
	}
	ps := b.pol
	for _, ex := range ps.examples {
		had = append(had, ex.File, "examples/"+ex.Slug+".json")
	}
	sort.Strings(files)
	sort.Strings(had)
	if !slices.Equal(files, had) {
		return Rebuild{}, false, nil // added or removed (or a broken pair): the set of pages changes
	}
	oldExamples, oldJobs, oldPolicyJobs := ps.examples, b.jobs, b.policyJobs
	b.errs, ps.examples = nil, nil
	b.loadExamples()
	if err := b.errs.Err(); err != nil || len(ps.examples) != len(oldExamples) {
		ps.examples, b.errs = oldExamples, nil
		if err == nil {
			return Rebuild{}, false, nil
		}
		return Rebuild{}, true, err
	}
	parallel.Each(len(ps.examples), func(i int) {
		ps.examples[i].View.evaluate(ps.engine, policy.Options{}) // as loadPolicies does
	})
	for _, ex := range ps.examples {
		ps.linkMatrices(ex.View)
	}
	// What the action pages say about examples, made again: the entries
	// only examples made go, the others lose their examples.
	oldActions := ps.actions
	ps.actions = make(map[*catalog.Action]*ActionPolicies, len(oldActions))
	for a, ap := range oldActions {
		if ap.Total == 0 {
			continue // made for examples alone (actionPolicies)
		}
		c := *ap
		c.Examples = nil
		ps.actions[a] = &c
	}
	ps.exampleGrants()
	// The action pages to render again: those whose examples changed.
	touched := map[*catalog.Action]bool{}
	examplesOf := func(m map[*catalog.Action]*ActionPolicies, a *catalog.Action) []*ActionGrant {
		if ap := m[a]; ap != nil {
			return ap.Examples
		}
		return nil
	}
	for _, m := range []map[*catalog.Action]*ActionPolicies{oldActions, ps.actions} {
		for a := range m {
			if !slices.EqualFunc(examplesOf(oldActions, a), examplesOf(ps.actions, a), sameActionGrant) {
				touched[a] = true
			}
		}
	}
	restore := func() {
		ps.examples, ps.actions = oldExamples, oldActions
		b.jobs, b.policyJobs, b.errs = oldJobs, oldPolicyJobs, nil
	}
	b.jobs, b.policyJobs = nil, [2]int{}
	b.examplePages()
	actions := slices.Collect(maps.Keys(touched))
	sort.Slice(actions, func(i, j int) bool { return actions[i].ID() < actions[j].ID() })
	for _, a := range actions {
		b.add(actionKind, b.actionPage(a, serviceCrumbs(a.Service)))
	}
	out, err := output.NewUpdate(s.cfg.Out, s.files, true, b.links.Add)
	if err != nil {
		restore()
		return Rebuild{}, true, err
	}
	if err := b.write(ctx, out, nil, false); err != nil {
		restore()
		s.b = nil // the link index holds the pages that failed: the next build is whole
		return Rebuild{}, true, err
	}
	r := Rebuild{Stats: b.stats(start), How: "examples", Changed: out.Changed()}
	b.jobs, b.policyJobs = oldJobs, oldPolicyJobs
	s.files = out.Manifest()
	s.pending, r.Again = b.cfg.Search, b.cfg.Search
	return r, true, nil
}

// sameActionGrant reports whether two grants show the same on a page.
func sameActionGrant(a, b *ActionGrant) bool {
	return a.Name == b.Name && a.Path == b.Path && slices.Equal(a.Patterns, b.Patterns) && a.State == b.State && a.Since == b.Since
}

// exampleKinds are the kinds examples assembles.
var exampleKinds = []kind{exampleKind, examplesKind, actionKind}

// reindex builds the search index again, when its documents changed, and
// writes it. The index is made in the background (indexJob): when ctx is
// done first, reindex returns at once and pending stays set.
func (s *Session) reindex(ctx context.Context, start time.Time) (Rebuild, error) {
	docs := s.b.searchDocs()
	key := docsKey(docs)
	if key == s.docsKey {
		s.pending, s.indexing = false, nil
		return Rebuild{How: "nothing", Stats: Stats{Duration: time.Since(start)}}, nil
	}
	if s.indexing == nil || s.indexing.key != key {
		s.indexing = startIndex(key, docs)
	}
	j := s.indexing
	select {
	case <-j.done:
	case <-ctx.Done():
		return Rebuild{How: "search, interrupted", Stats: Stats{Duration: time.Since(start)}}, nil
	}
	s.pending, s.indexing = false, nil
	files, err := j.files, j.err
	if err != nil {
		return Rebuild{}, err
	}
	out, err := output.NewUpdate(s.cfg.Out, s.files, true, nil)
	if err != nil {
		return Rebuild{}, err
	}
	for _, f := range files {
		if err := out.Write(f.Path, f.Data); err != nil {
			out.Abort()
			return Rebuild{}, err
		}
	}
	if err := out.Commit(); err != nil {
		return Rebuild{}, err
	}
	for _, f := range files {
		if i := slices.IndexFunc(s.srchFiles, func(g searchassets.File) bool { return g.Path == f.Path }); i >= 0 {
			s.srchFiles[i] = f
		}
	}
	s.files, s.docsKey = out.Manifest(), key
	return Rebuild{Stats: Stats{Files: len(files), Bytes: out.Bytes(), Duration: time.Since(start)}, How: "search", Changed: out.Changed()}, nil
}

// docsKey is a hash of the search documents.
func docsKey(docs []search.Document) string {
	h := sha256.New()
	var buf []byte
	for i := range docs {
		d := &docs[i]
		buf = d.AppendKey(buf[:0])
		h.Write(buf)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// sumRecorder records the sum of every file a build writes, then passes it
// on.
type sumRecorder struct {
	mu   sync.Mutex
	m    output.Manifest
	next func(file string, data []byte)
}

func (r *sumRecorder) add(file string, data []byte) {
	sum := output.Sum(sha256.Sum256(data))
	r.mu.Lock()
	r.m[file] = sum
	r.mu.Unlock()
	r.next(file, data)
}

// String is the summary the preview server prints.
func (r Rebuild) String() string {
	what := fmt.Sprintf("%d files changed", len(r.Changed))
	if r.All {
		what = "all files written"
	}
	return fmt.Sprintf("%s (%s: %s)", r.Stats, r.How, what)
}
