package site

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/search"
	"github.com/iamref/iamref/builder/search/wasmbuild"
)

// The site's search (builder/search): an index of every action, service,
// resource type, condition key, managed policy, example and guide section,
// written under a content-hashed name, and the engine that reads it, Go
// compiled to WebAssembly by wasmbuild (cached in <module>/.cache/wasm).
// Both are made while the pages are assembled; the page templates need
// only their names, so the index is compressed while the pages render:
//
//	startSearch  after loading: documents, then index and engine in the background
//	ready        before rendering: names into Info.Search, files into the jobs
//	finish       before publishing: the index's .br and .gz copies
//
// Files, all at the site root: search-<hash>.idx and search-<hash>.wasm,
// wasm_exec-<hash>.js (each with .br and .gz copies), search.json
// (for go run ./cmd/search -index public) and opensearch.xml.
type searchJob struct {
	b *builder

	wasmDone chan struct{}
	wasm     *wasmbuild.Files
	wasmErr  error

	indexDone chan struct{}
	index     []byte
	indexErr  error

	compressed chan struct{} // closed when br and gz are set
	br, gz     []byte
	compErr    error

	docs                      int
	start                     time.Time
	indexTime, wasmTime, wait time.Duration
}

// startSearch collects the search documents and starts building the index
// and the engine. It returns nil when the build has no search.
func (b *builder) startSearch(ctx context.Context) *searchJob {
	if !b.cfg.Search {
		return nil
	}
	s := &searchJob{b: b, wasmDone: make(chan struct{}), indexDone: make(chan struct{}), compressed: make(chan struct{}), start: time.Now()}
	docs := b.searchDocs()
	s.docs = len(docs)
	go func() {
		defer close(s.wasmDone)
		root := b.cfg.ModuleRoot
		if root == "" {
			var err error
			if root, err = wasmbuild.ModuleRoot(ctx); err != nil {
				s.wasmErr = err
				return
			}
		}
		s.wasm, s.wasmErr = wasmbuild.Compile(ctx, root, filepath.Join(root, ".cache", "wasm"))
		s.wasmTime = time.Since(s.start)
	}()
	go func() {
		defer close(s.compressed)
		idx, err := search.Build(docs, search.Options{})
		if err == nil {
			s.index = idx.Bytes()
		}
		s.indexErr = err
		s.indexTime = time.Since(s.start)
		close(s.indexDone)
		if err != nil {
			return
		}
		s.br, s.gz, s.compErr = search.CompressIndex(s.index)
	}()
	return s
}

// ready waits for the index and the engine, names them in Info.Search and
// adds their files to the build.
func (s *searchJob) ready() error {
	if s == nil {
		return nil
	}
	waitStart := time.Now()
	<-s.wasmDone
	<-s.indexDone
	s.wait = time.Since(waitStart)
	if s.wasmErr != nil {
		return fmt.Errorf("search: %w\n(the search engine is Go compiled to WebAssembly by the go tool; build without search with -search=false)", s.wasmErr)
	}
	if s.indexErr != nil {
		return fmt.Errorf("search index: %w", s.indexErr)
	}
	b := s.b
	wasm := search.HashName("search-", ".wasm", s.wasm.Wasm)
	b.addFile("/"+wasm, s.wasm.Wasm)
	b.addFile("/"+wasm+".br", s.wasm.WasmBrotli)
	b.addFile("/"+wasm+".gz", s.wasm.WasmGzip)
	execJS := search.HashName("wasm_exec-", ".js", s.wasm.WasmExec)
	br, gz, err := search.Compress(s.wasm.WasmExec)
	if err != nil {
		return err
	}
	b.addFile("/"+execJS, s.wasm.WasmExec)
	b.addFile("/"+execJS+".br", br)
	b.addFile("/"+execJS+".gz", gz)
	index := search.HashName("search-", ".idx", s.index)
	b.addFile("/"+index, s.index)
	manifest, err := json.MarshalIndent(search.Manifest{Index: index, Wasm: wasm, WasmExec: execJS}, "", "  ")
	if err != nil {
		return err
	}
	b.addFile("/"+search.ManifestName, append(manifest, '\n'))
	b.addFile(openSearchPath, openSearch(b.cfg.BaseURL))
	b.info.Assets["opensearch.xml"] = openSearchPath
	b.info.Search = SearchAssets{
		Index:    "/" + index,
		WASM:     "/" + wasm,
		WASMExec: "/" + execJS,
		Worker:   b.info.Asset("js/search-worker.js"),
		Script:   b.info.Asset("js/search.js"),
	}
	if b.info.Search.Worker == "" || b.info.Search.Script == "" {
		return fmt.Errorf("static: js/search.js and js/search-worker.js are needed for search")
	}
	return nil
}

// finish writes the index's compressed copies, made while the pages
// rendered.
func (s *searchJob) finish() error {
	if s == nil {
		return nil
	}
	<-s.compressed
	if s.compErr != nil {
		return s.compErr
	}
	index := s.b.info.Search.Index
	if err := s.b.out.write(index+".br", s.br); err != nil {
		return err
	}
	if err := s.b.out.write(index+".gz", s.gz); err != nil {
		return err
	}
	ms := func(d time.Duration) string { return d.Round(time.Millisecond).String() }
	s.b.publishNote("search: %s documents indexed in %s (%.1f MB, %d kB brotli); engine ready in %s (%d kB brotli); the pages waited %s for them",
		commas(s.docs), ms(s.indexTime), float64(len(s.index))/1e6, len(s.br)/1000, ms(s.wasmTime), len(s.wasm.WasmBrotli)/1000, ms(s.wait))
	return nil
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
