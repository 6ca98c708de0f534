package site

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/search"
	"github.com/iamref/iamref/builder/searchassets"
)

// The site's search: what it finds (searchDocs), and the files of its index
// and engine, which package searchassets makes while the pages are
// assembled and which the pages name in Info.Search.

// startSearch collects the search documents and starts building the index
// and the engine. It returns nil when the build has no search.
func (b *builder) startSearch(ctx context.Context) *searchassets.Job {
	if !b.cfg.Search {
		return nil
	}
	j := searchassets.Start(ctx, b.searchDocs(), b.cfg.ModuleRoot)
	if b.cfg.Dev {
		j.FixedIndexNames() // session.go: an edit that changes the index changes only the index
	}
	return j
}

// searchReady waits for the index and the engine's name, names them in
// Info.Search and adds the files known by then to the build, with the
// OpenSearch description.
func (b *builder) searchReady(j *searchassets.Job) error {
	if j == nil {
		return nil
	}
	f, err := j.Ready()
	if err != nil {
		return err
	}
	return b.nameSearch(f, f.List)
}

// reuseSearch names the search files of an earlier build of the same
// documents (Session) and adds all of them to the build.
func (b *builder) reuseSearch(f *searchassets.Files, files []searchassets.File) error {
	if f == nil {
		return nil
	}
	return b.nameSearch(f, files)
}

// nameSearch adds the search's files to the build, names them in
// Info.Search and adds the OpenSearch description.
func (b *builder) nameSearch(f *searchassets.Files, files []searchassets.File) error {
	b.srchNames = f
	b.srchFiles = append([]searchassets.File(nil), files...)
	for _, file := range files {
		b.addFile(file.Path, file.Data)
	}
	b.addFile(openSearchPath, openSearch(b.cfg.BaseURL))
	b.info.Assets["opensearch.xml"] = openSearchPath
	b.info.Search = SearchAssets{
		Index:        f.Index,
		Descriptions: f.Descriptions,
		WASM:         f.WASM,
		WASMExec:     f.WASMExec,
		Worker:       b.info.Asset("js/search-worker.js"),
		WorkerLoad:   b.info.Asset("js/worker-load.js"),
		Script:       b.info.Asset("js/search.js"),
	}
	if b.info.Search.Worker == "" || b.info.Search.WorkerLoad == "" || b.info.Search.Script == "" {
		return fmt.Errorf("static: js/search.js, js/search-worker.js and js/worker-load.js are needed for search")
	}
	return nil
}

// searchFinish writes the index's compressed copies, made while the pages
// rendered, and the engine, compiled meanwhile, with write, and returns
// the note on the search for the end of the render (which the time the
// pages waited for the engine after rendering needs).
func (b *builder) searchFinish(j *searchassets.Job, write func(string, []byte) error) (note func(rendered time.Time) string, err error) {
	if j == nil {
		return nil, nil
	}
	files, err := j.Finish()
	if err != nil {
		return nil, err
	}
	ready := time.Now()
	for _, f := range files {
		if err := write(f.Path, f.Data); err != nil {
			return nil, err
		}
	}
	if b.keepViews { // a Session writes them again
		b.srchFiles = append(b.srchFiles, files...)
	}
	st := j.Stats()
	ms := func(d time.Duration) string { return d.Round(time.Millisecond).String() }
	how := "indexed"
	if st.Cached {
		how = "index read from .cache/search"
	}
	return func(rendered time.Time) string {
		return fmt.Sprintf("search: %s documents, %s in %s (names %.1f MB, %d kB brotli; descriptions %.1f MB, %d kB brotli); engine ready in %s (%d kB brotli); the pages waited %s for the index and the engine's name, then %s for the engine after rendering",
			commas(st.Docs), how, ms(st.IndexTime), float64(st.NamesBytes)/1e6, st.NamesBrotli/1000, float64(st.DescBytes)/1e6, st.DescBrotli/1000,
			ms(st.WasmTime), st.WasmBrotli/1000, ms(st.Wait), ms(max(0, ready.Sub(rendered))))
	}, nil
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
			d.Risk = riskWords(a.Risks)
			docs = append(docs, d)
		}
		for _, rt := range s.ResourceTypes {
			d := search.Document{
				Kind: "resource", ID: s.Prefix + ":" + rt.Name, Title: rt.Name, URL: ResourcePath(rt),
				Service: s.Prefix, ServiceName: s.Name, Description: rt.ARN,
			}
			if rt.ARN != "" {
				// a pasted ARN finds the type and the actions on it
				d.ARNs = rt.ARNs()
				for _, a := range rt.Actions {
					d.Actions = append(d.Actions, a.ID())
				}
			}
			docs = append(docs, d)
		}
		for _, g := range b.guides[s.Prefix] {
			docs = append(docs, guideDocs(g)...)
		}
	}
	for _, k := range b.cat.ConditionKeys() {
		docs = append(docs, conditionDoc(b.cat, k))
	}
	docs = append(docs, b.removedDocs()...)
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

// removedDocs are the actions and services the catalog's history says
// were removed, each linked to its tombstone page (historypages.go makes
// them at these paths; a removed action whose page would collide is a
// build error there, and left out here).
func (b *builder) removedDocs() []search.Document {
	if b.hist == nil {
		return nil
	}
	h := b.hist.h
	var docs []search.Document
	removedName := map[string]string{}
	for _, r := range h.RemovedServices() {
		removedName[r.Service] = r.Record.Name
		docs = append(docs, search.Document{
			Kind: search.RemovedService, ID: r.Service, Title: r.Record.Name, URL: ServicePath(r.Service),
			Service: r.Service, ServiceName: r.Record.Name, Removed: r.Removed,
		})
	}
	for _, r := range h.Removed() {
		if reservedSegments[r.Name] {
			continue
		}
		name := removedName[r.Service]
		if s := b.cat.Service(r.Service); s != nil && s.Prefix == r.Service {
			name = s.Name
		}
		docs = append(docs, search.Document{
			Kind: search.RemovedAction, ID: r.ID(), Title: r.Name, URL: ActionPath(stubAction(r.Service, r.Name)),
			Service: r.Service, ServiceName: name, Description: r.Record.Description, Removed: r.Removed,
		})
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
func conditionDoc(cat *catalog.Catalog, k *catalog.KeyUsage) search.Document {
	d := search.Document{Kind: "condition", ID: k.Name, Title: k.Name, URL: ConditionKeyPath(k.Name)}
	if pre, _, ok := strings.Cut(k.Name, ":"); ok {
		if s := cat.Service(pre); s != nil && s.Prefix == pre {
			d.Service, d.ServiceName = s.Prefix, s.Name
		}
	}
	if k.Global != nil {
		d.Description = k.Global.Description
	}
	for _, def := range k.Definitions {
		if d.Description == "" && def.Description != "" {
			d.Description = def.Description
			break
		}
	}
	return d
}

// riskWords are an action's risk categories for the search's risk:
// filter: lower case, separated by spaces.
func riskWords(rs []catalog.RiskCategory) string {
	words := make([]string, len(rs))
	for i, r := range rs {
		words[i] = r.Slug()
	}
	return strings.Join(words, " ")
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
