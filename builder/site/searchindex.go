package site

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/search"
	"github.com/iamref/iamref/builder/search/wasmbuild"
)

// The site's search (builder/search): an index of every action, service,
// resource type, condition key, managed policy, example and guide section,
// written under a content-hashed name, and the engine that reads it, Go
// compiled to WebAssembly by wasmbuild (cached in <module>/.cache/wasm).
// Both are made while the pages are assembled and rendered. The page
// templates need only their names: the index's, a hash of its bytes, is
// known once it is built (seconds); the engine's, a hash of its inputs
// (wasmbuild.Job.Name), before it compiles, so the pages render while the
// engine compiles (about a minute on a fresh clone):
//
//	startSearch  after loading: documents, then index and engine in the background
//	ready        before rendering: names into Info.Search, files into the jobs
//	finish       before publishing: the index's .br and .gz copies, the engine
//
// Files, all at the site root: the index's parts search-<hash>.idx (names)
// and search-desc-<hash>.idx (descriptions), search-<hash>.wasm and
// wasm_exec-<hash>.js (each with .br and .gz copies), search.json
// (for go run ./cmd/search -index public) and opensearch.xml.
type searchJob struct {
	b *builder

	named    chan struct{} // closed when engine (or wasmErr) is set
	engine   *wasmbuild.Job
	wasmDone chan struct{} // closed when wasm (or wasmErr) is set
	wasm     *wasmbuild.Files
	wasmErr  error

	indexDone chan struct{}
	parts     [2]indexPart // names, descriptions (search.Index)
	indexErr  error

	compressed chan struct{} // closed when the parts' br and gz are set
	compErr    error

	cached                              bool // the index came from .cache/search
	docs                                int
	start                               time.Time
	indexTime, wasmTime, wait, wasmWait time.Duration
}

// indexPart is one part of the index with its compressed copies.
type indexPart struct{ data, br, gz []byte }

// indexPrefixes are the prefixes of the parts' file names (and of their
// entries in .cache/search).
var indexPrefixes = [2]string{"search-", "search-desc-"}

// startSearch collects the search documents and starts building the index
// and the engine. It returns nil when the build has no search.
func (b *builder) startSearch(ctx context.Context) *searchJob {
	if !b.cfg.Search {
		return nil
	}
	s := &searchJob{b: b, named: make(chan struct{}), wasmDone: make(chan struct{}), indexDone: make(chan struct{}), compressed: make(chan struct{}), start: time.Now()}
	docs := b.searchDocs()
	s.docs = len(docs)
	rootDone := make(chan struct{})
	root, rootErr := b.cfg.ModuleRoot, error(nil)
	go func() {
		defer close(s.wasmDone)
		if root == "" {
			root, rootErr = wasmbuild.ModuleRoot(ctx)
		}
		close(rootDone)
		if rootErr == nil {
			s.engine, rootErr = wasmbuild.Start(ctx, root, filepath.Join(root, ".cache", "wasm"))
		}
		s.wasmErr = rootErr
		close(s.named)
		if rootErr != nil {
			return
		}
		s.wasm, s.wasmErr = s.engine.Wait()
		s.wasmTime = time.Since(s.start)
	}()
	go func() {
		defer close(s.compressed)
		<-rootDone
		cache := ""
		if rootErr == nil {
			cache = filepath.Join(root, ".cache", "search")
		}
		key := indexKey(docs)
		if s.readCached(cache, key) {
			s.indexTime = time.Since(s.start)
			close(s.indexDone)
			return
		}
		idx, err := search.Build(docs, search.Options{})
		if err == nil {
			s.parts[0].data, s.parts[1].data = idx.Names(), idx.Descriptions()
		}
		s.indexErr = err
		s.indexTime = time.Since(s.start)
		close(s.indexDone)
		if err != nil {
			return
		}
		for i := range s.parts {
			p := &s.parts[i]
			if p.br, p.gz, err = search.CompressIndex(p.data); err != nil {
				s.compErr = err
				return
			}
		}
		if cache != "" && key != "" {
			writeCachedIndex(cache, key, s.parts) // a cache: failing to write it changes nothing
		}
	}()
	return s
}

// The index is cached in <module>/.cache/search under a hash of the
// documents and of the running builder's executable (which holds the
// indexing code): a build whose content did not change reads the index
// and its compressed copies instead of making them. The last few entries
// are kept.
const keepCachedIndexes = 3

var (
	exeHashOnce sync.Once
	exeHash     []byte
)

// indexKey is the cache key of the index of docs, "" when the executable
// cannot be read.
func indexKey(docs []search.Document) string {
	exeHashOnce.Do(func() {
		exe, err := os.Executable()
		if err != nil {
			return
		}
		f, err := os.Open(exe)
		if err != nil {
			return
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err == nil {
			exeHash = h.Sum(nil)
		}
	})
	if exeHash == nil {
		return ""
	}
	h := sha256.New()
	h.Write(exeHash)
	var buf []byte
	for i := range docs {
		d := &docs[i]
		buf = buf[:0]
		for _, f := range []string{d.Kind, d.ID, d.Title, d.URL, d.Service, d.ServiceName, d.AccessLevel, d.AccessOverride, d.Description} {
			buf = binary.AppendUvarint(buf, uint64(len(f)))
			buf = append(buf, f...)
		}
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

func (s *searchJob) readCached(dir, key string) bool {
	if dir == "" || key == "" {
		return false
	}
	var parts [2]indexPart
	for i, p := range cachedIndexPaths(dir, key) {
		var err1, err2, err3 error
		parts[i].data, err1 = os.ReadFile(p)
		parts[i].br, err2 = os.ReadFile(p + ".br")
		parts[i].gz, err3 = os.ReadFile(p + ".gz")
		if err1 != nil || err2 != nil || err3 != nil {
			return false
		}
	}
	s.parts, s.cached = parts, true
	now := time.Now()
	_ = os.Chtimes(cachedIndexPaths(dir, key)[0], now, now) // recently used: kept by the pruning
	return true
}

// cachedIndexPaths are the files of the parts of an index in the cache:
// the names part's marks a complete entry.
func cachedIndexPaths(dir, key string) [2]string {
	return [2]string{filepath.Join(dir, "index-"+key+".idx"), filepath.Join(dir, "index-"+key+".desc.idx")}
}

func writeCachedIndex(dir, key string, parts [2]indexPart) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return
	}
	paths := cachedIndexPaths(dir, key)
	type file struct {
		path string
		data []byte
	}
	// the descriptions part and the copies first: the names part's .idx
	// marks a complete entry
	var files []file
	for _, i := range []int{1, 0} {
		files = append(files, file{paths[i] + ".br", parts[i].br}, file{paths[i] + ".gz", parts[i].gz}, file{paths[i], parts[i].data})
	}
	for _, f := range files {
		if search.WriteFileAtomic(f.path, f.data) != nil {
			return
		}
	}
	entries, _ := filepath.Glob(filepath.Join(dir, "index-*.idx"))
	type entry struct {
		key string
		mod time.Time
	}
	var es []entry
	for _, e := range entries {
		k := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(e), "index-"), ".idx")
		if strings.Contains(k, ".") {
			continue // a descriptions part
		}
		if st, err := os.Stat(e); err == nil {
			es = append(es, entry{k, st.ModTime()})
		}
	}
	slices.SortFunc(es, func(a, b entry) int { return b.mod.Compare(a.mod) })
	for _, e := range es[min(len(es), keepCachedIndexes):] {
		paths := cachedIndexPaths(dir, e.key)
		for _, p := range []string{paths[0], paths[1] + ".br", paths[1] + ".gz", paths[1], paths[0] + ".br", paths[0] + ".gz"} { // the marker first
			os.Remove(p)
		}
	}
}

// ready waits for the index and the engine, names them in Info.Search and
// adds their files to the build.
func (s *searchJob) ready() error {
	if s == nil {
		return nil
	}
	waitStart := time.Now()
	<-s.named
	<-s.indexDone
	s.wait = time.Since(waitStart)
	if s.wasmErr != nil {
		return s.engineError()
	}
	if s.indexErr != nil {
		return fmt.Errorf("search index: %w", s.indexErr)
	}
	b := s.b
	wasm := s.engine.Name() // written by finish, once compiled
	execJS := search.HashName("wasm_exec-", ".js", s.engine.WasmExec)
	br, gz, err := search.Compress(s.engine.WasmExec)
	if err != nil {
		return err
	}
	b.addFile("/"+execJS, s.engine.WasmExec)
	b.addFile("/"+execJS+".br", br)
	b.addFile("/"+execJS+".gz", gz)
	var names [2]string
	for i, p := range s.parts {
		names[i] = search.HashName(indexPrefixes[i], ".idx", p.data)
		b.addFile("/"+names[i], p.data)
	}
	manifest, err := json.MarshalIndent(search.Manifest{Index: names[0], Descriptions: names[1], Wasm: wasm, WasmExec: execJS}, "", "  ")
	if err != nil {
		return err
	}
	b.addFile("/"+search.ManifestName, append(manifest, '\n'))
	b.addFile(openSearchPath, openSearch(b.cfg.BaseURL))
	b.info.Assets["opensearch.xml"] = openSearchPath
	b.info.Search = SearchAssets{
		Index:        "/" + names[0],
		Descriptions: "/" + names[1],
		WASM:         "/" + wasm,
		WASMExec:     "/" + execJS,
		Worker:       b.info.Asset("js/search-worker.js"),
		Script:       b.info.Asset("js/search.js"),
	}
	if b.info.Search.Worker == "" || b.info.Search.Script == "" {
		return fmt.Errorf("static: js/search.js and js/search-worker.js are needed for search")
	}
	return nil
}

// finish writes the index's compressed copies, made while the pages
// rendered, and the engine, compiled meanwhile.
func (s *searchJob) finish() error {
	if s == nil {
		return nil
	}
	<-s.compressed
	if s.compErr != nil {
		return s.compErr
	}
	for i, name := range []string{s.b.info.Search.Index, s.b.info.Search.Descriptions} {
		if err := s.b.out.write(name+".br", s.parts[i].br); err != nil {
			return err
		}
		if err := s.b.out.write(name+".gz", s.parts[i].gz); err != nil {
			return err
		}
	}
	waitStart := time.Now()
	<-s.wasmDone
	s.wasmWait = time.Since(waitStart)
	if s.wasmErr != nil {
		return s.engineError()
	}
	wasm := s.b.info.Search.WASM
	for _, f := range []struct {
		path string
		data []byte
	}{{wasm, s.wasm.Wasm}, {wasm + ".br", s.wasm.WasmBrotli}, {wasm + ".gz", s.wasm.WasmGzip}} {
		if err := s.b.out.write(f.path, f.data); err != nil {
			return err
		}
	}
	ms := func(d time.Duration) string { return d.Round(time.Millisecond).String() }
	how := "indexed"
	if s.cached {
		how = "index read from .cache/search"
	}
	s.b.publishNote("search: %s documents, %s in %s (names %.1f MB, %d kB brotli; descriptions %.1f MB, %d kB brotli); engine ready in %s (%d kB brotli); the pages waited %s for the index and the engine's name, then %s for the engine after rendering",
		commas(s.docs), how, ms(s.indexTime), float64(len(s.parts[0].data))/1e6, len(s.parts[0].br)/1000, float64(len(s.parts[1].data))/1e6, len(s.parts[1].br)/1000,
		ms(s.wasmTime), len(s.wasm.WasmBrotli)/1000, ms(s.wait), ms(s.wasmWait))
	return nil
}

func (s *searchJob) engineError() error {
	return fmt.Errorf("search: %w\n(the search engine is Go compiled to WebAssembly by the go tool; build without search with -search=false)", s.wasmErr)
}

// searchDocs lists what the search finds, from the loaded catalog, guides
// and policies.
func (b *builder) searchDocs() []search.Document {
	n := len(b.cat.ConditionKeys())
	for _, s := range b.cat.Services {
		n += 1 + len(s.Actions) + len(s.ResourceTypes)
	}
	docs := make([]search.Document, 0, n+2000)
	for _, s := range b.cat.Services {
		docs = append(docs, search.Document{
			Kind: "service", ID: s.Prefix, Title: s.Name, URL: ServicePath(s.Prefix),
			Service: s.Prefix, ServiceName: s.Name,
		})
		for _, a := range s.Actions {
			d := search.Document{
				Kind: "action", ID: a.ID(), Title: a.Name, URL: ActionPath(a),
				Service: s.Prefix, ServiceName: s.Name, AccessLevel: string(a.AccessLevel),
				Description: a.Description,
			}
			if a.Override != nil && a.Override.Level != a.AccessLevel {
				d.AccessOverride = string(a.Override.Level)
			}
			docs = append(docs, d)
		}
		for _, rt := range s.ResourceTypes {
			docs = append(docs, search.Document{
				Kind: "resource", ID: s.Prefix + ":" + rt.Name, Title: rt.Name, URL: ResourcePath(rt),
				Service: s.Prefix, ServiceName: s.Name, Description: rt.ARN,
			})
		}
		for _, g := range b.guides[s.Prefix] {
			docs = append(docs, guideDocs(g)...)
		}
	}
	for _, k := range b.cat.ConditionKeys() {
		docs = append(docs, conditionDoc(b.cat, k))
	}
	if b.pol != nil {
		for _, m := range b.pol.managed {
			d := search.Document{
				Kind: "policy", ID: m.Name(), Title: m.Name(), URL: PolicyPath(m.Name()),
				Description: policyDescription(m),
			}
			if m.Services == 1 && len(m.Top) == 1 {
				d.Service = m.Top[0].Prefix
			}
			docs = append(docs, d)
		}
		for _, ex := range b.pol.examples {
			d := search.Document{
				Kind: "example", ID: ex.Slug, Title: ex.Doc.Title, URL: ExamplePath(ex.Slug),
				Description: ex.Doc.Summary,
			}
			if ex.Service != nil {
				d.Service, d.ServiceName = ex.Service.Prefix, ex.Service.Name
			}
			docs = append(docs, d)
		}
	}
	return docs
}

// guideDocs are a guide and each of its sections (linked by anchor).
func guideDocs(g *Guide) []search.Document {
	page := GuidePath(g.Service.Prefix, g.Slug)
	docs := []search.Document{{
		Kind: "guide", ID: g.Doc.Title, Title: g.Doc.Title, URL: page,
		Service: g.Service.Prefix, ServiceName: g.Service.Name, Description: g.Doc.Summary,
	}}
	for _, h := range g.Doc.Headings {
		if h.ID == "" || h.Level == 1 && h.Text == g.Doc.Title {
			continue
		}
		docs = append(docs, search.Document{
			Kind: "guide", ID: h.Text, Title: g.Doc.Title, URL: page + "#" + h.ID,
			Service: g.Service.Prefix, ServiceName: g.Service.Name, Description: h.Body,
		})
	}
	return docs
}

// conditionDoc is a condition key across services; it belongs to the
// service its name starts with (s3:x-amz-acl), none for global keys
// (aws:SourceIp).
func conditionDoc(cat *catalog.Catalog, k *catalog.GlobalConditionKey) search.Document {
	d := search.Document{Kind: "condition", ID: k.Name, Title: k.Name, URL: ConditionKeyPath(k.Name)}
	if pre, _, ok := strings.Cut(k.Name, ":"); ok {
		if s := cat.Service(pre); s != nil && s.Prefix == pre {
			d.Service, d.ServiceName = s.Prefix, s.Name
		}
	}
	for _, def := range k.Definitions {
		if def.Description != "" {
			d.Description = def.Description
			break
		}
	}
	return d
}

func policyDescription(m *Managed) string {
	if m.View == nil {
		return "AWS managed policy"
	}
	desc := fmt.Sprintf("AWS managed policy allowing %s actions", commas(m.View.Allowed()))
	switch {
	case m.Services == 1 && len(m.Top) == 1:
		desc += " of " + m.Top[0].Prefix
	case m.Services > 1:
		desc += fmt.Sprintf(" in %d services", m.Services)
	}
	if m.Policy.Deprecated {
		desc += " (deprecated)"
	}
	return desc
}

// openSearchPath is the OpenSearch description: browsers offer to add the
// site as a search engine. Its address stays the same from build to build.
const openSearchPath = "/opensearch.xml"

// openSearch is the description document. Its URL template is absolute
// with a base URL; without one it is relative to the document, which
// lies at the site root.
func openSearch(baseURL string) []byte {
	root := "./"
	if baseURL != "" {
		root = baseURL + "/"
	}
	return fmt.Appendf(nil, `<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
<ShortName>iamref</ShortName>
<Description>Search AWS IAM actions, services, resource types, condition keys and managed policies</Description>
<InputEncoding>UTF-8</InputEncoding>
<Url type="text/html" method="get" template="%s?q={searchTerms}"/>
</OpenSearchDescription>
`, xmlEscape(root))
}

func xmlEscape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")
	return r.Replace(s)
}
